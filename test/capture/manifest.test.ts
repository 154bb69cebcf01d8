import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectNode, CollectError } from '../../server/src/capture/collectNode';
import { conntrackCount, versionLine, type Manifest } from '../../server/src/capture/manifest';
import type { PlanEntry } from '../../server/src/capture/plan';
import { parseIptables } from '../../server/src/formats/iptables';

let bin: string;
let root: string;

function stub(name: string, body: string): void {
  const p = join(bin, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
}

/** A small plan over stub programs: each entry exercises one path of the collector. */
const PLAN: readonly PlanEntry[] = [
  { id: 'save', argv: ['kn-stub-save'], output: { file: 'iptables-nft-save.txt' }, kind: 'iptables', applies: { when: 'always' }, stderr: 'comment-before' },
  { id: 'optional', argv: ['kn-stub-absent-backend'], output: { file: 'iptables-legacy-save.txt' }, kind: 'iptables', applies: { when: 'if-installed' }, stderr: 'comment-before' },
  { id: 'fallback', argv: ['kn-stub-plain-save'], output: { file: 'iptables-save.txt' }, kind: 'iptables', applies: { when: 'unless-installed', programs: ['kn-stub-save'] }, stderr: 'comment-before' },
  { id: 'missing', argv: ['kn-stub-not-installed', '-S'], output: { file: 'conntrack-S.txt' }, kind: 'conntrack', applies: { when: 'always' }, stderr: 'manifest' },
  { id: 'failing', argv: ['kn-stub-fail'], output: { file: 'ipvsadm-Ln.txt' }, kind: 'ipvsadm', applies: { when: 'always' }, stderr: 'manifest' },
  { id: 'conntrack-count', argv: ['kn-stub-count'], output: { manifest: 'conntrack-count' }, kind: 'conntrack-count', applies: { when: 'always' }, stderr: 'manifest' },
  { id: 'conntrack-list', argv: ['kn-stub-list'], output: { file: 'conntrack-L.txt' }, kind: 'conntrack', applies: { when: 'always' }, stderr: 'append', lineCap: 'max-conntrack' },
  { id: 'ip-link', argv: ['kn-stub-link'], output: { file: 'ip-d-link.txt' }, kind: 'ip-link', applies: { when: 'always' }, stderr: 'manifest' },
  { id: 'ethtool-features', argv: ['kn-stub-ethtool', '-k', '{dev}'], output: { file: 'ethtool-k-{dev}.txt' }, kind: 'ethtool', applies: { when: 'per-overlay-device' }, stderr: 'manifest' },
  { id: 'version', argv: ['kn-stub-save', '-V'], output: { manifest: 'tools' }, kind: 'tool-version', applies: { when: 'always' }, stderr: 'manifest' },
];

async function collect(out: string, extra: { force?: boolean } = {}): Promise<Manifest> {
  const { manifest } = await collectNode({ out, maxConntrack: 3, timeoutSeconds: 5, maxBytes: 1 << 20, force: extra.force ?? false, version: '9.9.9-test', path: bin, plan: PLAN });
  return manifest;
}

describe('collector and manifest.json (stub tools)', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'kn-manifest-'));
    bin = join(root, 'bin');
    mkdirSync(bin);
    stub('kn-stub-save', 'if [ "$1" = -V ]; then echo "kn-stub-save v1.8.9 (nf_tables)"; exit 0; fi\necho "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them" >&2\nprintf "*nat\\n:POSTROUTING ACCEPT [0:0]\\n-A POSTROUTING -j MASQUERADE\\nCOMMIT\\n"');
    stub('kn-stub-plain-save', 'echo should-not-run');
    stub('kn-stub-fail', 'echo "Can\'t initialize ipvs: Protocol not available" >&2; exit 2');
    stub('kn-stub-count', 'echo 7');
    stub('kn-stub-list', 'i=1; while [ $i -le 7 ]; do echo "udp      17 29 src=10.0.0.$i dst=10.0.0.254 sport=1000 dport=9999 [UNREPLIED] src=10.0.0.254 dst=10.0.0.$i sport=9999 dport=1000 mark=0 use=1"; i=$((i+1)); done; echo "conntrack v1.4.7 (conntrack-tools): 7 flow entries have been shown." >&2');
    stub('kn-stub-link', "printf '1: lo: <LOOPBACK,UP> mtu 65536\\n    link/loopback 00:00:00:00:00:00\\n2: flannel.1: <BROADCAST,UP> mtu 1450\\n    link/ether aa:bb:cc:dd:ee:ff\\n    vxlan id 1 dstport 8472\\n'");
    stub('kn-stub-ethtool', 'echo "Features for $2:"; echo "tx-checksum-ip-generic: on"');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes the node folder and a manifest that says what ran, what was missing and what was cut', async () => {
    const out = join(root, 'node1');
    const m = await collect(out);
    assert.deepEqual(readdirSync(out).sort(), ['conntrack-L.txt', 'ethtool-k-flannel.1.txt', 'ip-d-link.txt', 'iptables-nft-save.txt', 'manifest.json']);
    const onDisk = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    assert.deepEqual(onDisk, m, 'manifest.json is the manifest returned');
    assert.equal(m.schema, 1);
    assert.deepEqual(m.collector, { name: 'kube-netlint', version: '9.9.9-test' });
    assert.ok(Date.parse(m.finishedAt) >= Date.parse(m.startedAt));
    assert.ok(m.hostname.length > 0 && m.kernel.length > 0);
    assert.equal(m.netns, null);
    const byId = new Map(m.commands.map((c) => [c.id, c]));
    assert.equal(byId.get('save')!.status, 'ran');
    assert.equal(byId.get('save')!.file, 'iptables-nft-save.txt');
    assert.equal(byId.get('save')!.exitCode, 0);
    assert.equal(byId.get('save')!.argv[0], join(bin, 'kn-stub-save'), 'the program is run by absolute path');
    assert.equal(byId.get('optional')!.status, 'not-applicable');
    assert.match(byId.get('fallback')!.reason!, /kn-stub-save/);
    assert.equal(byId.get('missing')!.status, 'missing');
    assert.deepEqual(m.missing, [{ program: 'kn-stub-not-installed', neededBy: ['missing'] }], 'a missing tool is recorded, the run goes on');
    const failing = byId.get('failing')!;
    assert.equal(failing.exitCode, 2);
    assert.equal(failing.file, undefined, 'a failure with no output writes no file');
    assert.match(failing.stderr!, /Protocol not available/);
    assert.deepEqual(m.tools, { 'kn-stub-save': 'kn-stub-save v1.8.9 (nf_tables)' });
    assert.deepEqual(m.conntrack, { limit: 3, captured: 3, total: 7, truncated: true });
    assert.equal(byId.get('conntrack-list')!.truncated, 'lines');
    assert.deepEqual(m.overlayDevices, ['flannel.1']);
    assert.deepEqual(byId.get('ethtool-features:flannel.1')!.argv.slice(1), ['-k', 'flannel.1']);
    for (const f of m.files) assert.equal(readFileSync(join(out, f.name)).length, f.bytes, f.name);
  });

  it('puts the legacy-tables banner from stderr into the saved iptables file, as a comment the reader sees', async () => {
    const out = join(root, 'node2');
    await collect(out);
    const text = readFileSync(join(out, 'iptables-nft-save.txt'), 'utf8');
    assert.equal(text, '# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n');
    assert.ok(parseIptables(text).legacyTablesWarning, 'the iptables reader finds the banner');
    const ct = readFileSync(join(out, 'conntrack-L.txt'), 'utf8');
    assert.equal(ct.split('\n').filter((l) => l.startsWith('udp')).length, 3, '--max-conntrack 3 keeps 3 entries');
  });

  it('refuses a non-empty --out, and with --force replaces only its own files', async () => {
    const out = join(root, 'node3');
    await collect(out);
    writeFileSync(join(out, 'kube-proxy-cm.yaml'), 'kind: ConfigMap\n');
    writeFileSync(join(out, 'ethtool-k-old0.txt'), 'from an earlier capture');
    await assert.rejects(collect(out), (e: unknown) => e instanceof CollectError && /not empty/.test(e.message));
    await collect(out, { force: true });
    const names = readdirSync(out).sort();
    assert.ok(names.includes('kube-proxy-cm.yaml'), 'a file of the user stays');
    assert.ok(!names.includes('ethtool-k-old0.txt'), 'a file of an earlier capture goes');
  });

  it('refuses a namespace name that could read as an option or a path', async () => {
    for (const netns of ['-x', '../x', 'a b', '']) {
      await assert.rejects(collectNode({ out: join(root, 'never'), netns, maxConntrack: 1, timeoutSeconds: 1, maxBytes: 1, force: false, version: 't', plan: PLAN }), CollectError, netns);
    }
    assert.ok(!readdirSync(root).includes('never'), 'nothing was created');
  });

  it('reads tool versions and the conntrack count without trusting their shape', () => {
    assert.equal(versionLine(Buffer.from('\n  nftables v1.0.6 (Lester Gooch #5)\n'), Buffer.alloc(0)), 'nftables v1.0.6 (Lester Gooch #5)');
    assert.equal(versionLine(Buffer.alloc(0), Buffer.from('ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n')), 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)');
    assert.equal(conntrackCount(Buffer.from('1234\n')), 1234);
    assert.equal(conntrackCount(Buffer.from('conntrack v1.4.7: error\n')), null);
  });
});
