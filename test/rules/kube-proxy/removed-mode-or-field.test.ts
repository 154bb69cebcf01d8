import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../../helpers/golden';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/removed-mode-or-field';

type Options = Parameters<typeof lintText>[1];

function reportsOf(text: string, options: Options = {}) {
  return lintText(text, { path: 'node/kube-proxy.yaml', ...options }).reports.filter((r) => r.ruleId === RULE);
}
const version = (v: string): Options => ({ settings: { facts: { kubeProxyVersion: v } } });

const USERSPACE = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: "userspace"
      ^^^^^^^^^^^ ${RULE}
`;

describe(RULE, () => {
  it('fires on mode userspace: error from 1.26, warning 1.23–1.25, downgraded when the version is unknown', () => {
    const [removed] = expectFindings([RULE], USERSPACE, version('v1.27.1'));
    assert.equal(removed!.severity, 'error');
    const [deprecated] = expectFindings([RULE], USERSPACE, version('1.24.0'));
    assert.equal(deprecated!.severity, 'warning');
    const [unknown] = expectFindings([RULE], USERSPACE);
    assert.equal(unknown!.severity, 'warning');
    expectMessage(unknown, 'userspaceVersionUnknown');
  });

  it('does not fire on userspace before 1.23, on current modes, or on kernelspace in a Windows configuration', () => {
    expectFindings([RULE], USERSPACE.split('\n').filter((l) => !l.includes('^')).join('\n'), version('1.22.3'));
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ""\n');
    assert.equal(reportsOf('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy-windows\ndata:\n  config.conf: |\n    kind: KubeProxyConfiguration\n    mode: kernelspace\n').length, 0);
  });

  it('fires on kernelspace on a Linux node (error) or an unknown OS (downgraded)', () => {
    const text = `kind: KubeProxyConfiguration
apiVersion: kubeproxy.config.k8s.io/v1alpha1
mode: kernelspace
      ^^^^^^^^^^^ ${RULE}
`;
    const [linux] = expectFindings([RULE], text, { node: [{ path: 'node/uname-r.txt', text: '5.15.0-91-generic\n' }] });
    assert.equal(linux!.severity, 'error');
    expectMessage(linux, 'kernelspaceOnLinux', { kernel: '5.15.0-91-generic' });
    const [unknown] = expectFindings([RULE], text);
    assert.equal(unknown!.severity, 'warning');
  });

  it('fires on udpIdleTimeout from 1.26 (warning), downgraded when the version is unknown, silent before', () => {
    const text = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
udpIdleTimeout: 250ms
^^^^^^^^^^^^^^ ${RULE}
`;
    assert.equal(expectFindings([RULE], text, version('1.26.0'))[0]!.severity, 'warning');
    assert.equal(expectFindings([RULE], text)[0]!.severity, 'info');
    expectFindings([RULE], text.split('\n').filter((l) => !l.includes('^')).join('\n'), version('1.25.9'));
  });

  it('fixes udpIdleTimeout by deleting its line inside config.conf (CRLF, comments kept; safe when removal is known)', () => {
    const text =
      'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: kube-proxy\r\ndata:\r\n  config.conf: |-\r\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\r\n    kind: KubeProxyConfiguration\r\n    # userspace leftovers\r\n    udpIdleTimeout: 250ms # old\r\n    mode: iptables\r\n';
    const fix = onlyEditFix(reportsOf(text, version('1.29.0'))[0]!);
    assert.equal(fix.safe, true);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, text.replace('    udpIdleTimeout: 250ms # old\r\n', ''));
    assert.equal(reportsOf(fixed, version('1.29.0')).length, 0);
    assert.equal(onlyEditFix(reportsOf(text)[0]!).safe, false, 'unknown version: review first');
  });

  it('fixes userspace to iptables, keeping quotes', () => {
    const text = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: "userspace"\n';
    const fixed = applyEdits(text, onlyEditFix(reportsOf(text, version('1.27.0'))[0]!).edits);
    assert.equal(fixed, text.replace('"userspace"', '"iptables"'));
    assert.equal(reportsOf(fixed, version('1.27.0')).length, 0);
  });

  it('checks --proxy-mode of flag-configured kube-proxy', () => {
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
        image: registry.k8s.io/kube-proxy:v1.26.0
        args:
        - --proxy-mode=userspace
                       ^^^^^^^^^ ${RULE}
`,
    );
  });

  it('flags udpIdleTimeout in the kubeadm 1.13 fixture (version unknown: info)', () => {
    const rel = 'k8s/kube-proxy/kubeadm-v1beta1-testdata-defaulted-KubeProxyConfiguration-k8s1.13.yaml';
    const reports = reportsOf(readFixture(rel), { path: rel });
    assert.deepEqual(reports.map((r) => r.severity), ['info']);
  });
});
