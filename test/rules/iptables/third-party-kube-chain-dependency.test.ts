import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { acrossFixtures, lintNodeFolder } from './nodeFolders';

const RULE = 'iptables/third-party-kube-chain-dependency';

describe(RULE, () => {
  it('fires on jumps (and gotos) from non-KUBE chains into kube-proxy/kubelet internal chains', () => {
    const reports = expectFindings(
      [RULE],
      `*nat
:POSTROUTING ACCEPT [0:0]
:CNI-HOSTPORT-SETMARK - [0:0]
:KUBE-MARK-MASQ - [0:0]
-A CNI-HOSTPORT-SETMARK -s 10.244.0.0/16 -j KUBE-MARK-MASQ
                                            ^^^^^^^^^^^^^^ ${RULE}
COMMIT
*filter
:INPUT ACCEPT [0:0]
:KUBE-MARK-DROP - [0:0]
-A INPUT -s 203.0.113.0/24 -g KUBE-MARK-DROP
                              ^^^^^^^^^^^^^^ ${RULE}
COMMIT
`,
    );
    assert.equal(reports[0]!.severity, 'warning');
    expectMessage(reports[0], 'jumpsToInternal', { chain: 'CNI-HOSTPORT-SETMARK', target: 'KUBE-MARK-MASQ' });
    assert.match(String(reports[0]!.data!.why), /^kubelet stopped creating it in 1\.28/);
    expectMessage(reports[1], 'goesToInternal', { chain: 'INPUT', target: 'KUBE-MARK-DROP' });
    assert.match(String(reports[1]!.data!.why), /kube-proxy stopped using it in 1\.25/);
  });

  it('fires in a listing', () => {
    expectFindings(
      [RULE],
      `Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination
    0     0 KUBE-FIREWALL  all  --  *      *       0.0.0.0/0            0.0.0.0/0
            ^^^^^^^^^^^^^ ${RULE}
`,
    );
  });

  it('reports a KUBE-MARK-DROP chain as a leftover (info) when kube-proxy is 1.28 or later', () => {
    const [r] = expectFindings(
      [RULE],
      `*nat
:KUBE-MARK-DROP - [0:0]
 ^^^^^^^^^^^^^^ ${RULE}
-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000
COMMIT
`,
      { settings: { facts: { kubeProxyVersion: '1.29.0' } } },
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'leftoverMarkDrop');
  });

  it("does not fire on kube-proxy's and kubelet's own hooks, on KUBE-* chains, or on KUBE-MARK-DROP with an older or unknown kube-proxy", () => {
    const own = `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-DROP - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-FW-ABC -j KUBE-MARK-DROP
-A KUBE-SVC-ABC ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ
COMMIT
*filter
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -j KUBE-FIREWALL
-A OUTPUT -j KUBE-FIREWALL
-A INPUT -j KUBE-SERVICES
COMMIT
`;
    expectFindings([RULE], own);
    expectFindings([RULE], own, { settings: { facts: { kubeProxyVersion: '1.27.0' } } });
  });

  it('does not fire on any real fixture or example node', () => {
    assert.deepEqual(acrossFixtures(RULE), []);
    for (const n of ['examples/healthy-node', 'examples/vxlan-63s-delay']) assert.deepEqual(lintNodeFolder(n).filter((r) => r.ruleId === RULE), []);
  });
});
