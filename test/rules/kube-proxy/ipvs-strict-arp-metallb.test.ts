import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/ipvs-strict-arp-metallb';
const ROOT = join(__dirname, '..', '..', '..');

const METALLB_SVC = `apiVersion: v1
kind: Service
metadata:
  name: dns
  annotations:
    metallb.universe.tf/loadBalancerIPs: 192.0.2.10
spec:
  type: LoadBalancer
  ports:
  - port: 53
`;
const L2 = { path: 'node/metallb.yaml', text: 'apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: l2\n  namespace: metallb-system\n' };
const BGP = { path: 'node/metallb.yaml', text: 'apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata:\n  name: tor\n  namespace: metallb-system\n' };

type Options = Parameters<typeof lintText>[1];

function reportsOf(text: string, options: Options = {}) {
  return lintText(text, { path: 'node/kube-proxy.yaml', ...options }).reports.filter((r) => r.ruleId === RULE);
}

/** Lints every file of an example node folder with the others as its siblings. */
function lintFolder(dir: string): { path: string; ruleId: string; severity: string }[] {
  const files = readdirSync(join(ROOT, dir)).map((n) => ({ path: `${dir}/${n}`, text: readFileSync(join(ROOT, dir, n), 'utf8') }));
  return files.flatMap((f) => lintText(f.text, { path: f.path, node: files.filter((o) => o !== f) }).reports.map((r) => ({ path: f.path, ruleId: r.ruleId, severity: r.severity })));
}

describe(RULE, () => {
  it('fires (warning) on IPVS mode without strictARP when MetalLB is evident in the node', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    mode: "ipvs"
    ipvs:
      strictARP: false
                 ^^^^^ ${RULE}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: ipvs
      ^^^^ ${RULE}
`,
      { path: 'node/kube-proxy.yaml', node: [{ path: 'node/svc.yaml', text: METALLB_SVC }] },
    );
  });

  it('counts MetalLB objects, annotations and images as evidence; BGP-only evidence is info', () => {
    const cfg = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n';
    assert.equal(reportsOf(cfg, { node: [L2] })[0]!.severity, 'warning');
    const [bgp] = reportsOf(cfg, { node: [BGP] });
    assert.equal(bgp!.severity, 'info');
    expectMessage(bgp, 'strictArpUnsetBgp');
    const speaker = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: speaker\n  namespace: metallb-system\nspec:\n  template:\n    spec:\n      containers:\n      - name: speaker\n        image: quay.io/metallb/speaker:v0.14.5\n';
    const [img] = reportsOf(cfg, { node: [{ path: 'node/metallb-native.yaml', text: speaker }] });
    expectMessage(img, 'strictArpUnset', { evidence: 'MetalLB image metallb/speaker' });
    assert.equal(img!.related[0]!.document.path, 'node/metallb-native.yaml');
    const [ann] = reportsOf(cfg, { node: [{ path: 'node/svc.yaml', text: METALLB_SVC }] });
    expectMessage(ann, 'strictArpUnset');
    assert.match(String(ann!.data!.evidence), /annotation metallb\.universe\.tf\/loadBalancerIPs/);
  });

  it('does not fire without MetalLB evidence, with strictARP true, in other modes, or when the sysctls already show strict ARP', () => {
    const evidence = { node: [{ path: 'node/svc.yaml', text: METALLB_SVC }] };
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  strictARP: false\n');
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  strictARP: true\n', evidence);
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n', evidence);
    const sysctl = { path: 'node/sysctl-a.txt', text: 'net.ipv4.conf.all.arp_announce = 2\nnet.ipv4.conf.all.arp_ignore = 1\n' };
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n', { node: [...evidence.node, sysctl] });
  });

  it('does not fire on the ipvs-conn-reuse example (IPVS + strictARP false, but no MetalLB there)', () => {
    const found = lintFolder('examples/ipvs-conn-reuse').filter((r) => r.ruleId === RULE);
    assert.deepEqual(found, []);
    // The same ConfigMap with MetalLB in the folder does.
    const cm = readFileSync(join(ROOT, 'examples/ipvs-conn-reuse/kube-proxy-cm.yaml'), 'utf8');
    assert.equal(reportsOf(cm, { node: [L2] }).length, 1);
  });

  it('fixes strictARP inside config.conf: replaces false, or adds it (creating the ipvs section), CRLF kept', () => {
    const cm = readFileSync(join(ROOT, 'examples/ipvs-conn-reuse/kube-proxy-cm.yaml'), 'utf8');
    const fix = onlyEditFix(reportsOf(cm, { node: [L2] })[0]!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(cm, fix.edits);
    assert.equal(fixed, cm.replace('      strictARP: false\n', '      strictARP: true\n'));
    assert.equal(reportsOf(fixed, { node: [L2] }).length, 0);

    const crlf = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: kube-proxy\r\ndata:\r\n  config.conf: |\r\n    kind: KubeProxyConfiguration\r\n    mode: ipvs # for MetalLB\r\n';
    const fixedCrlf = applyEdits(crlf, onlyEditFix(reportsOf(crlf, { node: [L2] })[0]!).edits);
    assert.equal(fixedCrlf, `${crlf}    ipvs:\r\n      strictARP: true\r\n`);
    assert.equal(reportsOf(fixedCrlf, { node: [L2] }).length, 0);
  });

  it('checks flag-configured kube-proxy and fixes by adding --ipvs-strict-arp to its args', () => {
    const text = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
spec:
  template:
    spec:
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.29.3
        command: [/usr/local/bin/kube-proxy]
        args:
        - --proxy-mode=ipvs
        - --cluster-cidr=10.244.0.0/16 # pods
`;
    const [r] = reportsOf(text, { node: [L2] });
    assert.equal(text.slice(r!.span.start, r!.span.end), 'ipvs');
    const fixed = applyEdits(text, onlyEditFix(r!).edits);
    assert.equal(fixed, `${text}        - --ipvs-strict-arp\n`);
    assert.equal(reportsOf(fixed, { node: [L2] }).length, 0);
  });
});
