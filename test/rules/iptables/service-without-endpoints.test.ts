import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { acrossFixtures, countByFile, lintNodeFolder } from './nodeFolders';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'iptables/service-without-endpoints';

describe(RULE, () => {
  it('names the Service of a "has no endpoints" REJECT and offers the kubectl commands to look at it', () => {
    const [r] = expectFindings(
      [RULE],
      `*filter
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -d 10.96.5.5/32 -p tcp -m comment --comment "shop/cart:http has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
                                                             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
COMMIT
`,
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'noReadyEndpoints', { service: 'shop/cart:http', action: 'rejects', destination: '10.96.5.5 port 80' });
    assert.equal(
      scriptOf(r!.fixes[0] as CommandFix),
      '# Which endpoints does shop/cart have, and are they ready?\nkubectl -n shop get endpointslices -l kubernetes.io/service-name=cart -o wide\nkubectl -n shop describe service cart',
    );
  });

  it('explains "has no local endpoints" (externalTrafficPolicy: Local) once per Service port, other addresses related', () => {
    const [r] = expectFindings(
      [RULE],
      `*filter
:KUBE-EXTERNAL-SERVICES - [0:0]
-A KUBE-EXTERNAL-SERVICES -d 192.0.2.10/32 -p tcp -m comment --comment "shop/web:https has no local endpoints" -m tcp --dport 443 -j DROP
                                                                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -p tcp -m comment --comment "shop/web:https has no local endpoints" -m tcp --dport 30443 -j DROP
COMMIT
`,
    );
    expectMessage(r, 'noLocalEndpoint', { destination: '192.0.2.10 port 443' });
    assert.deepEqual(r!.related.map((x) => x.message), ['also dropped: its port 30443']);
    assert.match(scriptOf(r!.fixes[0] as CommandFix), /healthCheckNodePort/);
  });

  it('fires in a listing', () => {
    expectFindings(
      [RULE],
      `Chain KUBE-SERVICES (1 references)
 pkts bytes target     prot opt in     out     source               destination
    0     0 REJECT     tcp  --  *      *       0.0.0.0/0            10.96.5.5            /* shop/cart:http has no endpoints */ tcp dpt:80 reject-with icmp-port-unreachable
                                                                                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`,
    );
  });

  it('fires on a KUBE-SVC chain without any endpoint jump, naming the Service from the rule that jumps to it', () => {
    const [r] = expectFindings(
      [RULE],
      `*nat
:KUBE-SERVICES - [0:0]
:KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]
 ^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
:KUBE-SVC-BBBBBBBBBBBBBBBB - [0:0]
:KUBE-SEP-CCCCCCCCCCCCCCCC - [0:0]
-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "shop/cart:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-AAAAAAAAAAAAAAAA
-A KUBE-SERVICES -d 10.96.8.8/32 -p tcp -m comment --comment "shop/web:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-BBBBBBBBBBBBBBBB
-A KUBE-SVC-AAAAAAAAAAAAAAAA ! -s 10.244.0.0/16 -d 10.96.7.7/32 -p tcp -m comment --comment "shop/cart:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SVC-BBBBBBBBBBBBBBBB -m comment --comment "shop/web:http -> 10.244.1.5:8080" -j KUBE-SEP-CCCCCCCCCCCCCCCC
-A KUBE-SEP-CCCCCCCCCCCCCCCC -p tcp -m tcp -j DNAT --to-destination 10.244.1.5:8080
COMMIT
`,
    );
    expectMessage(r, 'noEndpointChains', { service: 'shop/cart:http', chain: 'KUBE-SVC-AAAAAAAAAAAAAAAA' });
  });

  it('does not fire on Services with endpoints, unreferenced chains, userspace-era DNAT chains, truncated tables, or other REJECTs', () => {
    expectFindings(
      [RULE],
      `*nat
:KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]
:KUBE-SVC-DDDDDDDDDDDDDDDD - [0:0]
:KUBE-PORTALS-CONTAINER - [0:0]
-A KUBE-PORTALS-CONTAINER -d 10.0.0.1/32 -p tcp -m comment --comment "default/kubernetes:" -m tcp --dport 443 -j KUBE-SVC-DDDDDDDDDDDDDDDD
-A KUBE-SVC-DDDDDDDDDDDDDDDD -p tcp -m comment --comment "default/kubernetes:" -j DNAT --to-destination 10.0.0.2:443
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp -m comment --comment "block telnet" -m tcp --dport 23 -j REJECT --reject-with tcp-reset
COMMIT
`,
    );
    // Cut before COMMIT: chains after the cut would look empty.
    expectFindings([RULE], '*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]\n-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "shop/cart:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-AAAAAAAAAAAAAAAA\n');
  });

  it('on real dumps: the k3s node before CoreDNS was ready and the kube-proxy golden test; nothing on the examples', () => {
    assert.deepEqual(countByFile(acrossFixtures(RULE)), {
      'iptables/k3s-node-iptables-save-c-counters-v1.8.4-random-fully.txt': 4,
      'iptables/k8s-proxier-test-overall-rules-nfacct.txt': 2,
    });
    for (const n of ['examples/healthy-node', 'examples/vxlan-63s-delay']) assert.deepEqual(lintNodeFolder(n).filter((r) => r.ruleId === RULE), []);
  });
});
