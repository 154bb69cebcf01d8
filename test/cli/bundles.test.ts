import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../server/src/cli/main';
import { SOS_READ_FILES } from '../helpers/bundleFixtures';

/**
 * `kube-netlint check` on the bundles people already have (test/fixtures/bundles/, laid out as sos
 * and cilium sysdump lay them out): every file the bundle's paths map is reported under its kind,
 * with the node's facts from the whole bundle, messages naming other files by the path given (not
 * an absolute one), and one note for everything else the bundle holds.
 */
const SOS = 'test/fixtures/bundles/sosreport-node1-2024-05-02-xkqzbtm';
const SYSDUMP = 'test/fixtures/bundles/cilium-sysdump-20240612-101530';

interface Json {
  files: { file: string; kind: string }[];
  findings: { file: string; rule: string; severity: string; message: string; range: { start: { line: number } } }[];
}

function check(...paths: string[]): { code: number; json: Json; err: string } {
  let out = '';
  let err = '';
  const code = run(['check', '--format', 'json', ...paths], (s) => (out += s), (s) => (err += s));
  return { code, json: JSON.parse(out) as Json, err };
}

const inBundle = (root: string, path: string): string => (path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path);

describe('kube-netlint check on a sosreport', () => {
  it('reports each file the report holds under its kind, the others left out with one note', () => {
    const { code, json, err } = check(SOS);
    assert.equal(code, 1);
    assert.deepEqual(
      json.files.map((f) => `${inBundle(SOS, f.file)} ${f.kind}`),
      SOS_READ_FILES,
    );
    assert.equal(err, `kube-netlint: skipped ${SOS}: its other 10 entries hold nothing kube-netlint reads (a sosreport: 18 files read, chosen by their path)\n`);
    assert.doesNotMatch(err, /unknown format/);
  });

  it('finds what the node shows, with facts from across the report', () => {
    const { json } = check(SOS);
    assert.deepEqual(
      json.findings.map((f) => `${inBundle(SOS, f.file)}:${f.range.start.line + 1} ${f.severity} ${f.rule}`),
      [
        // 169153 INVALID, 5 lost insertion races, 1.8 M evictions (the AKS node's counters).
        'sos_commands/conntrack/conntrack_-S:1 info conntrack/invalid-high',
        'sos_commands/conntrack/conntrack_-S:1 info conntrack/insert-failed',
        'sos_commands/conntrack/conntrack_-S:1 info conntrack/drop-counter',
        // flannel (before 0.20) masquerade in POSTROUTING of the listing; Docker's own rule on line 17
        // (172.17.0.0/16 out of !docker0) is container egress, not the pod SNAT race, and is not reported.
        'sos_commands/firewall_tables/iptables_-t_nat_-nvL:14 info iptables/flannel-masquerade-without-mark-return',
        'sos_commands/firewall_tables/iptables_-t_nat_-nvL:19 warning iptables/masquerade-without-random-fully',
        'sos_commands/firewall_tables/iptables_-t_nat_-nvL:21 warning iptables/masquerade-without-random-fully',
        'sos_commands/firewall_tables/iptables_-t_nat_-nvL:42 warning iptables/masquerade-without-random-fully',
        'sos_commands/firewall_tables/iptables_-t_nat_-nvL:42 info iptables/kube-postrouting-double-snat',
        'sos_commands/firewall_tables/iptables_-vnxL:47 info iptables/forward-invalid-drop',
        // `ipvsadm -Ln --timeout`: 900 s against the kernel's 7200 s keepalive (sysctl_-a).
        'sos_commands/ipvs/ipvsadm_-Ln_--timeout:1 info ipvs/tcp-timeout-shorter-than-keepalive',
        'sos_commands/networking/bridge_-s_-s_-d_link_show:4 warning netdev/hairpin-off',
        'sos_commands/networking/ip_-s_-d_link:20 warning netdev/veth-without-master',
      ],
    );
    // Facts come from other files of the report, named by their path in the report (node/nodePath.ts), not by where the report is.
    const insert = json.findings.find((f) => f.rule === 'conntrack/insert-failed')!;
    assert.match(insert.message, /kernel 5\.4\.0-42-generic \(from sos_commands\/kernel\/sysctl_-a\)/);
    assert.match(insert.message, /[ (]sos_commands\/firewall_tables\/iptables_-t_nat_-nvL\b/);
    const masq = json.findings.find((f) => f.rule === 'iptables/masquerade-without-random-fully')!;
    assert.match(masq.message, /flannel\.1 \(from sos_commands\/networking\/ethtool_-k_flannel\.1\)/);
    for (const f of json.findings) assert.doesNotMatch(f.message, new RegExp(`${process.cwd()}|${SOS}`), f.rule);
  });

  it('a file of the report given on its own is reported alone, with the facts of the whole report', () => {
    const file = `${SOS}/sos_commands/conntrack/conntrack_-S`;
    const { json, err } = check(file);
    assert.deepEqual(json.files, [{ file, kind: 'conntrack' }]);
    assert.match(json.findings.find((f) => f.rule === 'conntrack/insert-failed')!.message, /kernel 5\.4\.0-42-generic/);
    assert.match(err, /its other 10 entries hold nothing kube-netlint reads/);
  });
});

describe('kube-netlint check on a Cilium sysdump', () => {
  it('two nodes, each with its own kernel; the cluster manifests are read by both and reported once', () => {
    const { json, err } = check(SYSDUMP);
    const nodeA = `${SYSDUMP}/cilium-bugtool-cilium-7xkqp-20240612-101530/cilium-bugtool-20240612-101531.412+0000-UTC-3927164013/cmd`;
    const nodeB = `${SYSDUMP}/cilium-bugtool-cilium-m2t9d-20240612-101530/cilium-bugtool-20240612-101532.087+0000-UTC-1180442975/cmd`;
    assert.deepEqual(json.files.map((f) => `${f.file} ${f.kind}`).sort(), [
      `${nodeA}/ip-rule.md ip-rule`,
      `${nodeA}/iptables-nft-save--c.md iptables`,
      `${nodeA}/sysctl--a.md sysctl`,
      `${nodeA}/uname--a.md sysctl`,
      `${nodeB}/iptables-nft-save--c.md iptables`,
      `${nodeB}/sysctl--a.md sysctl`,
      `${nodeB}/uname--a.md sysctl`,
      `${SYSDUMP}/cilium-configmap-20240612-101530.yaml k8s`,
      `${SYSDUMP}/k8s-nodes-20240612-101530.yaml k8s`,
      `${SYSDUMP}/k8s-pods-20240612-101530.yaml k8s`,
    ]);
    // Node B masquerades without --random-fully and runs strict rp_filter with Cilium's interfaces on an AWS kernel; node A does neither.
    assert.deepEqual(
      json.findings.map((f) => `${f.file.startsWith(nodeA) ? 'A' : f.file.startsWith(nodeB) ? 'B' : 'cluster'} ${f.file.split('/').pop()}:${f.range.start.line + 1} ${f.rule}`),
      [
        'B iptables-nft-save--c.md:19 iptables/masquerade-without-random-fully',
        'B iptables-nft-save--c.md:23 iptables/masquerade-without-random-fully',
        'B sysctl--a.md:3 sysctl/rp-filter-strict',
        'B sysctl--a.md:9 sysctl/tcp-keepalive-exceeds-idle-timeout',
      ],
    );
    // Node B's own kernel (an AWS build) says where it runs; node A's does not.
    assert.match(json.findings.find((f) => f.rule === 'sysctl/tcp-keepalive-exceeds-idle-timeout')!.message, /AWS .* \(kernel 5\.4\.0-1109-aws\)/);
    assert.equal(err, `kube-netlint: skipped ${SYSDUMP}: its other 5 entries hold nothing kube-netlint reads (a Cilium sysdump: 10 files read, chosen by their path)\n`);
  });
});
