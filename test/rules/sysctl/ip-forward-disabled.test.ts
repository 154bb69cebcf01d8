import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix, splitAnnotated } from '../../helpers/ruleTester';
import { exampleNode, fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/ip-forward-disabled';
const FLANNEL_DUAL = {
  path: 'node/kube-flannel-cfg.yaml',
  text: exampleNode('vxlan-63s-delay')
    .find((f) => f.path.endsWith('kube-flannel-cfg.yaml'))!
    .text.replace('"Network": "10.244.0.0/16",', '"Network": "10.244.0.0/16",\n      "EnableIPv6": true,\n      "IPv6Network": "fd00:10:244::/56",'),
};

describe(RULE, () => {
  it('fires once on a sysctl -a dump where br_netfilter shows a Kubernetes node (ip_forward and conf.all.forwarding are one switch)', () => {
    const [r] = expectFindings(
      [RULE],
      `net.bridge.bridge-nf-call-iptables = 1
net.ipv4.conf.all.forwarding = 0
net.ipv4.ip_forward = 0
^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`,
      { path: 'node/sysctl-a.txt' },
    );
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'forwardingOff');
    assert.match(String(r!.data!.evidence), /^net\.bridge\.bridge-nf-call-\* settings \(br_netfilter/);
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# Kubernetes nodes must forward packets: pods, Services and NodePorts depend on it.',
        'sysctl -w net.ipv4.ip_forward=1',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.ipv4.ip_forward = 1' | tee /etc/sysctl.d/90-kubernetes-ip-forward.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('takes the Kubernetes evidence from the node folder too (KUBE-* chains)', () => {
    const [r] = expectFindings([RULE], `net.ipv4.ip_forward = 0\n^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, {
      path: 'node/sysctl-a.txt',
      node: [{ path: 'node/iptables-save.txt', text: '*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n' }],
    });
    assert.match(String(r!.data!.evidence), /chain KUBE-SERVICES in node\/iptables-save\.txt/);
    const [s] = expectFindings([RULE], `net.ipv4.ip_forward = 0\n^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`, { path: 'node/sysctl-a.txt', settings: { facts: { kubeProxyMode: 'iptables' } } });
    assert.match(String(s!.data!.evidence), /kube-proxy mode iptables \(from setting kubeProxyMode\)/);
  });

  it('checks IPv6 forwarding when the pods use IPv6', () => {
    const [r] = expectFindings(
      [RULE],
      `net.ipv4.ip_forward = 1
net.ipv6.conf.all.forwarding = 0
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`,
      { path: 'node/sysctl-a.txt', node: [FLANNEL_DUAL] },
    );
    expectMessage(r, 'ipv6ForwardingOff', { key: 'net.ipv6.conf.all.forwarding' });
    assert.match(String(r!.data!.ipv6), /flannel IPv6Network fd00:10:244::\/56/);
    assert.match(scriptOf(onlyCommand(r!)), /sysctl -w net\.ipv6\.conf\.all\.forwarding=1\n/);
  });

  it('does not fire without Kubernetes evidence, with forwarding on, or on IPv6 without IPv6 pods', () => {
    expectFindings([RULE], 'net.ipv4.ip_forward = 0\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], 'net.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 0\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], fixture('sysctl/k8s-install-heredoc-k8s.conf'), { path: 'test/fixtures/sysctl/k8s-install-heredoc-k8s.conf' });
  });

  it('edits the line that decides in a file (the later of ip_forward / conf.all.forwarding), CRLF and comments kept', () => {
    const text = '# Kubernetes\r\nnet.bridge.bridge-nf-call-iptables = 1\r\nnet.ipv4.ip_forward = 1\r\n# hardening\r\nnet.ipv4.conf.all.forwarding=0\r\n';
    const annotated = text.replace(/\r\n/g, '\n').replace('forwarding=0\n', `forwarding=0\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`);
    expectFindings([RULE], annotated, { path: 'node/99-k8s.conf' });
    const [r] = reportsOf(RULE, text, { path: 'node/99-k8s.conf' });
    expectMessage(r, 'forwardingOffInFile');
    const fix = onlyEditFix(r!);
    assert.equal(fix.safe, true);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, '# Kubernetes\r\nnet.bridge.bridge-nf-call-iptables = 1\r\nnet.ipv4.ip_forward = 1\r\n# hardening\r\nnet.ipv4.conf.all.forwarding=1\r\n');
    assert.equal(reportsOf(RULE, fixed, { path: 'node/99-k8s.conf' }).length, 0);
  });

  it('fires on the real non-root sysctl -a of a host with br_netfilter loaded and forwarding off (the brief heuristic)', () => {
    const reports = reportsOf(RULE, fixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt'), { path: 'test/fixtures/sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt' });
    assert.equal(reports.length, 1);
    expectMessage(reports[0], 'forwardingOff', { key: 'net.ipv4.ip_forward' });
  });

  it('does not fire on the example nodes', () => {
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
    assert.equal(lintExample('ipvs-conn-reuse', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });

  it('can be suppressed on the line', () => {
    expectFindings([RULE], splitAnnotated(`net.bridge.bridge-nf-call-iptables = 1\n# kube-netlint-disable-next-line ${RULE}\nnet.ipv4.ip_forward = 0\n`).text, { path: 'node/sysctl-a.txt' });
  });
});
