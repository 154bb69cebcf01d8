import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EditFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, splitAnnotated, type NodeFile } from '../../helpers/ruleTester';
import { only } from './only';

const RULE = 'flannel/network-mismatch';
const ROOT = join(__dirname, '..', '..', '..');

const CM = `kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
data:
  net-conf.json: |
    {
      "Network": "10.244.0.0/16",
                 ^^^^^^^^^^^^^^^ ${RULE}
      "Backend": { "Type": "vxlan" }
    }
`;
const kubeProxy = (cidr: string): NodeFile => ({
  path: 'node/kube-proxy-cm.yaml',
  text: `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-proxy
  namespace: kube-system
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    clusterCIDR: ${cidr}
    mode: iptables
`,
});
const iptables = (cidr: string): NodeFile => ({
  path: 'node/iptables-save.txt',
  text: `*nat
:KUBE-SERVICES - [0:0]
:KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]
:KUBE-MARK-MASQ - [0:0]
-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
-A KUBE-SVC-NPX46M4PTMTKRN6Y ! -s ${cidr} -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
COMMIT
`,
});
const opts = (node: NodeFile[]) => ({ path: 'node/kube-flannel.yml', node });

describe(RULE, () => {
  it('fires when kube-proxy clusterCIDR lies outside flannel Network, pointing at it', () => {
    const [r] = expectFindings([RULE], CM, opts([kubeProxy('10.32.0.0/12')]));
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'notContained', { field: 'Network', network: '10.244.0.0/16', evidence: 'kube-proxy clusterCIDR 10.32.0.0/12 (node/kube-proxy-cm.yaml)', outside: 'clusterCIDR' });
    assert.deepEqual(r!.related.map((x) => [x.document.path, x.document.text.slice(x.span.start, x.span.end), x.message]), [['node/kube-proxy-cm.yaml', '10.32.0.0/12', 'kube-proxy clusterCIDR: 10.32.0.0/12']]);
  });

  it('fires on the "! -s" CIDR of kube-proxy\'s masquerade rules, without a fix (it may be a node podCIDR)', () => {
    const [r] = expectFindings([RULE], CM, opts([iptables('10.32.0.0/12')]));
    expectMessage(r, 'notContained', { evidence: 'kube-proxy\'s "! -s" masquerade CIDR (KUBE-SVC-NPX46M4PTMTKRN6Y) 10.32.0.0/12 (node/iptables-save.txt)', outside: 'that CIDR' });
    assert.equal(r!.related[0]!.document.text.slice(r!.related[0]!.span.start, r!.related[0]!.span.end), '10.32.0.0/12');
    assert.deepEqual(r!.fixes, []);
  });

  it('does not fire when kube-proxy\'s CIDR is inside Network (equal, smaller, node podCIDR) or there is no evidence', () => {
    const text = splitAnnotated(CM).text;
    for (const cidr of ['10.244.0.0/16', '10.244.0.0/17', '10.244.3.0/24']) {
      expectFindings([RULE], text, opts([kubeProxy(cidr), iptables(cidr)]));
    }
    expectFindings([RULE], text, opts([]));
    expectFindings([RULE], text, opts([kubeProxy('fd00:10:244::/56')]));
  });

  it('compares dual-stack values per family', () => {
    const dual = CM.replace('"Network": "10.244.0.0/16",\n', '"Network": "10.244.0.0/16",\n      "IPv6Network": "fd00:10:244::/56",\n').replace(`      "IPv6Network": "fd00:10:244::/56",\n                 ^^^^^^^^^^^^^^^ ${RULE}\n`, `                 ^^^^^^^^^^^^^^^ ${RULE}\n      "IPv6Network": "fd00:10:244::/56",\n`);
    expectFindings([RULE], splitAnnotated(dual).text, opts([kubeProxy('10.244.0.0/16,fd00:10:244::/56')]));
    const v6 = `${splitAnnotated(dual).text.replace('"IPv6Network": "fd00:10:244::/56",\n', `"IPv6Network": "fd00:10:245::/56",\n                     ^^^^^^^^^^^^^^^^^^ ${RULE}\n`)}`;
    const [r] = expectFindings([RULE], v6, opts([kubeProxy('10.244.0.0/16,fd00:10:244::/56')]));
    expectMessage(r, 'notContained', { field: 'IPv6Network', network: 'fd00:10:245::/56' });
    assert.match(String(r!.data!.evidence), /^kube-proxy clusterCIDR fd00:10:244::\/56/);
  });

  it('offers to copy the configured clusterCIDR into Network (unsafe), byte for byte, CRLF kept', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = splitAnnotated(CM).text.replace(/\n/g, eol);
      const [r] = lintText(text, opts([kubeProxy('10.32.0.0/12')])).reports.filter((x) => x.ruleId === RULE);
      const fix = r!.fixes[0] as EditFix;
      assert.equal(fix.safe, false);
      assert.equal(fix.title, 'Set Network to 10.32.0.0/12 (must also equal kube-controller-manager --cluster-cidr)');
      const fixed = applyEdits(text, fix.edits);
      assert.equal(fixed, text.replace('"10.244.0.0/16"', '"10.32.0.0/12"'));
      assert.equal(lintText(fixed, opts([kubeProxy('10.32.0.0/12')])).reports.filter((x) => x.ruleId === RULE).length, 0);
    }
  });

  it('reads kube-proxy --cluster-cidr from a DaemonSet in the same file', () => {
    const ds = `---
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
        command: ["/usr/local/bin/kube-proxy", "--cluster-cidr=192.168.0.0/16"]
`;
    const [r] = expectFindings([RULE], CM + ds, opts([]));
    expectMessage(r, 'notContained');
    assert.match(String(r!.data!.evidence), /kube-proxy --cluster-cidr 192\.168\.0\.0\/16/);
  });

  it('does not fire on the public flannel manifests or the example nodes', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'k8s', 'flannel');
    for (const f of readdirSync(dir)) assert.equal(lintText(readFileSync(join(dir, f), 'utf8'), { path: f, settings: only(RULE) }).reports.filter((r) => r.ruleId === RULE).length, 0, f);
    const ex = join(ROOT, 'examples', 'vxlan-63s-delay');
    const files = readdirSync(ex).map((f) => ({ path: f, text: readFileSync(join(ex, f), 'utf8') }));
    const cm = files.find((f) => f.path === 'kube-flannel-cfg.yaml')!;
    assert.equal(lintText(cm.text, { path: cm.path, node: files.filter((f) => f !== cm) }).reports.filter((r) => r.ruleId === RULE).length, 0);
  });
});
