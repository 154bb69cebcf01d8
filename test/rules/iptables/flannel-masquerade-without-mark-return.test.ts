import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { acrossFixtures, countByFile, lintNodeFolder } from './nodeFolders';

const RULE = 'iptables/flannel-masquerade-without-mark-return';
const KERNEL_AFFECTED = { path: 'node/uname-r.txt', text: '4.19.0\n' };
const flannelDs = (tag: string): { path: string; text: string } => ({
  path: 'node/kube-flannel-ds.yaml',
  text: `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-flannel-ds\n  namespace: kube-flannel\nspec:\n  selector:\n    matchLabels:\n      app: flannel\n  template:\n    metadata:\n      labels:\n        app: flannel\n    spec:\n      containers:\n      - name: kube-flannel\n        image: docker.io/flannel/flannel:${tag}\n        command: ["/opt/bin/flanneld"]\n        args: ["--ip-masq", "--kube-subnet-mgr"]\n`,
});

describe(RULE, () => {
  it('fires on the pre-0.16 POSTROUTING layout without comments (found by the 224.0.0.0/4 signature)', () => {
    const [r] = expectFindings(
      [RULE],
      `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN
-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
   ^^^^^^^^^^^ ${RULE}
-A POSTROUTING ! -s 10.244.0.0/16 -d 10.244.3.0/24 -j RETURN
-A POSTROUTING ! -s 10.244.0.0/16 -d 10.244.0.0/16 -j MASQUERADE --random-fully
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
COMMIT
`,
      { node: [KERNEL_AFFECTED] },
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'noMarkReturn', { chain: 'POSTROUTING', layout: 'flannel before v0.20.0 writes these rules directly into POSTROUTING' });
    assert.match(String(r!.data!.details), /jumps to KUBE-POSTROUTING first/);
    // The second flannel rule is related; Docker's masquerade is not flannel's.
    assert.deepEqual(r!.related.map((x) => x.message), ['another flannel masquerade rule']);
  });

  it('is a warning when flannel runs before KUBE-POSTROUTING on an affected kernel (flannel 0.20.0/0.20.1 layout)', () => {
    const annotated = `*nat
:POSTROUTING ACCEPT [0:0]
:FLANNEL-POSTRTG - [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A FLANNEL-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
   ^^^^^^^^^^^^^^^ ${RULE}
-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
COMMIT
`;
    const [r] = expectFindings([RULE], annotated, { node: [KERNEL_AFFECTED, flannelDs('v0.20.1')] });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'noMarkReturn', { chain: 'FLANNEL-POSTRTG' });
    assert.match(String(r!.data!.details), /flannel's rules run before KUBE-POSTROUTING/);
    assert.match(String(r!.data!.details), /flannel is v0\.20\.1 \(from node\/kube-flannel-ds\.yaml\)/);
    assert.match(String(r!.data!.details), /Kernel 4\.19\.0 predates 4\.19\.123/);
    // Kernel unknown: info.
    const [unknown] = expectFindings([RULE], annotated);
    assert.equal(unknown!.severity, 'info');
    // A flannel version that should have written the RETURN is called out.
    const [newer] = expectFindings([RULE], annotated, { node: [flannelDs('v0.22.0')] });
    assert.match(String(newer!.data!.details), /writes the RETURN itself, so these rules come from an older flanneld or were edited/);
  });

  it('fires in a listing of the old layout', () => {
    const [r] = expectFindings(
      [RULE],
      `Chain POSTROUTING (policy ACCEPT 10 packets, 600 bytes)
      ^^^^^^^^^^^ ${RULE}
 pkts bytes target     prot opt in     out     source               destination
    4   240 RETURN     all  --  *      *       10.244.0.0/16        10.244.0.0/16
    0     0 MASQUERADE  all  --  *      *       10.244.0.0/16       !224.0.0.0/4
    0     0 RETURN     all  --  *      *      !10.244.0.0/16        10.244.0.0/24
    0     0 MASQUERADE  all  --  *      *      !10.244.0.0/16        10.244.0.0/16
`,
    );
    assert.equal(r!.severity, 'info');
  });

  it('does not fire when the mark RETURN precedes flannel masquerade rules (flannel 0.20.2+), or without flannel rules', () => {
    expectFindings(
      [RULE],
      `*nat
:POSTROUTING ACCEPT [0:0]
:FLANNEL-POSTRTG - [0:0]
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
COMMIT
`,
    );
    expectFindings([RULE], '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n-A POSTROUTING -s 10.0.0.0/8 ! -d 10.0.0.0/8 -j MASQUERADE\nCOMMIT\n');
  });

  it("fires on flannel's 0x4000 RETURN when kube-proxy marks with another bit", () => {
    const [r] = expectFindings(
      [RULE],
      `*nat
:FLANNEL-POSTRTG - [0:0]
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully
COMMIT
`,
      {
        node: [
          {
            path: 'node/kube-proxy.yaml',
            text: 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\niptables:\n  masqueradeBit: 13\n',
          },
        ],
      },
    );
    expectMessage(r, 'markMismatch', { flannelMark: '0x4000' });
    assert.match(String(r!.data!.mark), /^0x2000 \(iptables\.masqueradeBit 13/);
  });

  it('fires (info) on the examples/vxlan-63s-delay node, not on examples/healthy-node, and on the old-layout fixtures', () => {
    assert.deepEqual(
      lintNodeFolder('examples/vxlan-63s-delay').filter((r) => r.ruleId === RULE).map((r) => [r.line, r.severity]),
      [[20, 'info']],
    );
    assert.deepEqual(lintNodeFolder('examples/healthy-node').filter((r) => r.ruleId === RULE), []);
    assert.deepEqual(countByFile(acrossFixtures(RULE)), {
      'iptables-list/qifangsu-kube-nat-L-n-after-nodeport-svc.txt': 1,
      'iptables-list/qifangsu-kube-nat-L-n-before-svc.txt': 1,
      'iptables-list/qifangsu-kube-nat-L-n-v-flannel-docker.txt': 1,
    });
  });
});
