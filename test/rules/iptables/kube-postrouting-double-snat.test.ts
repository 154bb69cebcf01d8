import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix, splitAnnotated } from '../../helpers/ruleTester';
import { acrossFixtures, countByFile, lintNodeFolder } from './nodeFolders';

const RULE = 'iptables/kube-postrouting-double-snat';
const STALE = 'iptables/kube-postrouting-stale-rule';

const VXLAN = { path: 'node/ethtool-k-flannel.1.txt', text: 'Features for flannel.1:\nrx-checksumming: on\ntx-checksumming: on\n\ttx-checksum-ip-generic: on\n' };
const KERNEL_AFFECTED = { path: 'node/uname-r.txt', text: '4.15.0-101-generic\n' };
const KERNEL_FIXED = { path: 'node/sysctl-a.txt', text: 'kernel.osrelease = 5.4.0-42-generic\n' };
const HOST_GW = {
  path: 'node/kube-flannel-cfg.yaml',
  text: 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: kube-flannel-cfg\n  namespace: kube-system\ndata:\n  net-conf.json: |\n    {\n      "Network": "10.244.0.0/16",\n      "Backend": {\n        "Type": "host-gw"\n      }\n    }\n',
};
const kubeProxyConfig = (bit: number): { path: string; text: string } => ({
  path: 'node/kube-proxy-cm.yaml',
  text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n  config.conf: |-\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: iptables\n    iptables:\n      masqueradeBit: ${bit}\n`,
});

const OLD = `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully
                                                                                             ^^^^^^^^^^^^^^^^^^^^ ${RULE}
COMMIT
`;

describe(RULE, () => {
  it('fires as an error on the old form with --random-fully on a VXLAN node with an affected kernel', () => {
    const [r] = expectFindings([RULE], OLD, { node: [VXLAN, KERNEL_AFFECTED] });
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'vxlan', { affected: '' });
    assert.match(String(r!.data!.vxlan), /VXLAN device flannel\.1 \(from node\/ethtool-k-flannel\.1\.txt\)/);
    assert.match(String(r!.data!.kernel), /4\.15\.0-101-generic predates 4\.15\.0-107/);
    assert.match(r!.message, /1\.16\.13, 1\.17\.9, 1\.18\.6, 1\.19 or later/);
    assert.match(r!.message, /iptables -t nat -F KUBE-POSTROUTING/);
    assert.deepEqual(
      r!.related.map((x) => [x.document.path, x.message]),
      [
        ['node/ethtool-k-flannel.1.txt', 'VXLAN device flannel.1'],
        ['node/uname-r.txt', 'kernel 4.15.0-101-generic'],
      ],
    );
  });

  it('is a warning when the kernel is unknown on a VXLAN node, and says which kernels are affected', () => {
    const [r] = expectFindings([RULE], OLD, { node: [VXLAN] });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'vxlan');
    assert.match(String(r!.data!.kernel), /kernel version is unknown \(set kubeNetlint\.facts\.kernelVersion/);
    assert.match(String(r!.data!.affected), /5\.6\.13, 5\.4\.41, 4\.19\.123, 4\.14\.181/);
  });

  it('is downgraded when VXLAN is not confirmed, and names what is unknown', () => {
    const [affected] = expectFindings([RULE], OLD, { node: [KERNEL_AFFECTED] });
    assert.equal(affected!.severity, 'warning');
    expectMessage(affected, 'vxlanUnknown');
    const [unknown] = expectFindings([RULE], OLD);
    assert.equal(unknown!.severity, 'info');
    expectMessage(unknown, 'vxlanUnknown');
    assert.match(String(unknown!.data!.kernel), /kernel version is unknown/);
  });

  it('is info when the kernel has the fix, when flannel does not use VXLAN, and without --random-fully', () => {
    const [fixed] = expectFindings([RULE], OLD, { node: [VXLAN, KERNEL_FIXED] });
    assert.equal(fixed!.severity, 'info');
    expectMessage(fixed, 'kernelFixed');
    const [setting] = expectFindings([RULE], OLD, { node: [VXLAN], settings: { facts: { kernelVersion: '5.10.0' } } });
    assert.equal(setting!.severity, 'info');
    assert.match(String(setting!.data!.kernel), /setting kubeNetlint\.facts\.kernelVersion/);
    const [hostGw] = expectFindings([RULE], OLD, { node: [HOST_GW, KERNEL_AFFECTED] });
    assert.equal(hostGw!.severity, 'info');
    expectMessage(hostGw, 'noVxlan');
    assert.match(String(hostGw!.data!.vxlan), /host-gw backend/);
    const plain = OLD.replace(' -j MASQUERADE --random-fully', ' -j MASQUERADE');
    const [noRandom] = expectFindings([RULE], plain, { node: [VXLAN, KERNEL_AFFECTED] });
    assert.equal(noRandom!.severity, 'info');
    expectMessage(noRandom, 'withoutRandomFully');
  });

  it('fires in an iptables -t nat -L -n -v listing (mark match text), without an edit fix', () => {
    const [r] = expectFindings(
      [RULE],
      `Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination
   10   600 KUBE-POSTROUTING  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes postrouting rules */

Chain KUBE-POSTROUTING (1 references)
 pkts bytes target     prot opt in     out     source               destination
    3   180 MASQUERADE  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service traffic requiring SNAT */ mark match 0x4000/0x4000 random-fully
                                                                                                                                          ^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`,
      { node: [VXLAN, KERNEL_AFFECTED] },
    );
    assert.equal(r!.severity, 'error');
    assert.equal(r!.fixes.filter((f) => f.kind === 'edit').length, 0);
  });

  it('does not fire on the new form in any spelling (save --set-xmark, kube-proxy --xor-mark, listing MARK xor)', () => {
    for (const clear of ['-j MARK --set-xmark 0x4000/0x0', '-j MARK --xor-mark 0x4000']) {
      expectFindings(
        [RULE, STALE],
        `*nat
:KUBE-POSTROUTING - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING ${clear}
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
COMMIT
`,
        { node: [VXLAN, KERNEL_AFFECTED] },
      );
    }
    expectFindings(
      [RULE, STALE],
      `Chain KUBE-POSTROUTING (1 references)
 pkts bytes target     prot opt in     out     source               destination
  120  7200 RETURN     all  --  *      *       0.0.0.0/0            0.0.0.0/0            mark match ! 0x4000/0x4000
    3   180 MARK       all  --  *      *       0.0.0.0/0            0.0.0.0/0            MARK xor 0x4000
    3   180 MASQUERADE  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service traffic requiring SNAT */ random-fully
`,
      { node: [VXLAN, KERNEL_AFFECTED] },
    );
  });

  it('does not fire when the new rules are in the chain too (the stale-rule rule reports that), nor on the IPVS hairpin rule', () => {
    const reports = expectFindings(
      [RULE],
      `*nat
:KUBE-POSTROUTING - [0:0]
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE
COMMIT
`,
      { node: [VXLAN, KERNEL_AFFECTED] },
    );
    assert.equal(reports.length, 0);
    assert.equal(lintText(OLD.replace('KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark', 'OTHER -m mark').replace(':KUBE-POSTROUTING', ':OTHER')).reports.some((r) => r.ruleId === RULE), false);
  });

  it("uses kube-proxy's configured masqueradeBit instead of 0x4000", () => {
    const bit15 = `*nat
:KUBE-POSTROUTING - [0:0]
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x8000/0x8000 -j MASQUERADE --random-fully
                                                                                             ^^^^^^^^^^^^^^^^^^^^ ${RULE}
COMMIT
`;
    const [r] = expectFindings([RULE], bit15, { node: [kubeProxyConfig(15), VXLAN, KERNEL_AFFECTED] });
    expectMessage(r, 'vxlan', { mark: '0x8000 (iptables.masqueradeBit 15 in node/kube-proxy-cm.yaml)' });
    assert.ok(r!.related.some((x) => x.message === 'kube-proxy iptables.masqueradeBit: 15'));
    const fixed = applyEdits(splitAnnotated(bit15).text, onlyEditFix(r!).edits);
    assert.match(fixed, /-A KUBE-POSTROUTING -m mark ! --mark 0x8000\/0x8000 -j RETURN\n-A KUBE-POSTROUTING -j MARK --set-xmark 0x8000\/0x0\n/);
    // With the default bit, a 0x4000 rule is not kube-proxy's masquerade rule.
    expectFindings([RULE], splitAnnotated(bit15).text.replace(/0x8000/g, '0x4000'), { node: [kubeProxyConfig(15)] });
    // Without a config, the bit KUBE-MARK-MASQ sets in the dump is used.
    const fromDump = splitAnnotated(bit15).text.replace(':KUBE-POSTROUTING - [0:0]\n', ':KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n-A KUBE-MARK-MASQ -j MARK --set-xmark 0x8000/0x8000\n');
    const [d] = lintText(fromDump).reports.filter((x) => x.ruleId === RULE);
    assert.equal(d!.data!.mark, '0x8000 (set by KUBE-MARK-MASQ in this dump)');
  });

  it('rewrites the old rule into the three modern rules, keeping CRLF, counters and --random-fully', () => {
    const text =
      '# Generated by iptables-save v1.8.3 (legacy)\r\n*nat\r\n:POSTROUTING ACCEPT [0:0]\r\n:KUBE-POSTROUTING - [0:0]\r\n' +
      '[5:300] -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING\r\n' +
      '[3:180] -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully\r\n' +
      'COMMIT\r\n';
    const r = lintText(text, { node: [VXLAN, KERNEL_AFFECTED] }).reports.find((x) => x.ruleId === RULE)!;
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(
      fixed,
      '# Generated by iptables-save v1.8.3 (legacy)\r\n*nat\r\n:POSTROUTING ACCEPT [0:0]\r\n:KUBE-POSTROUTING - [0:0]\r\n' +
        '[5:300] -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING\r\n' +
        '[0:0] -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\r\n' +
        '[0:0] -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\r\n' +
        '[0:0] -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\r\n' +
        'COMMIT\r\n',
    );
    const after = lintText(fixed, { node: [VXLAN, KERNEL_AFFECTED] }).reports;
    assert.deepEqual(after.filter((x) => x.ruleId === RULE || x.ruleId === STALE || x.ruleId.startsWith('parse/')), []);
  });

  it('keeps a rule without --random-fully without it, and offers no rewrite when the rule has other matches', () => {
    const text = '*nat\n:KUBE-POSTROUTING - [0:0]\n-A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE\nCOMMIT\n';
    const r = lintText(text).reports.find((x) => x.ruleId === RULE)!;
    assert.equal(
      applyEdits(text, onlyEditFix(r).edits),
      '*nat\n:KUBE-POSTROUTING - [0:0]\n-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE\nCOMMIT\n',
    );
    const extra = lintText('*nat\n:KUBE-POSTROUTING - [0:0]\n-A KUBE-POSTROUTING -s 10.0.0.0/8 -m mark --mark 0x4000/0x4000 -j MASQUERADE\nCOMMIT\n').reports.find((x) => x.ruleId === RULE)!;
    assert.equal(extra.fixes.length, 0);
  });

  it('fires as an error on the examples/vxlan-63s-delay incident node and not on examples/healthy-node', () => {
    const incident = lintNodeFolder('examples/vxlan-63s-delay').filter((r) => r.ruleId === RULE);
    assert.deepEqual(
      incident.map((r) => [r.path, r.line, r.severity]),
      [['examples/vxlan-63s-delay/iptables-save.txt', 25, 'error']],
    );
    assert.deepEqual(lintNodeFolder('examples/healthy-node').filter((r) => r.ruleId === RULE), []);
  });

  it('on the real fixtures fires only on the old-form dumps (info: no --random-fully, no VXLAN or kernel facts)', () => {
    const rows = acrossFixtures(RULE);
    assert.deepEqual(countByFile(rows), {
      'iptables/bossjones-kubeadm-1.11-weave-v1.6.0-broken-bridge.txt': 1,
      'iptables-list/k8s-ipvs-readme-nat-nL-externalip-physdev.txt': 1,
      'iptables-list/k8s-ipvs-readme-nat-nL-loadbalancer-fw.txt': 1,
      'iptables-list/qifangsu-kube-nat-L-n-after-nodeport-svc.txt': 1,
      'iptables-list/qifangsu-kube-nat-L-n-before-svc.txt': 1,
      'iptables-list/qifangsu-kube-nat-L-n-v-flannel-docker.txt': 1,
    });
    assert.ok(rows.every((r) => r.severity === 'info'));
  });
});
