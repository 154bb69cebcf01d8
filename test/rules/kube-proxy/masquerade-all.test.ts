import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/masquerade-all';

function reportsOf(text: string) {
  return lintText(text, { path: 'node/kube-proxy.yaml' }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on masqueradeAll: true in a ConfigMap config.conf and on --masquerade-all of a flag-configured kube-proxy', () => {
    expectFindings(
      [RULE],
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
  namespace: kube-system
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    clusterCIDR: 10.244.0.0/16
    mode: ipvs
    iptables:
      masqueradeAll: true
                     ^^^^ ${RULE}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
spec:
  template:
    spec:
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.29.3
        command:
        - kube-proxy
        - --masquerade-all
          ^^^^^^^^^^^^^^^^ ${RULE}
        - --cluster-cidr=10.244.0.0/16
`,
    );
  });

  it('does not fire on false, on the section the mode does not read, or on flags ignored because of --config', () => {
    expectFindings(
      [RULE],
      `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clusterCIDR: 10.244.0.0/16
iptables:
  masqueradeAll: true
nftables:
  masqueradeAll: false
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
iptables:
  masqueradeAll: false
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
spec:
  template:
    spec:
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.29.3
        command: [kube-proxy, --config=/var/lib/kube-proxy/config.conf, --masquerade-all]
`,
    );
  });

  it('fires on nftables.masqueradeAll in nftables mode', () => {
    const [r] = reportsOf('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\nnftables:\n  masqueradeAll: true\n');
    expectMessage(r, 'masqueradeAllNeeded', { section: 'nftables' });
  });

  it('fixes inside the embedded config.conf only when pod traffic can be recognised otherwise', () => {
    const text =
      'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: kube-proxy\r\ndata:\r\n  config.conf: |\r\n    kind: KubeProxyConfiguration\r\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\r\n    clusterCIDR: "10.244.0.0/16"\r\n    iptables:\r\n      masqueradeAll: true # needed?\r\n      syncPeriod: 30s\r\n';
    const fix = onlyEditFix(reportsOf(text)[0]!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, text.replace('masqueradeAll: true # needed?', 'masqueradeAll: false # needed?'));
    assert.equal(reportsOf(fixed).length, 0);

    const noCidr = text.replace('    clusterCIDR: "10.244.0.0/16"\r\n', '');
    const [r] = reportsOf(noCidr);
    assert.equal(r!.fixes.length, 0);
    expectMessage(r, 'masqueradeAllNeeded');
    const nodeCidr = noCidr.replace('    iptables:', '    detectLocalMode: NodeCIDR\r\n    iptables:');
    assert.equal(reportsOf(nodeCidr)[0]!.fixes.length, 1);
  });
});
