/**
 * `kube-netlint collect` on this machine's real kernel, inside network namespaces made here:
 * a node namespace with a VXLAN flannel.1 (TX checksum offload on), kube-proxy-style nat rules
 * (MASQUERADE with and without --random-fully, the old KUBE-POSTROUTING form) and a veth pair to a
 * second namespace that sends a few UDP datagrams (conntrack entries). Collect, check, run the
 * remediation script the CLI prints inside the namespace, collect again: the findings the script
 * addresses are gone. Needs root (CI runs as root); namespaces are always deleted.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../../server/src/capture/manifest';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const PREFIX = 'knlt-collect-';
const NODE_NS = `${PREFIX}${process.pid}-node`;
const PEER_NS = `${PREFIX}${process.pid}-peer`;
/** An Ubuntu kernel without the VXLAN checksum fix (5.4.0-32 has it); this machine's kernel has it. */
const AFFECTED_KERNEL = '5.4.0-26-generic';

const NAT_RULES = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE
-A POSTROUTING -s 10.244.1.0/24 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully
COMMIT
`;

interface Finding {
  readonly file: string;
  readonly rule: string;
  readonly severity: string;
  readonly range: { readonly start: { readonly line: number } };
}

let work: string;

function sh(argv: readonly string[], input?: string): SpawnSyncReturns<string> {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000, ...(input !== undefined ? { input } : {}) });
  return r;
}

function must(argv: readonly string[], input?: string): string {
  const r = sh(argv, input);
  assert.equal(r.status, 0, `${argv.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

function inNode(...argv: string[]): string {
  return must(['ip', 'netns', 'exec', NODE_NS, ...argv]);
}

/** Deletes namespaces this test left behind in an earlier run that was killed (their pid is gone). */
function removeLeftovers(): void {
  for (const line of sh(['ip', 'netns', 'list']).stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (m && !existsSync(`/proc/${m[1]}`)) sh(['ip', 'netns', 'del', name]);
  }
}

function deleteNamespaces(): void {
  for (const ns of [NODE_NS, PEER_NS]) sh(['ip', 'netns', 'del', ns]);
}

/** `collect --check --format json`: the exit status, the findings, the manifest. */
function collect(out: string): { code: number | null; findings: Finding[]; manifest: Manifest; stderr: string } {
  const r = sh([process.execPath, CLI, 'collect', '--netns', NODE_NS, '--out', out, '--max-conntrack', '2', '--timeout', '20', '--check', '--format', 'json', '--kernel', AFFECTED_KERNEL]);
  assert.notEqual(r.stdout, '', `collect printed no JSON: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { findings: Finding[] };
  return { code: r.status, findings: json.findings, manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest, stderr: r.stderr };
}

const base = (f: Finding): string => f.file.split('/').pop()!;
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

describe('kube-netlint collect on the real kernel (network namespaces)', () => {
  before(() => {
    assert.equal(process.getuid?.(), 0, 'this test needs root (ip netns, iptables): CI runs as root');
    assert.ok(existsSync(CLI), 'dist/cli.js is missing: npm run build');
    removeLeftovers();
    work = mkdtempSync(join(tmpdir(), 'kn-collect-'));
    try {
      must(['ip', 'netns', 'add', NODE_NS]);
      must(['ip', 'netns', 'add', PEER_NS]);
      must(['ip', '-n', NODE_NS, 'link', 'set', 'lo', 'up']);
      must(['ip', '-n', NODE_NS, 'link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'dstport', '8472', 'local', '127.0.0.1', 'nolearning']);
      must(['ip', '-n', NODE_NS, 'link', 'set', 'flannel.1', 'up']);
      must(['ip', '-n', NODE_NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', PEER_NS]);
      must(['ip', '-n', NODE_NS, 'addr', 'add', '10.200.0.1/24', 'dev', 'eth0']);
      must(['ip', '-n', NODE_NS, 'link', 'set', 'eth0', 'up']);
      must(['ip', '-n', PEER_NS, 'addr', 'add', '10.200.0.2/24', 'dev', 'eth0']);
      must(['ip', '-n', PEER_NS, 'link', 'set', 'eth0', 'up']);
      must(['ip', 'netns', 'exec', NODE_NS, 'iptables-nft-restore'], NAT_RULES);
      // Five datagrams from five sockets: five conntrack entries in the node namespace, nothing leaves the pair.
      must(['ip', 'netns', 'exec', PEER_NS, process.execPath, '-e', "const d=require('dgram');let n=0;for(let i=0;i<5;i++){const s=d.createSocket('udp4');s.send('x',9999,'10.200.0.1',()=>{s.close();n++;})}"]);
    } catch (e) {
      deleteNamespaces();
      throw e;
    }
  });
  after(() => {
    deleteNamespaces();
    if (work) rmSync(work, { recursive: true, force: true });
    assert.ok(!sh(['ip', 'netns', 'list']).stdout.includes(NODE_NS), 'the namespaces are gone');
  });

  it('captures the namespace, the expected findings fire, the remediation script clears the ones it addresses', () => {
    // 1. Collect and check.
    const before = collect(join(work, 'before'));
    assert.equal(before.code, 1, `findings at warning or above: exit 1 (${before.stderr})`);
    const m = before.manifest;
    assert.equal(m.netns, NODE_NS);
    assert.deepEqual(m.overlayDevices, ['flannel.1']);
    for (const c of m.commands.filter((c) => c.status === 'ran')) assert.deepEqual(c.argv.slice(1, 4), ['netns', 'exec', NODE_NS], c.id);
    assert.equal(m.conntrack.captured, 2, '--max-conntrack 2');
    assert.equal(m.conntrack.truncated, true);
    assert.ok((m.conntrack.total ?? 0) >= 5, `conntrack -C counted ${m.conntrack.total}`);
    assert.match(m.tools['iptables'] ?? '', /^iptables v\d/);
    const conntrack = readFileSync(join(work, 'before', 'conntrack-L.txt'), 'utf8');
    assert.equal(conntrack.split('\n').filter((l) => /dst=10\.200\.0\.1 .*dport=9999/.test(l)).length, 2, conntrack);
    const save = readFileSync(join(work, 'before', 'iptables-nft-save.txt'), 'utf8');
    assert.match(save, /^# Generated by iptables-nft-save/);

    const fired = (rule: string, file: string): Finding[] => before.findings.filter((f) => f.rule === rule && base(f) === file);
    const offload = fired('ethtool/vxlan-tx-checksum-offload', 'ethtool-k-flannel.1.txt');
    assert.equal(offload.length, 1);
    assert.equal(offload[0]!.severity, 'warning', 'affected kernel (--kernel) and the old KUBE-POSTROUTING rule as trigger');
    const masq = fired('iptables/masquerade-without-random-fully', 'iptables-nft-save.txt');
    assert.deepEqual(
      masq.map((f) => f.range.start.line),
      [lineOf(save, '-s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE')],
      'only the MASQUERADE without --random-fully',
    );
    const double = fired('iptables/kube-postrouting-double-snat', 'iptables-nft-save.txt');
    assert.deepEqual(double.map((f) => [f.severity, f.range.start.line]), [['error', lineOf(save, '-A KUBE-POSTROUTING')]]);
    assert.equal(fired('iptables/kube-postrouting-double-snat', 'iptables-nat-L.txt').length, 1, 'the nat listing is read too');
    assert.ok(!before.findings.some((f) => f.file.endsWith('manifest.json')), '--check lints the dumps, not manifest.json');

    // 2. The remediation script, as the CLI prints it, run inside the node namespace. /etc is an
    // overlay there (the udev rule and sysctl.d file land in a scratch directory, the host's /etc
    // is untouched), and udevadm is a recording stub: no udevd runs in a test namespace.
    const script = must([process.execPath, CLI, 'script', '--kernel', AFFECTED_KERNEL, join(work, 'before')]);
    const addressed = new Set([...script.matchAll(/^# \d+\. ([a-z0-9-]+\/[a-z0-9-]+) /gm)].map((x) => x[1]!));
    assert.ok(addressed.has('ethtool/vxlan-tx-checksum-offload'), script);
    assert.ok(addressed.has('sysctl/ip-forward-disabled'), 'a fresh namespace does not forward: the script turns it on');
    const scriptFile = join(work, 'remediate.sh');
    writeFileSync(scriptFile, script);
    const stubs = join(work, 'stubs');
    mkdirSync(stubs);
    writeFileSync(join(stubs, 'udevadm'), `#!/bin/sh\necho "$@" >> ${join(work, 'udevadm.calls')}\n`);
    chmodSync(join(stubs, 'udevadm'), 0o755);
    const upper = join(work, 'etc-upper');
    const overlayWork = join(work, 'etc-work');
    mkdirSync(upper);
    mkdirSync(overlayWork);
    const wrapper = 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc && mkdir -p /etc/udev/rules.d /etc/sysctl.d && PATH="$3:$PATH" exec bash "$4"';
    const ran = sh(['ip', 'netns', 'exec', NODE_NS, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', wrapper, 'sh', upper, overlayWork, stubs, scriptFile]);
    assert.equal(ran.status, 0, `the remediation script failed: ${ran.stderr}`);
    assert.match(readFileSync(join(upper, 'udev', 'rules.d', '90-flannel.rules'), 'utf8'), /ENV\{INTERFACE\}=="flannel\.1".*tx-checksum-ip-generic off/);
    assert.equal(readFileSync(join(work, 'udevadm.calls'), 'utf8'), 'control --reload-rules\n');
    assert.ok(!existsSync('/etc/udev/rules.d/90-flannel.rules'), "the host's /etc was not written");
    assert.match(inNode('ethtool', '-k', 'flannel.1'), /tx-checksum-ip-generic: off/, 'the kernel agrees');

    // 3. Collect again: what the script addressed is gone; the iptables findings (their fixes are
    // edits to the saved dump, not commands) are still there.
    const after = collect(join(work, 'after'));
    for (const rule of addressed) assert.deepEqual(after.findings.filter((f) => f.rule === rule).map((f) => `${base(f)}:${f.range.start.line}`), [], `${rule} after the script`);
    assert.equal(after.findings.filter((f) => f.rule === 'iptables/kube-postrouting-double-snat' && base(f) === 'iptables-nft-save.txt').length, 1);
    assert.equal(after.findings.filter((f) => f.rule === 'iptables/masquerade-without-random-fully' && base(f) === 'iptables-nft-save.txt').length, 1);
  });

  it('keeps the iptables-nft "legacy tables present" banner (stderr) in the saved dump, where iptables/mixed-backends reads it', () => {
    inNode('iptables-legacy', '-t', 'filter', '-S'); // creates the legacy filter table in the namespace
    const r = collect(join(work, 'legacy'));
    const save = readFileSync(join(work, 'legacy', 'iptables-nft-save.txt'), 'utf8');
    assert.match(save.split('\n')[0]!, /^# Warning: iptables-legacy tables present/);
    assert.ok(r.findings.some((f) => f.rule === 'iptables/mixed-backends' && base(f) === 'iptables-nft-save.txt'), JSON.stringify(r.findings.map((f) => f.rule)));
    assert.ok(existsSync(join(work, 'legacy', 'iptables-legacy-save.txt')), 'the legacy back end is captured too');
  });
});
