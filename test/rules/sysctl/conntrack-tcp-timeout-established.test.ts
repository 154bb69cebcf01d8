import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix } from '../../helpers/ruleTester';
import { exampleNode, fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/conntrack-tcp-timeout-established';
const KP = exampleNode('ipvs-conn-reuse').find((f) => f.path.endsWith('kube-proxy-cm.yaml'))!;
const kpWith = (timeout: string) => ({ path: 'node/kube-proxy-cm.yaml', text: KP.text.replace('tcpEstablishedTimeout: 24h0m0s', `tcpEstablishedTimeout: ${timeout}`) });

describe(RULE, () => {
  it('warns when conntrack forgets idle connections before keepalive starts, with a command fix to 86400', () => {
    const [r] = expectFindings(
      [RULE],
      `net.ipv4.tcp_keepalive_time = 7200
net.netfilter.nf_conntrack_tcp_timeout_established = 3600
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`,
      { path: 'node/sysctl-a.txt' },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'shorterThanKeepalive', { value: 3600, human: '1 h', keepalive: 'net.ipv4.tcp_keepalive_time = 7200 (from node/sysctl-a.txt)' });
    assert.equal(r!.related[0]?.message, 'keepalive starts only after this many idle seconds');
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# conntrack must keep idle established TCP connections longer than keepalive takes to refresh them.',
        'sysctl -w net.netfilter.nf_conntrack_tcp_timeout_established=86400',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.netfilter.nf_conntrack_tcp_timeout_established = 86400' | tee /etc/sysctl.d/90-conntrack-tcp-timeout-established.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('takes the keepalive time from another sysctl document of the node, and edits a conf file byte for byte', () => {
    const text = '# conntrack\r\nnet.netfilter.nf_conntrack_tcp_timeout_established=600\r\n';
    const opts = { path: 'node/sysctl.d/90-ct.conf', node: [{ path: 'node/sysctl-a.txt', text: 'net.ipv4.tcp_keepalive_time = 7200\n' }] };
    const [r] = reportsOf(RULE, text, opts);
    assert.equal(r!.related[0]?.document.path, 'node/sysctl-a.txt');
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, '# conntrack\r\nnet.netfilter.nf_conntrack_tcp_timeout_established=86400\r\n');
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
  });

  it('info: the 5-day kernel default left in place because kube-proxy is told not to set it', () => {
    const [r] = expectFindings(
      [RULE],
      `net.netfilter.nf_conntrack_tcp_timeout_established = 432000\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`,
      { path: 'node/sysctl-a.txt', node: [kpWith('0s')] },
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'kernelDefaultLeft', { value: 432000 });
    assert.equal(r!.related[0]?.message, 'kube-proxy conntrack.tcpEstablishedTimeout: 0s');
  });

  it('info: a value other than the one kube-proxy is configured to write', () => {
    const [r] = expectFindings(
      [RULE],
      `net.netfilter.nf_conntrack_tcp_timeout_established = 432000\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`,
      { path: 'node/sysctl-a.txt', node: [KP] },
    );
    assert.equal(r!.severity, 'info');
    assert.match(String(r!.messageId), /^differsFromKubeProxy/);
    assert.equal(r!.data!.kubeProxy, '24h0m0s');
    assert.match(scriptOf(onlyCommand(r!)), /sysctl -w net\.netfilter\.nf_conntrack_tcp_timeout_established=86400\n/);
  });

  it('does not fire on the kube-proxy default above keepalive, on the kernel default without kube-proxy config, or on the examples', () => {
    expectFindings([RULE], 'net.ipv4.tcp_keepalive_time = 7200\nnet.netfilter.nf_conntrack_tcp_timeout_established = 86400\n', { path: 'node/sysctl-a.txt', node: [KP] });
    expectFindings([RULE], fixture('sysctl/sysctl-a-notes-netfilter-vm-sections-tab-values.txt'), { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], fixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt'), { path: 'node/sysctl-a.txt' });
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
    assert.equal(lintExample('ipvs-conn-reuse', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
