import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers';

/**
 * Issue 13, done means: an nftables-mode node folder (kernel-captured `nft -a list ruleset` with
 * kube-proxy's table and a firewalld-shaped host firewall, an iptables-nft-save holding only
 * kubelet's chains, the kube-proxy ConfigMap and DaemonSet, uname -r, sysctl; made by
 * test/fixtures/nftables-node/make-node.sh) gets the nftables findings and no false "missing" ones.
 */
const NODE = join(__dirname, '..', 'fixtures', 'nftables-node', 'node');
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

interface JsonFinding {
  readonly file: string;
  readonly rule: string;
  readonly severity: string;
  readonly message: string;
  readonly range: { readonly start: { readonly line: number } };
}

function findings(folder: string): JsonFinding[] {
  const r = cli(['check', '--format', 'json', folder]);
  assert.notEqual(r.code, 2, r.err);
  return (JSON.parse(r.out) as { findings: JsonFinding[] }).findings;
}

const brief = (f: JsonFinding): string => `${f.file.split('/').pop()}:${f.range.start.line + 1} ${f.severity} ${f.rule}`;

/** A copy of the node folder with some files left out or replaced. */
function variant(drop: readonly string[], replace: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kn-nft-node-'));
  made.push(dir);
  for (const f of ['iptables-save.txt', 'kube-proxy.yaml', 'nft-a-list-ruleset.txt', 'sysctl-a.txt', 'uname-r.txt']) if (!drop.includes(f)) copyFileSync(join(NODE, f), join(dir, f));
  for (const [f, text] of Object.entries(replace)) writeFileSync(join(dir, f), text);
  return dir;
}

/** Rules that conclude from something missing in iptables dumps: none may fire on an nftables-mode node. */
const ABSENCE_RULES = [
  'iptables/service-without-endpoints',
  'iptables/forward-invalid-drop',
  'iptables/forward-drop-without-pod-accept',
  'iptables/mixed-backends',
  'iptables/third-party-kube-chain-dependency',
  'sysctl/route-localnet-without-guard',
  'nftables/leftover-proxy-rules',
];

describe('CLI on an nftables-mode node folder (issue 13)', () => {
  it('reports exactly the nftables findings, and nothing about missing kube-proxy iptables rules', () => {
    const all = findings(NODE);
    assert.deepEqual(all.map(brief).sort(), [
      'kube-proxy.yaml:11 info kube-proxy/nftables-prerequisites',
      'nft-a-list-ruleset.txt:1 warning nftables/no-invalid-drop-workaround',
      'nft-a-list-ruleset.txt:27 info nftables/service-without-endpoints',
      'nft-a-list-ruleset.txt:275 warning nftables/host-firewall-drops-kube-traffic',
      'nft-a-list-ruleset.txt:303 info nftables/masquerade-without-fully-random',
      'nft-a-list-ruleset.txt:33 info nftables/service-without-endpoints',
    ]);
    const byRule = new Map(all.map((f) => [f.rule, f]));
    assert.match(byRule.get('nftables/no-invalid-drop-workaround')!.message, /kernel 5\.15\.0-91-generic .*nf_conntrack_tcp_be_liberal = 0/);
    assert.match(byRule.get('nftables/host-firewall-drops-kube-traffic')!.message, /inet firewalld rejects in chain filter_FORWARD new connections forwarded from pods \(10\.244\.0\.0\/16\)/);
    assert.match(byRule.get('nftables/masquerade-without-fully-random')!.message, /kube-proxy clusterCIDR in .*kube-proxy\.yaml/);
  });

  it('stays silent about missing iptables rules also when only the configuration says nftables (no ruleset captured)', () => {
    const rules = findings(variant(['nft-a-list-ruleset.txt'])).map((f) => f.rule);
    for (const id of ABSENCE_RULES) assert.ok(!rules.includes(id), `${id} fired`);
  });

  it('leftover iptables-mode Service rules are reported as leftovers, not as Services without endpoints (the guard), which they are in iptables mode', () => {
    const kp = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n';
    // The captured save plus a filter table an iptables-mode kube-proxy left behind.
    const save = `${readFileSync(join(NODE, 'iptables-save.txt'), 'utf8')}*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.96.5.5/32 -p tcp -m comment --comment "shop/cart:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n`;
    const iptablesMode = findings(variant(['nft-a-list-ruleset.txt'], { 'kube-proxy.yaml': kp, 'iptables-save.txt': save })).map((f) => f.rule);
    assert.ok(iptablesMode.includes('iptables/service-without-endpoints'), iptablesMode.join(', '));
    // With the ruleset, the table kube-proxy wins over the stale configuration: the rules are leftovers.
    const nftMode = findings(variant([], { 'kube-proxy.yaml': kp, 'iptables-save.txt': save })).map((f) => f.rule);
    assert.ok(nftMode.includes('nftables/leftover-proxy-rules'), nftMode.join(', '));
    for (const id of ABSENCE_RULES.filter((x) => x !== 'nftables/leftover-proxy-rules')) assert.ok(!nftMode.includes(id), `${id} fired`);
  });

  it('the remediation script runs the read-only kubectl checks and lists the nft commands commented out for review', () => {
    const r = cli(['script', NODE]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^kubectl -n ns6 get endpointslices -l kubernetes\.io\/service-name=svc6 -o wide$/m);
    assert.match(r.out, /^# {3}nft insert rule inet firewalld filter_FORWARD position 23 ip saddr 10\.244\.0\.0\/16 accept$/m);
    assert.match(r.out, /^# {3}sysctl -w net\.netfilter\.nf_conntrack_tcp_be_liberal=1$/m);
    assert.doesNotMatch(r.out, /^nft /m, 'nothing that changes the firewall runs without review');
    // Each step names the finding's file by its path in the node folder, as messages do, never the folder above it.
    assert.match(r.out, /^# 1\. \S+ \([^/()]+:\d+\)$/m);
    const steps = r.out.split('\n').filter((l) => /^# \d+\. /.test(l));
    assert.ok(steps.length > 0 && steps.every((l) => !l.includes(NODE)), steps.join('\n'));
  });
});
