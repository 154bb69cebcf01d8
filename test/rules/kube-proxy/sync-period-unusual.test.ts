import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../../helpers/golden';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/sync-period-unusual';

type Options = Parameters<typeof lintText>[1];

function reportsOf(text: string, options: Options = {}) {
  return lintText(text, { path: 'node/kube-proxy.yaml', ...options }).reports.filter((r) => r.ruleId === RULE);
}
const version = (v: string): Options => ({ settings: { facts: { kubeProxyVersion: v } } });

/** An iptables-save dump of a cluster with `n` Services. */
function bigDump(n: number): string {
  const chains = Array.from({ length: n }, (_, i) => `:KUBE-SVC-${String(i).padStart(16, 'A')} - [0:0]`);
  return ['*nat', ':PREROUTING ACCEPT [0:0]', ':KUBE-SERVICES - [0:0]', ...chains, 'COMMIT', ''].join('\n');
}

const IPT_ZERO = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
iptables:
  minSyncPeriod: 0s
                 ^^ ${RULE}
  syncPeriod: 30s
`;
const plain = (s: string): string => s.split('\n').filter((l) => !/^\s*\^/.test(l)).join('\n');

describe(RULE, () => {
  it('fires on minSyncPeriod 0 (old iptables-mode kube-proxy or IPVS mode), above 30 s, and on syncPeriod below minSyncPeriod', () => {
    const [old] = expectFindings([RULE], IPT_ZERO, version('v1.18.20'));
    assert.equal(old!.severity, 'hint');
    expectMessage(old, 'zeroMinSync', { section: 'iptables' });
    assert.match(String(old!.data!.details), /this one is older \(kube-proxy v1\.18\.20/);
    assert.match(String(old!.data!.details), /cluster size is unknown/);
    const reports = expectFindings(
      [RULE],
      `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: ipvs
ipvs:
  minSyncPeriod: 0s
                 ^^ ${RULE}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
iptables:
  minSyncPeriod: 2m
                 ^^ ${RULE}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
iptables:
  minSyncPeriod: 10s
  syncPeriod: 5s
              ^^ ${RULE}
`,
    );
    assert.deepEqual(reports.map((r) => r.severity), ['hint', 'info', 'warning']);
  });

  it('is info when the node\'s dumps show a large cluster, and cites them', () => {
    const node = [{ path: 'node/iptables-save.txt', text: bigDump(1200) }];
    const [r] = expectFindings([RULE], IPT_ZERO, { ...version('1.18.0'), node });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'zeroMinSync');
    assert.match(String(r!.data!.details), /1200 KUBE-SVC chains/);
    assert.equal(r!.related[0]!.document.path, 'node/iptables-save.txt');
    // Unknown version: only a large cluster makes it worth saying (downgraded, version named).
    const [u] = expectFindings([RULE], IPT_ZERO, { node });
    assert.equal(u!.severity, 'hint');
    assert.match(String(u!.data!.details), /the version is unknown/);
  });

  it('does not fire where kube-proxy replaces 0 by 1 s, on unused sections, or on defaults', () => {
    expectFindings([RULE], plain(IPT_ZERO), version('1.19.0'));
    // kubeadm writes minSyncPeriod: 0s into every ConfigMap; with the version unknown and no size evidence it stays quiet.
    expectFindings([RULE], plain(IPT_ZERO));
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nipvs:\n  minSyncPeriod: 0s\n  syncPeriod: 1s\n');
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\niptables:\n  minSyncPeriod: 1s\n  syncPeriod: 0s\n');
    assert.equal(reportsOf(readFixture('k8s/kube-proxy/kubeadm-issue-2205-cm-kube-proxy-dualstack-TRUNCATED.yaml')).length, 0);
  });

  it('fixes minSyncPeriod and syncPeriod to the defaults inside config.conf (CRLF, quotes kept)', () => {
    const text =
      'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: kube-proxy\r\ndata:\r\n  config.conf: |\r\n    kind: KubeProxyConfiguration\r\n    mode: ipvs\r\n    ipvs:\r\n      minSyncPeriod: "0s" # sync on every change\r\n      syncPeriod: 500ms\r\n';
    const reports = reportsOf(text);
    assert.equal(reports.length, 1, 'syncPeriod 500ms is not below an ipvs minSyncPeriod of 0');
    const fixed = applyEdits(text, onlyEditFix(reports[0]!).edits);
    assert.equal(fixed, text.replace('"0s" #', '"1s" #'));
    const [below] = reportsOf(fixed);
    expectMessage(below, 'syncBelowMin', { section: 'ipvs', sync: '500 ms', min: '1 s' });
    const fixed2 = applyEdits(fixed, onlyEditFix(below!).edits);
    assert.equal(fixed2, fixed.replace('syncPeriod: 500ms', 'syncPeriod: 30s'));
    assert.equal(reportsOf(fixed2).length, 0);
  });
});
