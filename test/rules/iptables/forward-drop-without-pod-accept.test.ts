import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix, splitAnnotated } from '../../helpers/ruleTester';
import { acrossFixtures, lintNodeFolder } from './nodeFolders';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'iptables/forward-drop-without-pod-accept';

const DOCKER_ONLY = `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-SVC-X - [0:0]
-A KUBE-SVC-X ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j KUBE-MARK-MASQ
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [7:420]
         ^^^^ ${RULE}
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
COMMIT
`;

describe(RULE, () => {
  it('fires on a Kubernetes node whose FORWARD policy is DROP with only Docker accept rules', () => {
    const [r] = expectFindings([RULE], DOCKER_ONLY);
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'dropPolicy', {
      pod: ' 10.244.0.0/16',
      dropped: ' The policy counters show 7 packets dropped this way since they were last reset.',
      from: ' (pod network from the "! -s 10.244.0.0/16 -j KUBE-MARK-MASQ" rules kube-proxy wrote into this dump)',
    });
  });

  it('fires in a listing, with a command fix (pod network unknown: the coarse policy change)', () => {
    const [r] = expectFindings(
      [RULE],
      `Chain FORWARD (policy DROP 12 packets, 720 bytes)
                      ^^^^ ${RULE}
 pkts bytes target     prot opt in     out     source               destination
    0     0 KUBE-FORWARD  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes forwarding rules */

Chain KUBE-FORWARD (1 references)
 pkts bytes target     prot opt in     out     source               destination
    0     0 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate INVALID
`,
    );
    assert.equal(r!.fixes.length, 1);
    assert.equal(
      scriptOf(r!.fixes[0] as CommandFix),
      '# The pod network is unknown: the coarse fix accepts every forwarded packet (add -s/-d <pod CIDR> rules instead if you know it).\niptables -P FORWARD ACCEPT\n# Persist it in the rules restored at boot (e.g. /etc/iptables/rules.v4), or keep flannel --iptables-forward-rules=true.',
    );
  });

  it('does not fire with kube-proxy KUBE-FORWARD accepts, flannel FLANNEL-FWD, pod CIDR accepts, CNI chains or an ACCEPT policy', () => {
    const base = splitAnnotated(DOCKER_ONLY).text;
    const variants = [
      // kube-proxy: mark ACCEPT + RELATED,ESTABLISHED ACCEPT in KUBE-FORWARD.
      base.replace(':DOCKER - [0:0]\n', ':DOCKER - [0:0]\n:KUBE-FORWARD - [0:0]\n').replace('COMMIT\n', 'COMMIT\n').replace(
        '-A FORWARD -o docker0 -m conntrack',
        '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD\n-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT\n-A KUBE-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A FORWARD -o docker0 -m conntrack',
      ),
      // flannel: FLANNEL-FWD with -s/-d accepts.
      base.replace(':DOCKER - [0:0]\n', ':DOCKER - [0:0]\n:FLANNEL-FWD - [0:0]\n').replace(
        '-A FORWARD -o docker0 -m conntrack',
        '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD\n-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT\n-A FLANNEL-FWD -d 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT\n-A FORWARD -o docker0 -m conntrack',
      ),
      // Calico.
      base.replace(':DOCKER - [0:0]\n', ':DOCKER - [0:0]\n:cali-FORWARD - [0:0]\n').replace('-A FORWARD -o docker0 -m conntrack', '-A FORWARD -j cali-FORWARD\n-A FORWARD -o docker0 -m conntrack'),
      // A pod bridge.
      base.replace('-A FORWARD -o docker0 -m conntrack', '-A FORWARD -i cni0 -j ACCEPT\n-A FORWARD -o docker0 -m conntrack'),
      base.replace(':FORWARD DROP [7:420]', ':FORWARD ACCEPT [7:420]'),
    ];
    for (const v of variants) expectFindings([RULE], v);
  });

  it('does not fire on a host firewall that is not a Kubernetes node', () => {
    expectFindings([RULE], '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n');
  });

  it('adds ACCEPT rules for the pod network after the last FORWARD rule (from the flannel config when present)', () => {
    const text = splitAnnotated(DOCKER_ONLY).text.replace(/\n/g, '\r\n');
    const flannel = {
      path: 'node/kube-flannel-cfg.yaml',
      text: 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: kube-flannel-cfg\ndata:\n  net-conf.json: |\n    {\n      "Network": "10.42.0.0/16",\n      "Backend": {"Type": "vxlan"}\n    }\n',
    };
    const r = lintText(text, { node: [flannel] }).reports.find((x) => x.ruleId === RULE)!;
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(
      fixed,
      text.replace('-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\r\n', '-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\r\n-A FORWARD -s 10.42.0.0/16 -j ACCEPT\r\n-A FORWARD -d 10.42.0.0/16 -j ACCEPT\r\n'),
    );
    assert.deepEqual(lintText(fixed, { node: [flannel] }).reports.filter((x) => x.ruleId === RULE || x.ruleId.startsWith('parse/')), []);
    assert.match(String(r.data!.from), /pod network from flannel Network in node\/kube-flannel-cfg\.yaml/);
  });

  it('inserts before COMMIT when FORWARD has no rules', () => {
    const text = '*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\n:FLANNEL-FWD - [0:0]\nCOMMIT\n';
    const r = lintText(text, { settings: {}, node: [{ path: 'node/kp.yaml', text: 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 10.244.0.0/16\n' }] }).reports.find((x) => x.ruleId === RULE)!;
    assert.equal(applyEdits(text, onlyEditFix(r).edits), '*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\n:FLANNEL-FWD - [0:0]\n-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD -d 10.244.0.0/16 -j ACCEPT\nCOMMIT\n');
  });

  it('does not fire on any real fixture or example node (all have an accept path or are not Kubernetes nodes)', () => {
    assert.deepEqual(acrossFixtures(RULE), []);
    for (const n of ['examples/healthy-node', 'examples/vxlan-63s-delay']) assert.deepEqual(lintNodeFolder(n).filter((r) => r.ruleId === RULE), []);
  });
});
