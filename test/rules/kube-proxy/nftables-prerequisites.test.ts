import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../../helpers/golden';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/nftables-prerequisites';

const CONFIG = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
nodePortAddresses: ["0.0.0.0/0"]
`;

type Options = Parameters<typeof lintText>[1];

function reportsOf(text: string, options: Options = {}) {
  return lintText(text, { path: 'node/kube-proxy.yaml', ...options }).reports.filter((r) => r.ruleId === RULE);
}

const known = (kubeProxyVersion: string, kernelVersion = '6.1.0'): Options => ({ settings: { facts: { kubeProxyVersion, kernelVersion } } });

describe(RULE, () => {
  it('fires (error) when the kube-proxy or the kernel is known to be too old, and on the alpha feature gate', () => {
    const annotated = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
      ^^^^^^^^ ${RULE}
nodePortAddresses: ["0.0.0.0/0"]
`;
    const [old] = expectFindings([RULE], annotated, known('v1.28.4'));
    assert.equal(old!.severity, 'error');
    expectMessage(old, 'unmet');
    assert.match(String(old!.data!.problems), /kube-proxy v1\.28\.4 \(from setting kubeProxyVersion\) does not know nftables mode/);
    const [gate] = expectFindings([RULE], annotated, known('v1.30.2'));
    assert.match(String(gate!.data!.problems), /needs featureGates NFTablesProxyMode: true/);
    const [kernel] = expectFindings([RULE], annotated, known('1.33.0', '5.10.0-28-amd64'));
    assert.match(String(kernel!.data!.problems), /kernel 5\.10\.0-28-amd64 \(from setting kernelVersion\) is older than 5\.13/);
  });

  it('does not fire when versions, gate and kernel are fine and NodePort addresses are explicit', () => {
    expectFindings([RULE], CONFIG, known('v1.31.0'));
    expectFindings([RULE], CONFIG.replace('mode: nftables\n', 'mode: nftables\nfeatureGates:\n  NFTablesProxyMode: true\n'), known('v1.29.1'));
    expectFindings([RULE], CONFIG.replace('nftables', 'iptables'));
  });

  it('downgrades (warning) and says what is unknown when neither kube-proxy version nor kernel is known', () => {
    const [r] = reportsOf(CONFIG);
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'unverifiable');
    assert.match(String(r!.data!.unknowns), /the kube-proxy version is unknown: nftables mode needs 1\.29 or later/);
    assert.match(String(r!.data!.unknowns), /the kernel version is unknown: kube-proxy refuses nftables mode on kernels older than 5\.13/);
    assert.match(String(r!.data!.unknowns), /kubeNetlint\.facts\.kernelVersion/);
    // Facts from the node's files: the DaemonSet image tag and sysctl -a.
    const ds = 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:v1.28.2\n';
    const [f] = reportsOf(CONFIG, { node: [{ path: 'node/ds.yaml', text: ds }, { path: 'node/sysctl-a.txt', text: 'kernel.osrelease = 5.4.0-150-generic\nnet.ipv4.ip_forward = 1\n' }] });
    assert.equal(f!.severity, 'error');
    expectMessage(f, 'unmet');
    assert.match(String(f!.data!.problems), /kube-proxy v1\.28\.2 \(from node\/ds\.yaml\)/);
    assert.match(String(f!.data!.problems), /kernel 5\.4\.0-150-generic \(from node\/sysctl-a\.txt\)/);
    assert.deepEqual(f!.related.map((x) => x.document.path), ['node/ds.yaml', 'node/sysctl-a.txt']);
  });

  it('notes localhostNodePorts and the primary-IP NodePort default (info)', () => {
    const text = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
      ^^^^^^^^ ${RULE}
iptables:
  localhostNodePorts: true
                      ^^^^ ${RULE}
`;
    const reports = expectFindings([RULE], text, known('1.33.1'));
    assert.deepEqual(reports.map((r) => r.severity), ['info', 'info']);
    expectMessage(reports[0], 'nodePortAddressesUnset');
  });

  it('checks flag-configured kube-proxy DaemonSets too', () => {
    expectFindings(
      [RULE],
      `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
spec:
  template:
    spec:
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.30.0
        command: ["kube-proxy", "--proxy-mode=nftables", "--kubeconfig=/var/lib/kube-proxy/kubeconfig"]
                                              ^^^^^^^^ ${RULE}
`,
      { settings: { facts: { kernelVersion: '6.8.0' } } },
    );
    expectFindings(
      [RULE],
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:v1.30.0\n        command: ["kube-proxy", "--proxy-mode=nftables", "--feature-gates=NFTablesProxyMode=true"]\n',
      { settings: { facts: { kernelVersion: '6.8.0' } } },
    );
  });

  it('fixes the 1.29–1.30 feature gate inside the embedded config.conf', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
data:
  config.conf: |-
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    mode: "nftables" # new
    nodePortAddresses: [primary]
`;
    const fix = onlyEditFix(reportsOf(text, known('v1.30.4'))[0]!);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, `${text}    featureGates:\n      NFTablesProxyMode: true\n`);
    assert.equal(reportsOf(fixed, known('v1.30.4')).length, 0);
  });

  it('on the Cluster API fixture (kube-proxy and kernel unknown) it only says what it cannot check', () => {
    const rel = 'k8s/kube-proxy/capi-caren-docs-KCPTemplate-embedded-nftables-KubeProxyConfiguration.yaml';
    const text = readFixture(rel);
    const reports = reportsOf(text, { path: rel });
    assert.deepEqual(reports.map((r) => r.severity), ['warning', 'info']);
    assert.equal(text.slice(reports[0]!.span.start, reports[0]!.span.end), 'nftables');
  });
});
