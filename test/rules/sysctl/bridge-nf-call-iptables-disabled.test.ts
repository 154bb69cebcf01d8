import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';
import { exampleNode, fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/bridge-nf-call-iptables-disabled';
const FLANNEL = exampleNode('vxlan-63s-delay').find((f) => f.path.endsWith('kube-flannel-cfg.yaml'))!;
const REAL = 'sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt';
/** The real full sysctl -a with br_netfilter unloaded: no net.bridge.* keys. */
const WITHOUT_BR_NETFILTER = fixture(REAL)
  .split('\n')
  .filter((l) => !l.startsWith('net.bridge.'))
  .join('\n');

describe(RULE, () => {
  it('fires as a warning on a flannel node where the sysctl is 0, with the command fix', () => {
    const [r] = expectFindings(
      [RULE],
      `net.bridge.bridge-nf-call-ip6tables = 1
net.bridge.bridge-nf-call-iptables = 0
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`,
      { path: 'node/sysctl-a.txt', node: [FLANNEL] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'offBridge', { key: 'net.bridge.bridge-nf-call-iptables', evidence: 'flannel (backend vxlan) uses the cni0 bridge' });
    assert.match(r!.message, /reply from the pod IP instead of the ClusterIP/);
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# Let iptables (kube-proxy Service NAT) see traffic bridged between pods.',
        'sysctl -w net.bridge.bridge-nf-call-iptables=1',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.bridge.bridge-nf-call-iptables = 1' | tee /etc/sysctl.d/90-kubernetes-bridge-nf-call-iptables.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('is info when the CNI is unknown, and checks ip6tables only for IPv6 pods', () => {
    const [r] = expectFindings([RULE], `net.bridge.bridge-nf-call-ip6tables = 0\nnet.bridge.bridge-nf-call-iptables = 0\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'offUnknownCni');
  });

  it('treats a bridge interface in the dump as a bridge CNI', () => {
    const [r] = expectFindings([RULE], `net.bridge.bridge-nf-call-iptables = 0\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\nnet.ipv4.conf.cni0.rp_filter = 0\n`, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'offBridge');
    assert.match(String(r!.data!.evidence), /bridge interface cni0/);
  });

  it('does not fire for routed CNIs (Calico, Cilium), when the sysctl is 1, or when an excerpt merely lacks the key', () => {
    expectFindings([RULE], 'net.bridge.bridge-nf-call-iptables = 0\nnet.ipv4.conf.cali1234abcd.rp_filter = 0\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], 'net.bridge.bridge-nf-call-iptables = 0\n', { path: 'node/sysctl-a.txt', node: [{ path: 'node/iptables-save.txt', text: '*filter\n:CILIUM_FORWARD - [0:0]\nCOMMIT\n' }] });
    expectFindings([RULE], 'net.bridge.bridge-nf-call-iptables = 1\n', { path: 'node/sysctl-a.txt', node: [FLANNEL] });
    expectFindings([RULE], fixture('sysctl/sysctl-a-notes-netfilter-vm-sections-tab-values.txt'), { path: 'node/sysctl-a.txt', node: [FLANNEL] });
    expectFindings([RULE], fixture(REAL), { path: `test/fixtures/${REAL}`, node: [FLANNEL] });
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
    assert.equal(lintExample('ipvs-conn-reuse', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });

  it('fires on a complete sysctl -a without any net.bridge.* key (br_netfilter not loaded), where the key would be listed', () => {
    const { doc, reports } = lintText(WITHOUT_BR_NETFILTER, { path: 'node/sysctl-a.txt', node: [FLANNEL] });
    const mine = reports.filter((r) => r.ruleId === RULE);
    assert.equal(mine.length, 1);
    const r = mine[0]!;
    assert.match(doc.text.slice(r.span.start, r.span.end), /^net\.core\./, 'shown on the entry the missing key would precede');
    expectMessage(r, 'notLoadedBridge', { key: 'net.bridge.bridge-nf-call-iptables' });
    assert.equal(
      scriptOf(onlyCommand(r)),
      [
        '# br_netfilter is not loaded: traffic bridged between pods skips iptables (Service NAT replies are lost).',
        'modprobe br_netfilter',
        "printf '%s\\n' br_netfilter | tee /etc/modules-load.d/br_netfilter.conf >/dev/null",
        'sysctl -w net.bridge.bridge-nf-call-iptables=1',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.bridge.bridge-nf-call-iptables = 1' | tee /etc/sysctl.d/90-kubernetes-bridge-nf-call.conf >/dev/null",
      ].join('\n'),
    );
    // The same text named as a file (or cut to an excerpt) is not a complete dump: a missing key proves nothing.
    assert.equal(reportsOf(RULE, WITHOUT_BR_NETFILTER, { path: 'node/sysctl.d/99-all.conf', node: [FLANNEL] }).length, 0);
    assert.equal(reportsOf(RULE, WITHOUT_BR_NETFILTER.split('\n').slice(0, 200).join('\n'), { path: 'node/sysctl-a.txt', node: [FLANNEL] }).length, 0);
  });

  it('edits a conf file to 1, byte for byte, and the fixed file no longer fires', () => {
    const text = '# k8s prerequisites\r\nnet.bridge.bridge-nf-call-ip6tables = 1\r\nnet.bridge.bridge-nf-call-iptables = 0\r\nnet.ipv4.ip_forward = 1\r\n';
    const opts = { path: 'node/k8s.conf', node: [FLANNEL] };
    const [r] = reportsOf(RULE, text, opts);
    expectMessage(r, 'offBridgeInFile');
    const fix = onlyEditFix(r!);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, '# k8s prerequisites\r\nnet.bridge.bridge-nf-call-ip6tables = 1\r\nnet.bridge.bridge-nf-call-iptables = 1\r\nnet.ipv4.ip_forward = 1\r\n');
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
  });
});
