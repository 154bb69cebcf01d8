import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EditFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, splitAnnotated } from '../../helpers/ruleTester';
import { only } from './only';

const RULE = 'flannel/vxlan-where-host-gw-works';
const ROOT = join(__dirname, '..', '..', '..');

const CM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-flannel-cfg # flannel
data:
  net-conf.json: |
    {
      "Network": "10.244.0.0/16",
      "Backend": {
        "Type": "vxlan"
                ^^^^^^^ ${RULE}
      }
    }
`;
const opts = { path: 'node/kube-flannel.yml' };

describe(RULE, () => {
  it('fires as a hint on vxlan without DirectRouting', () => {
    const [r] = expectFindings([RULE], CM, opts);
    assert.equal(r!.severity, 'hint');
    expectMessage(r, 'vxlanNoDirectRouting', { type: '"vxlan"' });
    const [f] = expectFindings([RULE], CM.replace('"Type": "vxlan"\n', '"Type": "vxlan",\n        "DirectRouting": false\n').replace(`        "DirectRouting": false\n                ^^^^^^^ ${RULE}\n`, `                ^^^^^^^ ${RULE}\n        "DirectRouting": false\n`), opts);
    expectMessage(f, 'vxlanDirectRoutingFalse');
  });

  it('does not fire for host-gw, DirectRouting true, a missing Backend, or the k3s default', () => {
    const text = splitAnnotated(CM).text;
    expectFindings([RULE], text.replace('"vxlan"', '"host-gw"'), opts);
    expectFindings([RULE], text.replace('"Type": "vxlan"', '"Type": "vxlan", "DirectRouting": true'), opts);
    expectFindings([RULE], text.replace(/"Backend": \{\n\s+"Type": "vxlan"\n\s+\}/, '"SubnetLen": 24'), opts);
    expectFindings([RULE], 'cluster-cidr: 10.42.0.0/16\n', { path: 'node/config.yaml' });
  });

  it('offers DirectRouting and host-gw edits (both unsafe) that keep the ConfigMap byte for byte', () => {
    const text = splitAnnotated(CM).text;
    const [r] = lintText(text, opts).reports.filter((x) => x.ruleId === RULE);
    const [direct, hostGw] = r!.fixes as EditFix[];
    assert.equal(direct!.safe, false);
    assert.equal(hostGw!.safe, false);
    const withDirect = applyEdits(text, direct!.edits);
    assert.equal(withDirect, text.replace('"Type": "vxlan"\n', '"Type": "vxlan",\n        "DirectRouting": true\n'));
    assert.equal(applyEdits(text, hostGw!.edits), text.replace('"vxlan"', '"host-gw"'));
    for (const fixed of [withDirect, applyEdits(text, hostGw!.edits)]) assert.equal(lintText(fixed, opts).reports.filter((x) => x.ruleId === RULE).length, 0);
    const crlf = text.replace(/\n/g, '\r\n');
    const [c] = lintText(crlf, opts).reports.filter((x) => x.ruleId === RULE);
    assert.equal(applyEdits(crlf, (c!.fixes[0] as EditFix).edits), withDirect.replace(/\n/g, '\r\n'));
  });

  it('fires on an explicit k3s vxlan backend and rewrites it to host-gw', () => {
    const [r] = expectFindings([RULE], `# /etc/rancher/k3s/config.yaml\nflannel-backend: "vxlan"\n                 ^^^^^^^ ${RULE}\n`, { path: 'node/config.yaml' });
    const text = '# /etc/rancher/k3s/config.yaml\nflannel-backend: "vxlan"\n';
    assert.equal(applyEdits(text, (r!.fixes[0] as EditFix).edits), '# /etc/rancher/k3s/config.yaml\nflannel-backend: "host-gw"\n');
  });

  it('fires once per vxlan manifest among the public fixtures, never on host-gw or ali-vpc', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'k8s', 'flannel');
    const silent = readdirSync(dir).filter((f) => !lintText(readFileSync(join(dir, f), 'utf8'), { path: f, settings: only(RULE) }).reports.some((r) => r.ruleId === RULE));
    assert.deepEqual(silent.sort(), ['flannel-2016-12-aliyun-vpc.yml', 'flannel-v0.12.0-minikube-host-gw.yml', 'zalando-kubernetes-on-aws-flannel-daemonset-templated.yaml']);
  });
});
