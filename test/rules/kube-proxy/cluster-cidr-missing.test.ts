import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../../helpers/golden';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/cluster-cidr-missing';

const FLANNEL_CM = `kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
data:
  net-conf.json: |
    {
      "Network": "10.244.0.0/16",
      "Backend": {"Type": "vxlan"}
    }
`;

function reportsOf(text: string, node: { path: string; text: string }[] = [], path = 'node/kube-proxy.yaml') {
  return lintText(text, { path, node }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires (warning) on the kube-proxy ConfigMap without clusterCIDR, and (info) on KubeProxyConfiguration documents', () => {
    const reports = expectFindings(
      [RULE],
      `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    clusterCIDR: ""
                 ^^ ${RULE}
    detectLocalMode: ClusterCIDR
    mode: iptables
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
mode: ipvs
`,
    );
    assert.deepEqual(reports.map((r) => r.severity), ['warning', 'info']);
    expectMessage(reports[1], 'maybeKubeadmInput');
  });

  it('does not fire when clusterCIDR is set, another detectLocalMode is used, masqueradeAll is on, or on fragments', () => {
    expectFindings(
      [RULE],
      `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clusterCIDR: 10.244.0.0/16,fc00::/48
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
detectLocalMode: InterfaceNamePrefix
detectLocal:
  interfaceNamePrefix: veth
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
iptables:
  masqueradeAll: true
---
mode: ipvs
ipvs:
  strictARP: true
`,
    );
  });

  it('downgrades kubeadm input (kubeProxy.config of a kubeadm configuration) to info and says why', () => {
    const rel = 'k8s/kube-proxy/kubeadm-v1alpha2-MasterConfiguration-embedded-kubeProxy-k8s1.10.yaml';
    const [r] = reportsOf(readFixture(rel), [], rel);
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'kubeadmInput');
    // The real kube-proxy ConfigMaps of the fixtures have a clusterCIDR.
    assert.equal(reportsOf(readFixture('k8s/kube-proxy/kubeadm-issue-2205-cm-kube-proxy-dualstack-TRUNCATED.yaml')).length, 0);
  });

  it("fixes with flannel's Network from another file of the node, inside config.conf (CRLF kept)", () => {
    const text = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: kube-proxy\r\ndata:\r\n  config.conf: |\r\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\r\n    kind: KubeProxyConfiguration\r\n    # pod network?\r\n    mode: iptables\r\n';
    const node = [{ path: 'node/kube-flannel-cfg.yaml', text: FLANNEL_CM }];
    const [r] = reportsOf(text, node);
    expectMessage(r, 'configMapFlannel', { network: '10.244.0.0/16' });
    assert.equal(r!.related[0]!.document.path, 'node/kube-flannel-cfg.yaml');
    const fix = onlyEditFix(r!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, text + '    clusterCIDR: 10.244.0.0/16\r\n');
    assert.equal(reportsOf(fixed, node).length, 0);
    // Without flannel evidence there is nothing to fill in.
    assert.equal(reportsOf(text)[0]!.fixes.length, 0);
  });
});
