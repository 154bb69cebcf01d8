import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/conntrack-management-unusual';

type Options = Parameters<typeof lintText>[1];

function reportsOf(text: string, options: Options = {}) {
  return lintText(text, { path: 'node/kube-proxy.yaml', ...options }).reports.filter((r) => r.ruleId === RULE);
}
const sysctl = (max: number) => ({ node: [{ path: 'node/sysctl-a.txt', text: `net.netfilter.nf_conntrack_count = 100\nnet.netfilter.nf_conntrack_max = ${max}\n` }] });

describe(RULE, () => {
  it('fires on maxPerCore 0 with a small nf_conntrack_max, low min / maxPerCore, and tcpEstablishedTimeout 0', () => {
    const reports = expectFindings(
      [RULE],
      `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
conntrack:
  maxPerCore: 0
              ^ ${RULE}
  min: 1000
  tcpEstablishedTimeout: 0s
                         ^^ ${RULE}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
conntrack:
  maxPerCore: 8192
              ^^^^ ${RULE}
  min: 65536
       ^^^^^ ${RULE}
`,
      sysctl(65536),
    );
    assert.deepEqual(reports.map((r) => r.severity), ['info', 'info', 'hint', 'hint']);
    expectMessage(reports[0], 'maxPerCoreZeroSmallTable', { max: '65536', floor: 131072 });
    expectMessage(reports[1], 'establishedTimeoutZero');
    expectMessage(reports[2], 'maxPerCoreLow', { value: 8192, default: 32768 });
    expectMessage(reports[3], 'minLow', { value: 65536, default: 131072 });
    assert.equal(reports[0]!.related[0]!.document.path, 'node/sysctl-a.txt');
  });

  it('does not fire on defaults, on nulls, or on maxPerCore 0 with a large nf_conntrack_max', () => {
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nconntrack:\n  maxPerCore: 32768\n  min: 131072\n  tcpEstablishedTimeout: 24h0m0s\n');
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nconntrack:\n  maxPerCore: null\n  min: null\n  tcpEstablishedTimeout: null\n');
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nconntrack:\n  maxPerCore: 0\n', sysctl(1048576));
  });

  it('downgrades maxPerCore 0 to a hint and says so when nf_conntrack_max is unknown', () => {
    const [r] = reportsOf('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nconntrack:\n  maxPerCore: 0\n');
    assert.equal(r!.severity, 'hint');
    expectMessage(r, 'maxPerCoreZeroUnknownTable');
  });

  it('fixes to the defaults inside config.conf (CRLF and comments kept)', () => {
    const text =
      'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: kube-proxy\r\ndata:\r\n  config.conf: |\r\n    kind: KubeProxyConfiguration\r\n    conntrack:\r\n      maxPerCore: 0 # leave the kernel alone\r\n      tcpEstablishedTimeout: "0s"\r\n';
    const reports = reportsOf(text, sysctl(65536));
    const fixed = applyEdits(text, [...onlyEditFix(reports[0]!).edits, ...onlyEditFix(reports[1]!).edits]);
    assert.equal(fixed, text.replace('maxPerCore: 0 #', 'maxPerCore: 32768 #').replace('"0s"', '"24h0m0s"'));
    assert.equal(reportsOf(fixed, sysctl(65536)).length, 0);
  });
});
