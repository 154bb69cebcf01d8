import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix, splitAnnotated } from '../../helpers/ruleTester';
import { exampleNode, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/ipvs-expire-nodest-conn-off';
const KP_IPVS = exampleNode('ipvs-conn-reuse').find((f) => f.path.endsWith('kube-proxy-cm.yaml'))!;
const KP_IPTABLES = { path: 'node/kube-proxy-cm.yaml', text: KP_IPVS.text.replace('mode: "ipvs"', 'mode: "iptables"') };

const DUMP = `net.ipv4.vs.conn_reuse_mode = 0
net.ipv4.vs.conntrack = 1
net.ipv4.vs.expire_nodest_conn = 0
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.vs.expire_quiescent_template = 0
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`;

describe(RULE, () => {
  it('fires on each setting at 0 in IPVS mode, with command fixes', () => {
    const [nodest, quiescent] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt', node: [KP_IPVS] });
    assert.equal(nodest!.severity, 'info');
    expectMessage(nodest, 'offIpvsInUse', { key: 'net.ipv4.vs.expire_nodest_conn' });
    assert.match(nodest!.message, /silently dropped until the IPVS entry times out/);
    assert.match(String(nodest!.data!.reuse), /With conn_reuse_mode = 0 a reused client port also keeps going to the old server/);
    expectMessage(quiescent, 'offIpvsInUse', { key: 'net.ipv4.vs.expire_quiescent_template', reuse: '' });
    assert.match(String(quiescent!.data!.why), /sessionAffinity: ClientIP/);
    assert.equal(
      scriptOf(onlyCommand(nodest!)),
      [
        '# With 0, packets of connections whose real server was removed are silently dropped until the IPVS entry times out (the IPVS TCP timeout, 900 s by default), so clients hang instead of failing fast and reconnecting.',
        'sysctl -w net.ipv4.vs.expire_nodest_conn=1',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.ipv4.vs.expire_nodest_conn = 1' | tee /etc/sysctl.d/90-ipvs-expire-nodest-conn.conf >/dev/null",
      ].join('\n'),
    );
    assert.match(scriptOf(onlyCommand(quiescent!)), /tee \/etc\/sysctl\.d\/90-ipvs-expire-quiescent-template\.conf >\/dev\/null$/);
  });

  it('is downgraded to a hint when the mode is unknown but vs/conntrack = 1 suggests IPVS', () => {
    const reports = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt' });
    for (const r of reports) {
      assert.equal(r.severity, 'hint');
      expectMessage(r, 'offModeUnknown');
    }
  });

  it('does not fire in iptables mode, without IPVS evidence, or with the settings at 1', () => {
    const clean = splitAnnotated(DUMP).text;
    expectFindings([RULE], clean, { path: 'node/sysctl-a.txt', node: [KP_IPTABLES] });
    expectFindings([RULE], clean.replace('vs.conntrack = 1', 'vs.conntrack = 0'), { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], clean.replace('expire_nodest_conn = 0', 'expire_nodest_conn = 1').replace('template = 0', 'template = 1'), { path: 'node/sysctl-a.txt', node: [KP_IPVS] });
  });

  it('edits a conf file that turns them off again on every re-apply, byte for byte', () => {
    const text = '# ipvs\r\nnet.ipv4.vs.expire_nodest_conn = 0\r\n';
    const opts = { path: 'node/sysctl.d/80-ipvs.conf', node: [KP_IPVS] };
    const [r] = reportsOf(RULE, text, opts);
    expectMessage(r, 'offIpvsInUse', { after: ', and re-applying this file (boot, `sysctl --system`) sets it back to 0' });
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, '# ipvs\r\nnet.ipv4.vs.expire_nodest_conn = 1\r\n');
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
  });

  it('fires on the ipvs-conn-reuse example (both settings at 0) and not on the healthy node', () => {
    assert.equal(lintExample('ipvs-conn-reuse', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 2);
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
