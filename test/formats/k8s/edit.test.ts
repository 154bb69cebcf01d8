import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { addAnnotation, appendToSequence, applyEdits, insertKey, setScalar, setValue, type TextEdit } from '../../../server/src/formats/k8s/edit';
import { allDocuments, child, containers, flannelConfigs, kubeProxyConfigs } from '../../../server/src/formats/k8s/model';
import { parseK8s } from '../../../server/src/formats/k8s/parse';
import { FIXTURES, readFixture } from '../../helpers/golden';

const apply = (text: string, edits: readonly TextEdit[] | undefined): string => {
  assert.ok(edits, 'the helper produced edits');
  return applyEdits(text, edits);
};
const lines = (...l: string[]): string => l.join('\n');

describe('k8s edits: set and insert in host YAML', () => {
  const svc = lines(
    '# leading comment',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: web   # keep me',
    'spec:',
    '  type: NodePort',
    '  ports:',
    '  - port: 80',
    '    targetPort: 8080 # container port',
    '',
    '---',
    'kind: Service',
    'spec:',
    '    type: "NodePort"',
    '',
  );

  it('inserts a missing key after the last key of spec, at its indentation', () => {
    const out = apply(svc, setValue(svc, { doc: 0, path: ['spec', 'externalTrafficPolicy'] }, 'Local'));
    assert.equal(
      out,
      svc.replace('    targetPort: 8080 # container port\n', '    targetPort: 8080 # container port\n  externalTrafficPolicy: Local\n'),
    );
  });

  it('replaces only the value token, keeping quote style, in a document after ---', () => {
    const out = apply(svc, setValue(svc, { doc: 1, path: ['spec', 'type'] }, 'ClusterIP'));
    assert.equal(out, svc.replace('    type: "NodePort"', '    type: "ClusterIP"'));
    const out2 = apply(svc, setScalar(svc, { doc: 0, path: ['spec', 'type'] }, 'LoadBalancer'));
    assert.equal(out2, svc.replace('  type: NodePort', '  type: LoadBalancer'));
  });

  it('uses the indentation unit of the document it edits (4 spaces in the second document)', () => {
    const out = apply(svc, setValue(svc, { doc: 1, path: ['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'] }, 600));
    assert.equal(out, svc.replace('    type: "NodePort"\n', '    type: "NodePort"\n    sessionAffinityConfig:\n        clientIP:\n            timeoutSeconds: 600\n'));
  });

  it('adds an annotation, creating metadata.annotations when missing', () => {
    const out = apply(svc, addAnnotation(svc, { doc: 0, path: [] }, 'cloud.google.com/neg', '{"ingress": true}'));
    assert.equal(out, svc.replace('  name: web   # keep me\n', `  name: web   # keep me\n  annotations:\n    cloud.google.com/neg: '{"ingress": true}'\n`));
    const withAnn = lines('metadata:', '  annotations:', '    a: "1"', '  name: x', '');
    assert.equal(apply(withAnn, addAnnotation(withAnn, { doc: 0, path: [] }, 'b', 'true')), lines('metadata:', '  annotations:', '    a: "1"', "    b: 'true'", '  name: x', ''));
    const nullAnn = lines('metadata:', '  annotations: null  # none yet', '  name: x', '');
    assert.equal(apply(nullAnn, addAnnotation(nullAnn, { doc: 0, path: [] }, 'b', 'v')), lines('metadata:', '  annotations:  # none yet', '    b: v', '  name: x', ''));
  });

  it('keeps CRLF line ends in inserted lines', () => {
    const crlf = svc.replace(/\n/g, '\r\n');
    const out = apply(crlf, setValue(crlf, { doc: 0, path: ['spec', 'externalTrafficPolicy'] }, 'Local'));
    assert.equal(out, crlf.replace('# container port\r\n', '# container port\r\n  externalTrafficPolicy: Local\r\n'));
  });

  it('finds quoted keys and inserts quoted keys when needed', () => {
    const t = lines('"spec":', '  "type": NodePort', '');
    assert.equal(apply(t, setValue(t, { doc: 0, path: ['spec', 'type'] }, 'ClusterIP')), lines('"spec":', '  "type": ClusterIP', ''));
    assert.equal(apply(t, insertKey(t, { doc: 0, path: ['spec'] }, 'a: b', 'yes')), lines('"spec":', '  "type": NodePort', "  'a: b': 'yes'", ''));
    assert.equal(insertKey(t, { doc: 0, path: ['spec'] }, 'type', 'x'), undefined, 'refuses to duplicate a key');
  });

  it('edits flow-style mappings (multi-line with trailing commas, and single-line)', () => {
    const text = readFixture('k8s/services/k8s-website-dual-stack-prefer-ipv6-lb-svc-flow-style.yaml');
    const out = apply(text, setValue(text, { doc: 0, path: ['spec', 'externalTrafficPolicy'] }, 'Local'));
    assert.equal(out, text.replace('    }],\n  },\n}', '    }],\n    externalTrafficPolicy: Local,\n  },\n}'));
    const out2 = apply(text, addAnnotation(text, { doc: 0, path: [] }, 'x.io/y', 'z'));
    assert.equal(out2, text.replace('      app.kubernetes.io/name: "MyApp",\n    },\n  },', '      app.kubernetes.io/name: "MyApp",\n    },\n    annotations: {x.io/y: z},\n  },'));
    const one = 'spec: {type: NodePort}  # inline\n';
    assert.equal(apply(one, setValue(one, { doc: 0, path: ['spec', 'externalTrafficPolicy'] }, 'Local')), 'spec: {type: NodePort, externalTrafficPolicy: Local}  # inline\n');
    const empty = 'spec: {}\n';
    assert.equal(apply(empty, setValue(empty, { doc: 0, path: ['spec', 'type'] }, 'NodePort')), 'spec: {type: NodePort}\n');
  });

  it('appends to block and flow sequences and creates missing ones', () => {
    const ds = lines('containers:', '- name: kube-flannel', '  args:', '  - --ip-masq', '  image: x', '');
    const ref = { doc: 0, path: ['containers', 0, 'args'] };
    assert.equal(apply(ds, appendToSequence(ds, ref, '--kube-subnet-mgr')), ds.replace('  - --ip-masq\n', '  - --ip-masq\n  - --kube-subnet-mgr\n'));
    const flow = 'args: ["--ip-masq"]\n';
    assert.equal(apply(flow, appendToSequence(flow, { doc: 0, path: ['args'] }, '--kube-subnet-mgr')), 'args: ["--ip-masq", --kube-subnet-mgr]\n');
    assert.equal(apply(ds, appendToSequence(ds, { doc: 0, path: ['containers', 0, 'command'] }, '/opt/bin/flanneld')), ds + lines('  command:', '  - /opt/bin/flanneld', ''));
  });

  it('returns undefined instead of guessing', () => {
    assert.equal(setValue('a: [1, 2]\n', { doc: 0, path: ['a', 'b'] }, 1), undefined);
    assert.equal(setValue('a: 1\n', { doc: 3, path: ['a'] }, 2), undefined);
    assert.equal(setScalar('a: 1\n', { doc: 0, path: ['b'] }, 2), undefined);
  });
});

describe('k8s edits: inside embedded documents', () => {
  it('inserts mode into a kube-proxy config.conf block scalar (CRLF) via the model ref', () => {
    const text = lines('kind: ConfigMap', 'metadata:', '  name: kube-proxy', 'data:', '  config.conf: |-', '    apiVersion: kubeproxy.config.k8s.io/v1alpha1', '    ipvs:', '      strictARP: false', '    kind: KubeProxyConfiguration', '  kubeconfig.conf: x', '').replace(/\n/g, '\r\n');
    const kp = kubeProxyConfigs(parseK8s(text))[0]!;
    const out = apply(text, setValue(text, child(kp.ref, 'mode'), 'ipvs'));
    assert.equal(out, text.replace('    kind: KubeProxyConfiguration\r\n', '    kind: KubeProxyConfiguration\r\n    mode: ipvs\r\n'));
    const out2 = apply(text, setValue(text, child(kp.ref, 'ipvs', 'strictARP'), true));
    assert.equal(out2, text.replace('strictARP: false', 'strictARP: true'));
    const out3 = apply(text, setValue(text, child(kp.ref, 'conntrack', 'tcpBeLiberal'), false));
    assert.equal(out3, text.replace('    kind: KubeProxyConfiguration\r\n', '    kind: KubeProxyConfiguration\r\n    conntrack:\r\n      tcpBeLiberal: false\r\n'));
    const reparsed = kubeProxyConfigs(parseK8s(out))[0]!;
    assert.equal(reparsed.mode.present && reparsed.mode.value, 'ipvs');
  });

  it('edits the real kubeadm ConfigMap and the Cluster API embedded config', () => {
    const text = readFixture('k8s/kube-proxy/kubeadm-issue-2205-cm-kube-proxy-dualstack-TRUNCATED.yaml');
    const kp = kubeProxyConfigs(parseK8s(text))[0]!;
    assert.equal(apply(text, setValue(text, child(kp.ref, 'mode'), 'ipvs')), text.replace('    mode: ""\n', '    mode: "ipvs"\n'));
    assert.equal(apply(text, setValue(text, child(kp.ref, 'ipvs', 'strictARP'), true)), text.replace('      strictARP: false\n', '      strictARP: true\n'));
    const capi = readFixture('k8s/kube-proxy/capi-caren-docs-KCPTemplate-embedded-nftables-KubeProxyConfiguration.yaml');
    const ck = kubeProxyConfigs(parseK8s(capi))[0]!;
    assert.equal(
      apply(capi, setValue(capi, child(ck.ref, 'featureGates', 'NFTablesProxyMode'), true)),
      capi.replace('              mode: nftables\n', '              mode: nftables\n              featureGates:\n                NFTablesProxyMode: true\n'),
    );
  });

  it('edits flannel net-conf.json: insert into Backend, replace Backend, add a top-level key', () => {
    const text = readFixture('k8s/flannel/flannel-v0.25.0.yml');
    const fl = flannelConfigs(parseK8s(text))[0]!;
    const before = lines('    {', '      "Network": "10.244.0.0/16",', '      "EnableNFTables": false,', '      "Backend": {', '        "Type": "vxlan"', '      }', '    }', '');
    assert.ok(text.includes(before));
    const dr = apply(text, setValue(text, child(fl.ref, 'Backend', 'DirectRouting'), true));
    assert.equal(dr, text.replace(before, before.replace('"Type": "vxlan"\n', '"Type": "vxlan",\n        "DirectRouting": true\n')));
    const gw = apply(text, setValue(text, child(fl.ref, 'Backend'), { Type: 'host-gw' }));
    assert.equal(gw, text.replace(before, before.replace('"Type": "vxlan"', '"Type": "host-gw"')));
    const v6 = apply(text, setValue(text, child(fl.ref, 'EnableIPv6'), false));
    assert.equal(v6, text.replace(before, before.replace('        "Type": "vxlan"\n      }\n', '        "Type": "vxlan"\n      },\n      "EnableIPv6": false\n')));
    const back = flannelConfigs(parseK8s(dr))[0]!;
    assert.equal(back.backend.directRouting.present && back.backend.directRouting.value, true);
    assert.deepEqual(parseK8s(dr).problems, []);
  });

  it('edits JSON inside a single-quoted annotation, escaping for the quote style', () => {
    const text = lines('kind: Service', 'metadata:', '  annotations:', `    cloud.google.com/neg: '{"ingress": false}'  # was off`, '');
    const neg = parseK8s(text).documents[0]!.service!.neg!;
    assert.equal(neg.ingress?.value, false);
    const ref = { doc: 0, path: ['metadata', 'annotations', 'cloud.google.com/neg'], inner: { doc: 0, path: ['ingress'], format: 'json' as const } };
    assert.equal(apply(text, setValue(text, ref, true)), text.replace('"ingress": false', '"ingress": true'));
    const ref2 = { ...ref, inner: { ...ref.inner, path: ['name'] } };
    assert.equal(apply(text, setValue(text, ref2, "it's")), text.replace('"ingress": false}', `"ingress": false, "name": "it''s"}`));
  });

  it('refuses to edit embedded text that is not mapped 1:1', () => {
    const text = 'data:\n  config.conf: "kind: KubeProxyConfiguration\\nmode: ipvs\\n"\n';
    assert.equal(setValue(text, { doc: 0, path: ['data', 'config.conf'], inner: { doc: 0, path: ['mode'], format: 'yaml' } }, 'iptables'), undefined);
  });
});

describe('k8s edits: properties on real fixtures', () => {
  const files = ['flannel', 'kube-proxy', 'services'].flatMap((k) => readdirSync(join(FIXTURES, 'k8s', k)).map((f) => `k8s/${k}/${f}`));

  it('setting externalTrafficPolicy on every Service changes one place and reads back', () => {
    let count = 0;
    for (const rel of files) {
      const text = readFixture(rel);
      const model = parseK8s(text, rel);
      if (model.problems.some((p) => p.code === 'parse/k8s-yaml')) continue;
      for (const d of allDocuments(model)) {
        if (!d.service) continue;
        const edits = setValue(text, child(d.ref, 'spec', 'externalTrafficPolicy'), 'Local');
        assert.ok(edits && edits.length === 1, rel);
        const out = applyEdits(text, edits);
        const e = edits[0]!;
        assert.equal(out.slice(0, e.span.start), text.slice(0, e.span.start), rel);
        assert.equal(out.slice(e.span.start + e.newText.length), text.slice(e.span.end), rel);
        const again = [...allDocuments(parseK8s(out, rel))].find((x) => x.ref.doc === d.ref.doc && x.service)!;
        assert.equal(again.service!.externalTrafficPolicy.present && again.service!.externalTrafficPolicy.value, 'Local', rel);
        count++;
      }
    }
    assert.ok(count >= 12, `edited ${count} Services`);
  });

  it('adding --ip-masq-fully-random-disable to every flannel container reads back as a flag', () => {
    let count = 0;
    for (const rel of files.filter((f) => f.includes('flannel/'))) {
      const text = readFixture(rel);
      const model = parseK8s(text, rel);
      if (model.templated) continue;
      for (const c of containers(model).filter((x) => x.role === 'flannel' && x.args.length > 0)) {
        const out = apply(text, appendToSequence(text, child(c.ref, 'args'), '--ip-masq-fully-random-disable'));
        const flags = containers(parseK8s(out, rel)).find((x) => x.ref.doc === c.ref.doc && JSON.stringify(x.ref.path) === JSON.stringify(c.ref.path))!.flags;
        assert.ok(flags.some((f) => f.name.value === '--ip-masq-fully-random-disable'), rel);
        count++;
      }
    }
    assert.ok(count >= 10, `edited ${count} containers`);
  });
});
