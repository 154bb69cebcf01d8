// Language configurations (comments, brackets, wordPattern) and grammar file conventions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANGUAGES, REPO_ROOT, SYNTAXES, grammarPath } from './tokenize';
import type { LanguageId } from './tokenize';

interface LanguageConfiguration {
  comments?: { lineComment?: string; blockComment?: [string, string] };
  brackets?: [string, string][];
  autoClosingPairs?: { open: string; close: string }[];
  surroundingPairs?: [string, string][];
  wordPattern?: string;
}

function config(id: LanguageId): LanguageConfiguration {
  return JSON.parse(readFileSync(join(SYNTAXES, `${id}.language-configuration.json`), 'utf8')) as LanguageConfiguration;
}

/** The word VS Code picks at `col` (same rule as its getWordAtText: the match that contains col). */
function wordAt(pattern: string, line: string, col: number): string | undefined {
  const re = new RegExp(pattern, 'gu');
  for (const m of line.matchAll(re)) {
    if (m.index <= col && col < m.index + m[0].length) return m[0];
  }
  return undefined;
}

/** [language, line, word that must come out whole when the cursor is anywhere inside it] */
const WORDS: readonly [LanguageId, string, string][] = [
  ['iptables', '-A KUBE-SERVICES -d 10.96.0.10/32 -j KUBE-SVC-XGLOHA7QRQ3V22RZ', 'KUBE-SVC-XGLOHA7QRQ3V22RZ'],
  ['iptables', ':KUBE-SVC-XGLOHA7QRQ3V22RZ - [0:0]', 'KUBE-SVC-XGLOHA7QRQ3V22RZ'],
  ['iptables', '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN', '10.244.0.0/16'],
  ['iptables', '-A X ! -s 10.244.0.0/16 -j Y', '10.244.0.0/16'],
  ['iptables', '    0     0 RETURN     all  --  *      *      !10.244.0.0/16        10.244.0.0/16', '10.244.0.0/16'],
  ['iptables', '-A X -j MARK --set-xmark 0x4000/0x4000', '0x4000/0x4000'],
  ['iptables', '-A INPUT -s fe80::1/64 -j ACCEPT', 'fe80::1/64'],
  ['iptables', '-A X -m comment --comment "kubernetes service portals" -j Y', 'kubernetes'],
  ['nftables', '\t\tnumgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }', 'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80'],
  ['nftables', '\t\tip daddr . meta l4proto . th dport vmap @service-ips', '@service-ips'],
  ['nftables', '\t\tip6 saddr fd00:10::1 jump mark-for-masquerade', 'fd00:10::1'],
  ['nftables', '\t\tmeta mark & 0x00004000 == 0x00000000 return', '0x00004000'],
  ['ipvsadm', 'TCP  10.96.0.10:53 rr', '10.96.0.10:53'],
  ['ipvsadm', 'TCP  [2001::1]:80 conhash sip', '2001::1'],
  ['conntrack', 'tcp 6 1 ESTABLISHED src=10.244.0.0 dst=10.96.0.10 [ASSURED]', '10.244.0.0'],
  ['conntrack', 'tcp 6 1 ESTABLISHED src=10.244.0.0 dst=10.96.0.10 [ASSURED]', 'ASSURED'],
  ['sysctl', 'net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward'],
  ['sysctl', 'net.ipv4.ip_forward=1', 'net.ipv4.ip_forward'],
  ['sysctl', '-net.ipv4.ping_group_range = 0 2147483647', 'net.ipv4.ping_group_range'],
  ['sysctl', 'net/bridge/bridge-nf-call-iptables = 1', 'net/bridge/bridge-nf-call-iptables'],
  ['ethtool', '\ttx-checksum-ip-generic: off [requested on]', 'tx-checksum-ip-generic'],
  ['ethtool', 'Features for flannel.1:', 'flannel.1'],
  ['ip-link', '3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue', 'flannel.1'],
  ['ip-link', '    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff', '2e:7f:00:00:00:01'],
  ['ip-addr', '    inet6 fd00:56::10/64 scope global nodad', 'fd00:56::10/64'],
  ['ip-route', '10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink', '10.244.1.0/24'],
  ['ip-rule', '200:\tfrom all fwmark 0x4000/0x4000 lookup 200', '0x4000/0x4000'],
  ['bridge-link', '5: veth1a2b3c4d@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 master cni0', 'cni0'],
];

describe('language configurations', () => {
  for (const id of Object.keys(LANGUAGES) as LanguageId[]) {
    it(`${id}: valid JSON with brackets that auto-close and surround`, () => {
      const c = config(id);
      for (const [open, close] of c.brackets ?? []) {
        assert.ok(c.autoClosingPairs?.some((p) => p.open === open && p.close === close), `${open}${close} auto-closes`);
        assert.ok(c.surroundingPairs?.some(([o, cl]) => o === open && cl === close), `${open}${close} surrounds`);
      }
      assert.equal(c.comments?.blockComment, undefined, 'none of the dump formats has block comments');
      assert.ok(c.wordPattern, 'wordPattern present');
      assert.doesNotThrow(() => new RegExp(c.wordPattern!, 'gu'));
    });
  }

  it('line comments: "#" for iptables and sysctl, none for the others', () => {
    assert.equal(config('iptables').comments?.lineComment, '#');
    assert.equal(config('sysctl').comments?.lineComment, '#');
    for (const id of ['ipvsadm', 'conntrack', 'ethtool'] as const) assert.equal(config(id).comments?.lineComment, undefined, id);
    assert.deepEqual(config('iptables').brackets, [['[', ']'], ['(', ')']]);
    assert.deepEqual(config('conntrack').brackets, [['[', ']']]);
    assert.equal(config('nftables').comments?.lineComment, '#');
    assert.deepEqual(config('nftables').brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  });

  for (const [id, line, word] of WORDS) {
    it(`${id}: "${word}" is one word in ${JSON.stringify(line)}`, () => {
      const pattern = config(id).wordPattern!;
      const start = line.indexOf(word);
      assert.ok(start >= 0);
      for (const col of [start, start + Math.floor(word.length / 2), start + word.length - 1]) {
        assert.equal(wordAt(pattern, line, col), word, `cursor at column ${col}`);
      }
    });
  }

  it('word patterns do not swallow separators: "=", quotes, brackets, a leading ":" or a trailing ":"', () => {
    assert.equal(wordAt(config('sysctl').wordPattern!, 'a.b=1', 0), 'a.b');
    assert.equal(wordAt(config('conntrack').wordPattern!, 'src=1.2.3.4', 5), '1.2.3.4');
    assert.equal(wordAt(config('ethtool').wordPattern!, 'highdma: on', 0), 'highdma');
    assert.equal(wordAt(config('iptables').wordPattern!, '[5:300] -A X', 1), '5:300');
    assert.equal(wordAt(config('iptables').wordPattern!, '"abc"', 2), 'abc');
  });

  it('word patterns are fast on long adversarial lines', () => {
    for (const id of Object.keys(LANGUAGES) as LanguageId[]) {
      const re = new RegExp(config(id).wordPattern!, 'gu');
      for (const line of ['a:'.repeat(50_000) + ':', 'a::'.repeat(30_000), '-'.repeat(100_000) + '"', ':'.repeat(100_000)]) {
        const t0 = performance.now();
        let n = 0;
        for (const _ of line.matchAll(re)) n++;
        const ms = performance.now() - t0;
        assert.ok(ms < 500, `${id}: ${ms.toFixed(0)} ms for ${n} words`);
      }
    }
  });
});

describe('grammar files', () => {
  for (const [id, scopeName] of Object.entries(LANGUAGES)) {
    it(`${id}: scopeName ${scopeName} and every scope name ends with ".${id}"`, () => {
      const g = JSON.parse(readFileSync(grammarPath(scopeName), 'utf8')) as { scopeName: string; name: string; repository: object; patterns: object[] };
      assert.equal(g.scopeName, scopeName);
      assert.equal(g.name, id);
      const bad: string[] = [];
      const includes: string[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node !== null && typeof node === 'object') {
          for (const [k, v] of Object.entries(node)) {
            if ((k === 'name' || k === 'contentName') && typeof v === 'string') {
              for (const s of v.split(' ')) if (!s.endsWith(`.${id}`)) bad.push(s);
            } else if (k === 'include' && typeof v === 'string') includes.push(v);
            else walk(v);
          }
        }
      };
      walk(g.repository);
      walk(g.patterns);
      assert.deepEqual(bad, []);
      const repo = g.repository as Record<string, unknown>;
      for (const inc of includes) assert.ok(inc.startsWith('#') && inc.slice(1) in repo, `include ${inc} resolves`);
    });
  }
});

describe('generated grammar files are up to date', () => {
  it('syntaxes/build/build.mjs reproduces every syntaxes/*.tmLanguage.json byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'kube-netlint-grammars-'));
    try {
      execFileSync(process.execPath, [join(REPO_ROOT, 'syntaxes', 'build', 'build.mjs'), out]);
      for (const id of Object.keys(LANGUAGES)) {
        const file = `${id}.tmLanguage.json`;
        assert.equal(readFileSync(join(out, file), 'utf8'), readFileSync(join(SYNTAXES, file), 'utf8'), `${file} differs from its builder; run node syntaxes/build/build.mjs`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
