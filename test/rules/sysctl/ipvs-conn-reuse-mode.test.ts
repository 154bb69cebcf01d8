import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix, splitAnnotated } from '../../helpers/ruleTester';
import { exampleNode, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/ipvs-conn-reuse-mode';
const KP_IPVS = exampleNode('ipvs-conn-reuse').find((f) => f.path.endsWith('kube-proxy-cm.yaml'))!;
const KP_IPTABLES = { path: 'node/kube-proxy-cm.yaml', text: KP_IPVS.text.replace('mode: "ipvs"', 'mode: "iptables"') };
const IPVS_LN = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.0.1:443 rr\n  -> 172.16.0.10:6443             Masq    1      4          0\n';

const DUMP = `kernel.osrelease = 4.19.200
net.ipv4.vs.conn_reuse_mode = 1
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.vs.conntrack = 1
net.ipv4.vs.expire_nodest_conn = 1
net.ipv4.vs.expire_quiescent_template = 1
`;

describe(RULE, () => {
  it('fires as a warning on a sysctl -a dump: IPVS mode known, kernel before 5.9', () => {
    const [r] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt', node: [KP_IPVS] });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'kernelAffected', { key: 'net.ipv4.vs.conn_reuse_mode', kernel: '4.19.200 (from node/sysctl-a.txt)' });
    assert.match(String(r!.data!.usage), /kube-proxy mode ipvs \(from examples\/ipvs-conn-reuse\/kube-proxy-cm\.yaml\)/);
    assert.match(r!.message, /draining \(weight 0\) or has removed/);
    assert.deepEqual(r!.related.map((x) => x.message), ['IPVS connections are tracked by conntrack', 'kernel 4.19.200: before the 5.9 fix', 'kube-proxy runs in IPVS mode']);
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# With conn_reuse_mode=1 and vs/conntrack=1, kernels before 5.9 drop the first SYN of reused client ports (1 s delays).',
        '# Trade-off: with 0, a reused port keeps going to its old real server, even one draining (weight 0) or removed.',
        '# Lasting fix: upgrade the kernel to 5.9 or later and keep conn_reuse_mode=1 there.',
        'sysctl -w net.ipv4.vs.conn_reuse_mode=0',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.ipv4.vs.conn_reuse_mode = 0' | tee /etc/sysctl.d/90-ipvs-conn-reuse-mode.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('counts an ipvsadm listing of the node as IPVS in use, and any odd value as bit 1 set', () => {
    const text = DUMP.replace('conn_reuse_mode = 1\n', 'conn_reuse_mode = 3\n');
    const [r] = expectFindings([RULE], text, { path: 'node/sysctl-a.txt', node: [{ path: 'node/ipvsadm-Ln.txt', text: IPVS_LN }] });
    assert.equal(r!.severity, 'warning');
    assert.match(String(r!.data!.usage), /1 IPVS virtual service in node\/ipvsadm-Ln\.txt/);
    // IPVS without kube-proxy (kube-router, keepalived): no claim about what kube-proxy sets, and no assumed vs/conntrack.
    assert.doesNotMatch(r!.message, /kube-proxy \(1\.13 and later\) sets 0/);
    expectFindings([RULE], 'kernel.osrelease = 4.19.200\nnet.ipv4.vs.conn_reuse_mode = 1\n', { path: 'node/sysctl-a.txt', node: [{ path: 'node/ipvsadm-Ln.txt', text: IPVS_LN }] });
  });

  it('is downgraded to info when the kernel is unknown, naming it and how to tell us', () => {
    const [r] = expectFindings([RULE], DUMP.replace('kernel.osrelease = 4.19.200\n', ''), { path: 'node/sysctl-a.txt', node: [KP_IPVS] });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'kernelUnknown');
    assert.match(scriptOf(onlyCommand(r!)), /Check the kernel first \(uname -r\)/);
  });

  it('is downgraded for a distribution kernel whose back-ports are unknown, not for one whose series never got the fix', () => {
    const [r] = expectFindings([RULE], DUMP.replace('4.19.200', '5.8.0-63-generic'), { path: 'node/sysctl-a.txt', node: [KP_IPVS] });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'kernelMaybeFixed');
    assert.match(String(r!.data!.kernel), /^5\.8\.0-63-generic/);
    assert.match(String(r!.data!.reason), /^distribution kernel/);
    const [debian] = expectFindings([RULE], DUMP.replace('4.19.200', '4.19.0-17-amd64'), { path: 'node/sysctl-a.txt', node: [KP_IPVS] });
    assert.equal(debian!.severity, 'warning');
  });

  it('is downgraded when the proxy mode is unknown but vs/conntrack = 1 points at IPVS', () => {
    const [r] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'info');
    assert.match(String(r!.data!.usage), /^Whether IPVS proxying is in use is unknown \(set kubeNetlint\.facts\.kubeProxyMode/);
    // The mode from the setting counts as known.
    const [s] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt', settings: { facts: { kubeProxyMode: 'ipvs' } } });
    assert.equal(s!.severity, 'warning');
  });

  it('does not fire on a fixed kernel (5.9+: mode 1 is right there), with mode 0, vs/conntrack 0 or a non-IPVS kube-proxy', () => {
    const clean = splitAnnotated(DUMP).text;
    const opts = { path: 'node/sysctl-a.txt', node: [KP_IPVS] };
    expectFindings([RULE], clean.replace('4.19.200', '5.10.0'), opts);
    expectFindings([RULE], clean.replace('4.19.200', '5.15.0-107-generic'), opts);
    expectFindings([RULE], clean.replace('conn_reuse_mode = 1', 'conn_reuse_mode = 0'), opts);
    expectFindings([RULE], clean.replace('conn_reuse_mode = 1', 'conn_reuse_mode = 2'), opts);
    expectFindings([RULE], clean.replace('vs.conntrack = 1', 'vs.conntrack = 0'), opts);
    expectFindings([RULE], clean, { path: 'node/sysctl-a.txt', node: [KP_IPTABLES] });
    // A dump without vs/conntrack and without knowing the mode says nothing about IPVS proxying.
    expectFindings([RULE], 'net.ipv4.vs.conn_reuse_mode = 1\n', { path: 'node/sysctl-a.txt' });
  });

  it('edits a sysctl.d file users re-apply: the value only, CRLF and comments kept byte for byte', () => {
    const text = '# IPVS tuning\r\nnet.ipv4.vs.conntrack = 1\r\n; keep reuse on\r\nnet.ipv4.vs.conn_reuse_mode = 1\r\n';
    const opts = { path: 'node/sysctl.d/90-ipvs.conf', node: [KP_IPVS], settings: { facts: { kernelVersion: '4.19.200' } } };
    const [r] = reportsOf(RULE, text, opts);
    assert.ok(r);
    assert.equal(r.severity, 'warning');
    assert.match(String(r.data!.usage), /re-applying this file \(boot, `sysctl --system`\) puts 1 back/);
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, false, 'a trade-off, never applied by fix-all');
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, '# IPVS tuning\r\nnet.ipv4.vs.conntrack = 1\r\n; keep reuse on\r\nnet.ipv4.vs.conn_reuse_mode = 0\r\n');
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
  });

  it('fires on a file that sets only conn_reuse_mode when kube-proxy runs in IPVS mode (it sets vs/conntrack itself)', () => {
    const annotated = `net.ipv4.vs.conn_reuse_mode=1
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`;
    const [r] = expectFindings([RULE], annotated, { path: 'node/k8s.conf', node: [KP_IPVS], settings: { facts: { kernelVersion: '5.4.0' } } });
    expectMessage(r, 'kernelAffected', { conntrack: 'net.ipv4.vs.conntrack = 1 (set by kube-proxy in IPVS mode)' });
    // Without knowing the mode, a file without vs/conntrack does not fire.
    expectFindings([RULE], splitAnnotated(annotated).text, { path: 'node/k8s.conf', settings: { facts: { kernelVersion: '5.4.0' } } });
  });

  it('fires on the ipvs-conn-reuse example node (the incident)', () => {
    const reports = lintExample('ipvs-conn-reuse', 'sysctl-a.txt').filter((r) => r.ruleId === RULE);
    assert.equal(reports.length, 1);
    assert.match(reports[0]!.message, /4\.19\.0-17-amd64/);
    assert.match(reports[0]!.message, /kube-proxy mode ipvs/);
  });

  it('can be turned off', () => {
    assert.equal(lintText(splitAnnotated(DUMP).text, { path: 'node/sysctl-a.txt', node: [KP_IPVS], settings: { rules: { [RULE]: 'off' } } }).reports.some((r) => r.ruleId === RULE), false);
  });
});
