import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'kube-proxy/ipvs-mode-deprecated';
const ROOT = join(__dirname, '..', '..', '..');

type Options = Parameters<typeof lintText>[1];

function reportsOf(text: string, options: Options = {}) {
  return lintText(text, { path: 'node/kube-proxy.yaml', ...options }).reports.filter((r) => r.ruleId === RULE);
}

function lintFolder(dir: string) {
  const files = readdirSync(join(ROOT, dir)).map((n) => ({ path: `${dir}/${n}`, text: readFileSync(join(ROOT, dir, n), 'utf8') }));
  return files.flatMap((f) => lintText(f.text, { path: f.path, node: files.filter((o) => o !== f) }).reports.map((r) => ({ ...r, path: f.path })));
}

const IPVS = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: 'ipvs'
      ^^^^^^ ${RULE}
`;

describe(RULE, () => {
  it('fires (hint) on IPVS mode with kube-proxy 1.35+, and when the version is unknown', () => {
    const [known] = expectFindings([RULE], IPVS, { settings: { facts: { kubeProxyVersion: 'v1.35.0' } } });
    assert.equal(known!.severity, 'hint');
    expectMessage(known, 'deprecated', { kubeProxy: 'kube-proxy v1.35.0 (from setting kubeProxyVersion)' });
    const [unknown] = expectFindings([RULE], IPVS);
    assert.equal(unknown!.severity, 'hint');
    expectMessage(unknown, 'deprecatedVersionUnknown');
  });

  it('does not fire before 1.35 or in other modes', () => {
    expectFindings([RULE], IPVS.split('\n').filter((l) => !l.includes('^')).join('\n'), { settings: { facts: { kubeProxyVersion: '1.34.2' } } });
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n');
    expectFindings([RULE], 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n');
  });

  it('fires on the ipvs-conn-reuse example node, and nothing of this area fires on healthy-node', () => {
    const found = lintFolder('examples/ipvs-conn-reuse').filter((r) => r.ruleId === RULE);
    assert.deepEqual(found.map((r) => `${r.path} ${r.severity}`), ['examples/ipvs-conn-reuse/kube-proxy-cm.yaml hint']);
    const mine = lintFolder('examples/healthy-node').filter((r) => /^(?:k8s|gke|kube-proxy)\//.test(r.ruleId));
    assert.deepEqual(mine, []);
  });

  it('fixes to nftables (quotes kept) unless the kernel is known to be too old for it', () => {
    const text = IPVS.split('\n').filter((l) => !l.includes('^')).join('\n');
    const fix = onlyEditFix(reportsOf(text)[0]!);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, text.replace("'ipvs'", "'nftables'"));
    assert.equal(reportsOf(fixed).length, 0);
    assert.equal(reportsOf(text, { settings: { facts: { kernelVersion: '4.19.0' } } })[0]!.fixes.length, 0);
  });

  it('checks --proxy-mode of flag-configured kube-proxy (the image tag gives the version)', () => {
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
        image: registry.k8s.io/kube-proxy:v1.35.1
        command: [kube-proxy, --proxy-mode, ipvs]
                                            ^^^^ ${RULE}
`,
    );
  });
});
