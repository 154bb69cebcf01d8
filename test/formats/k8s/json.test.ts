import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectKind } from '../../../server/src/formats/detect';
import { parseK8s } from '../../../server/src/formats/k8s/parse';
import { MAX_YAML_CHARS } from '../../../server/src/formats/k8s/yamlHost';
import { kubeProxyConfigs, flannelConfigs, allDocuments } from '../../../server/src/formats/k8s/model';
import { parseUnknown } from '../../../server/src/formats/unknown';
import { applyEdits, removeKey, setValue, type TextEdit } from '../../../server/src/formats/k8s/edit';
import { readFixture } from '../../helpers/golden';
import { lintText } from '../../helpers/ruleTester';
import { KUBE_PROXY_CM, SERVICE_LIST, jsonForms, jsonLists } from './jsonForms';

/**
 * Manifests as `kubectl get ... -o json` prints them: detected as k8s, read by the same reader as
 * YAML (JSON is YAML flow syntax), with the same findings.
 */

const at = (text: string, s: { start: number; end: number }): string => text.slice(s.start, s.end);

describe('k8s JSON: detection', () => {
  it('takes kubectl JSON (a List, one object, compact on one line) for manifests', () => {
    assert.equal(detectKind(SERVICE_LIST, 'svc.json').kind, 'k8s');
    assert.equal(detectKind(SERVICE_LIST, 'dump.txt').kind, 'k8s');
    assert.equal(detectKind(KUBE_PROXY_CM, 'cm.json').kind, 'k8s');
    assert.equal(detectKind(JSON.stringify(JSON.parse(SERVICE_LIST)), 'svc.json').kind, 'k8s');
    assert.equal(detectKind(JSON.stringify(JSON.parse(KUBE_PROXY_CM).data), 'x.json').kind, 'unknown', 'a ConfigMap data object alone has no apiVersion');
    const kpc = '{\n  "kind": "KubeProxyConfiguration",\n  "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",\n  "mode": "iptables"\n}\n';
    assert.equal(detectKind(kpc, 'kp.json').kind, 'k8s');
  });

  it('leaves other JSON alone: flannel net-conf.json stays k8s, nft -j and ip -j keep their kinds, a random object is unknown', () => {
    assert.equal(detectKind('{\n  "Network": "10.244.0.0/16",\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n', 'net-conf.json').kind, 'k8s');
    assert.equal(detectKind(readFixture('nftables/kube-proxy-ipv4.json'), 'nft.json').kind, 'nftables');
    assert.equal(detectKind(readFixture('ip-link/flannel-node-ip-j-d-link-real.json'), 'links.json').kind, 'ip-link');
    assert.equal(detectKind('{\n    "name": "web",\n    "version": "1.2.3",\n    "dependencies": {}\n}\n', 'package.json').kind, 'unknown');
    // "kind" alone is no evidence (Google APIs, and much else, have one); nor is an apiVersion that is not group/version.
    assert.equal(detectKind('{\n  "kind": "Deployment",\n  "id": 3\n}\n', 'x.json').kind, 'unknown');
    assert.equal(detectKind('{\n  "apiVersion": "2.0",\n  "data": {}\n}\n', 'x.json').kind, 'unknown');
  });

  it('says which JSON it reads when it does not read a file', () => {
    const msg = parseUnknown('{\n  "name": "web"\n}\n').problems[0]!.message;
    assert.match(msg, /it looks like JSON, but not flannel's net-conf\.json, nft -j or ip -j output, nor a Kubernetes object \(kubectl -o json/);
    assert.match(msg, /It reads .*Kubernetes YAML or JSON \(kubectl -o yaml \/ -o json\)/);
  });
});

describe('k8s JSON: reading', () => {
  it('reads a List of Services with exact spans on the JSON values', () => {
    const m = parseK8s(SERVICE_LIST);
    assert.deepEqual(m.problems, []);
    const svc = [...allDocuments(m)].find((d) => d.service)!.service!;
    assert.equal(at(SERVICE_LIST, svc.sessionAffinity.present ? svc.sessionAffinity.span : { start: 0, end: 0 }), '"ClientIP"');
    assert.equal(at(SERVICE_LIST, svc.ports[0]!.nodePort!.span), '30080');
  });

  it('reads compact JSON on one line', () => {
    const compact = JSON.stringify(JSON.parse(SERVICE_LIST));
    const svc = [...allDocuments(parseK8s(compact))].find((d) => d.service)!.service!;
    assert.ok(svc.externalTrafficPolicy.present);
    assert.equal(at(compact, svc.externalTrafficPolicy.span), '"Cluster"');
  });

  it("reads a ConfigMap's config.conf through its escapes, each value at its own place in the string", () => {
    const m = parseK8s(KUBE_PROXY_CM);
    assert.deepEqual(m.problems, []);
    const [kp] = kubeProxyConfigs(m);
    assert.ok(kp, 'config.conf read as a KubeProxyConfiguration');
    assert.equal(kp.origin, 'configmap');
    assert.equal(kp.exact, true);
    assert.ok(kp.mode.present && kp.ipvs.strictARP.present && kp.iptables.masqueradeAll.present && kp.ipvs.syncPeriod.present);
    assert.equal(kp.mode.value, 'ipvs');
    // `mode: \"ipvs\"`: the value's quotes are escapes in the host; the span covers them.
    assert.equal(at(KUBE_PROXY_CM, kp.mode.span), '\\"ipvs\\"');
    assert.equal(at(KUBE_PROXY_CM, kp.mode.keySpan), 'mode');
    assert.equal(at(KUBE_PROXY_CM, kp.ipvs.strictARP.span), 'false');
    assert.equal(kp.ipvs.syncPeriod.value, 30);
    assert.equal(at(KUBE_PROXY_CM, kp.iptables.masqueradeAll.span), 'true');
  });

  it('reads net-conf.json held in a JSON ConfigMap (a JSON string inside a JSON string)', () => {
    const netConf = JSON.stringify({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } }, null, 2);
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-flannel-cfg' }, data: { 'net-conf.json': netConf } }, null, 4);
    const m = parseK8s(text);
    assert.deepEqual(m.problems, []);
    const [fl] = flannelConfigs(m);
    assert.ok(fl?.network.present && fl.backend.type.present);
    assert.equal(at(text, fl.network.span), '\\"10.244.0.0/16\\"');
    assert.equal(at(text, fl.backend.type.span), '\\"vxlan\\"');
  });

  it('maps escapes that are not line breaks (\\t, \\u, a surrogate pair) and stays inexact on what it cannot map', () => {
    const text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-proxy"}, "data": {"config.conf": "kind: KubeProxyConfiguration\\n# caf\\u00e9 \\ud83d\\ude00\\tx\\nmode: ipvs\\n"}}';
    const [kp] = kubeProxyConfigs(parseK8s(text));
    assert.ok(kp?.mode.present);
    assert.equal(at(text, kp.mode.span), 'ipvs');
    // A YAML double-quoted scalar folded over two lines is not mapped character by character: spans fall back to the whole scalar.
    const folded = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\ndata:\n  config.conf: "kind: KubeProxyConfiguration\\nmode:\n    ipvs\\n"\n';
    const [kp2] = kubeProxyConfigs(parseK8s(folded));
    assert.ok(kp2?.mode.present);
    assert.equal(kp2.mode.value, 'ipvs');
    assert.equal(kp2.exact, false);
  });
});

// ---------------------------------------------------------------------------------------------

/** Rule id and message of every finding (parse notes included), sorted. */
function findings(text: string, path: string): string[] {
  return lintText(text, { path, kind: 'k8s' })
    .reports.map((r) => `${r.ruleId}: ${r.message}`)
    .sort();
}

describe('k8s JSON: the same findings as YAML', () => {
  const forms = jsonForms();

  it('converts enough of the fixtures to mean something', () => {
    assert.ok(forms.length >= 100, `${forms.length} documents`);
    assert.ok(forms.filter((f) => findings(f.yaml, 'node/x.yaml').some((x) => !x.startsWith('parse/'))).length >= 30);
  });

  it('every document of the k8s fixtures, as kubectl JSON, gets the findings (ids and messages) its YAML gets', () => {
    for (const f of forms) {
      // Same base name: k3s configs are recognised partly by file name.
      const base = `node/${f.fixture.replace(/^.*\//, '').replace(/\.[^.]+$/, '')}`;
      assert.deepEqual(findings(f.json, `${base}.json`), findings(f.yaml, `${base}.yaml`), `${f.fixture} document ${f.index}`);
      // An object with an apiVersion is detected as a manifest without help.
      if (f.hasApiVersion) assert.equal(detectKind(f.json, `${base}.json`).kind, 'k8s', `${f.fixture} document ${f.index}: detection`);
    }
  });

  it('every fixture file, as one compact kubectl List or a bare array of its objects, gets the findings its YAML documents get', () => {
    const lists = jsonLists(forms);
    assert.ok(lists.length >= 10, `${lists.length} lists`);
    for (const { fixture, yaml, json, array } of lists) {
      const base = `node/${fixture.replace(/^.*\//, '').replace(/\.[^.]+$/, '')}`;
      const want = findings(yaml, `${base}.yaml`);
      assert.equal(detectKind(json, `${base}.json`).kind, 'k8s', fixture);
      assert.deepEqual(findings(json, `${base}.json`), want, fixture);
      assert.equal(detectKind(array, `${base}.json`).kind, 'k8s', `${fixture} (array)`);
      assert.deepEqual(findings(array, `${base}.json`), want, `${fixture} (array)`);
    }
  });
});

describe('k8s JSON: edits stay JSON', () => {
  const svc = '{\n    "apiVersion": "v1",\n    "kind": "Service",\n    "metadata": {\n        "name": "web"\n    },\n    "spec": {\n        "type": "NodePort"\n    }\n}\n';
  const apply = (text: string, edits: readonly TextEdit[] | undefined): string => {
    assert.ok(edits, 'no edit');
    return applyEdits(text, edits);
  };

  it('inserts "key": "value" after the last key, at its indentation, and nested mappings as pretty JSON', () => {
    assert.equal(
      apply(svc, setValue(svc, { doc: 0, path: ['spec', 'externalTrafficPolicy'] }, 'Local')),
      svc.replace('"type": "NodePort"\n', '"type": "NodePort",\n        "externalTrafficPolicy": "Local"\n'),
    );
    assert.equal(
      apply(svc, setValue(svc, { doc: 0, path: ['metadata', 'annotations', 'cloud.google.com/neg'] }, '{"ingress": true}')),
      svc.replace('"name": "web"\n', '"name": "web",\n        "annotations": {\n            "cloud.google.com/neg": "{\\"ingress\\": true}"\n        }\n'),
    );
    // Compact JSON stays on its line.
    const compact = JSON.stringify(JSON.parse(svc));
    const out = apply(compact, setValue(compact, { doc: 0, path: ['spec', 'externalTrafficPolicy'] }, 'Local'));
    assert.deepEqual(JSON.parse(out), { ...JSON.parse(svc), spec: { type: 'NodePort', externalTrafficPolicy: 'Local' } });
    assert.ok(!out.includes('\n'));
  });

  it('removes a key with the comma that goes with it', () => {
    assert.equal(apply(svc, removeKey(svc, { doc: 0, path: ['kind'] })), svc.replace('    "kind": "Service",\n', ''));
    assert.equal(apply(svc, removeKey(svc, { doc: 0, path: ['spec'] })), svc.replace(',\n    "spec": {\n        "type": "NodePort"\n    }', ''));
    assert.equal(apply(svc, removeKey(svc, { doc: 0, path: ['metadata', 'name'] })), svc.replace('{\n        "name": "web"\n    }', '{}'));
    // Flow-style YAML and block YAML (also inside a block scalar) as before: the pair, or its line.
    assert.equal(apply('{a: 1, b: 2s, }\n', removeKey('{a: 1, b: 2s, }\n', { doc: 0, path: ['b'] })), '{a: 1, }\n');
    const block = 'kind: ConfigMap\ndata:\n  config.conf: |\n    mode: ipvs\n    udpIdleTimeout: 250ms\n    clusterCIDR: 10.0.0.0/8\n';
    const ref = { doc: 0, path: ['data', 'config.conf'], inner: { doc: 0, path: ['udpIdleTimeout'], format: 'yaml' as const } };
    assert.equal(apply(block, removeKey(block, ref)), block.replace('    udpIdleTimeout: 250ms\n', ''));
  });

  it("edits a ConfigMap's config.conf inside its JSON string, escaping what it writes", () => {
    const cc = { doc: 0, path: ['data', 'config.conf'] };
    const mode = apply(KUBE_PROXY_CM, setValue(KUBE_PROXY_CM, { ...cc, inner: { doc: 0, path: ['mode'], format: 'yaml' } }, 'nftables'));
    assert.equal(mode, KUBE_PROXY_CM.replace('mode: \\"ipvs\\"', 'mode: \\"nftables\\"'));
    const added = apply(KUBE_PROXY_CM, setValue(KUBE_PROXY_CM, { ...cc, inner: { doc: 0, path: ['conntrack', 'maxPerCore'], format: 'yaml' } }, 0));
    assert.equal((JSON.parse(added) as { data: Record<string, string> }).data['config.conf'], (JSON.parse(KUBE_PROXY_CM) as { data: Record<string, string> }).data['config.conf'] + 'conntrack:\n  maxPerCore: 0\n');
    const removed = apply(KUBE_PROXY_CM, removeKey(KUBE_PROXY_CM, { ...cc, inner: { doc: 0, path: ['ipvs', 'syncPeriod'], format: 'yaml' } }));
    assert.equal(removed, KUBE_PROXY_CM.replace('  syncPeriod: 30s\\n', ''));
  });

  it('flow-style YAML (unquoted keys) keeps getting YAML flow text', () => {
    const flow = '{\n  kind: "Service",\n  spec: {\n    type: "NodePort",\n  },\n}\n';
    assert.equal(apply(flow, setValue(flow, { doc: 0, path: ['spec', 'externalTrafficPolicy'] }, 'Local')), flow.replace('type: "NodePort",\n', 'type: "NodePort",\n    externalTrafficPolicy: Local,\n'));
  });
});

describe('k8s: a paste around the manifest', () => {
  it('reads kubectl JSON or YAML after the command line and inside a fence, says so once per cause, and fixes it in place', () => {
    const json = `$ kubectl get svc chat -o json\n${JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'chat' }, spec: { type: 'LoadBalancer', ports: [{ name: 'ws', port: 80 }] } }, null, 4)}\nuser@node:~$ \n`;
    const r = lintText(json, { path: 'node/svc.txt' });
    assert.equal(r.doc.kind, 'k8s');
    assert.deepEqual(
      r.reports.filter((x) => x.ruleId.startsWith('parse/')).map((x) => x.message),
      ['2 shell prompt lines (the command that was run, not its output): not read'],
    );
    const etp = r.reports.find((x) => x.ruleId === 'k8s/external-traffic-policy-cluster');
    assert.ok(etp);
    assert.equal(at(json, etp.span), '"LoadBalancer"');
    const fixed = applyEdits(json, etp.fixes.find((f) => f.kind === 'edit')!.edits as readonly TextEdit[]);
    const body = fixed.split('\n').slice(1, -2).join('\n');
    assert.equal((JSON.parse(body) as { spec: Record<string, unknown> }).spec['externalTrafficPolicy'], 'Local');

    const yaml = '```yaml\n$ kubectl get svc chat -o yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: chat\nspec:\n  type: NodePort\n  sessionAffinity: ClientIP\n```\n';
    const y = lintText(yaml, { path: 'node/svc.md.txt' });
    assert.deepEqual(y.reports.filter((x) => x.ruleId.startsWith('parse/')).map((x) => x.message).sort(), [
      '1 shell prompt line (the command that was run, not its output): not read',
      '2 markdown code fences: not read',
    ]);
    assert.ok(y.reports.some((x) => x.ruleId === 'k8s/session-affinity-behind-snat'));
    // A comment that names a command is the manifest's own comment: nothing to say.
    const commented = '# kubectl apply -f svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: chat\n';
    assert.deepEqual(lintText(commented, { path: 'node/svc.yaml' }).reports.filter((x) => x.ruleId.startsWith('parse/')), []);
  });
});

describe('k8s JSON: a List too large to read whole', () => {
  it('is cut after its last whole item, whatever the strings hold, with no YAML errors and the limit said once', () => {
    const item = (i: number): unknown => ({
      apiVersion: 'v1',
      kind: 'Service',
      // Braces and brackets in strings are not structure.
      metadata: { name: `s${i}`, annotations: { note: '}]} {"x": [' } },
      spec: { type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ port: 80, nodePort: 30000 + (i % 2000) }] },
    });
    const items = Array.from({ length: 12000 }, (_, i) => item(i));
    for (const text of [JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: {} }, null, 4), JSON.stringify(items, null, 2)]) {
      assert.ok(text.length > MAX_YAML_CHARS);
      const m = parseK8s(text);
      assert.deepEqual(m.problems.map((p) => p.code), ['parse/k8s-limit']);
      assert.match(m.problems[0]!.message, /up to the end of a List item/);
      const cut = m.problems[0]!.span.start;
      assert.ok(cut <= MAX_YAML_CHARS);
      const services = [...allDocuments(m)].filter((d) => d.service);
      // Every item that ends before the cut, and only those: the next one starts after it, the last one read is whole.
      const n = services.length;
      assert.ok(n > 1000 && n < items.length);
      assert.equal(services[n - 1]!.metadata?.name?.value, `s${n - 1}`);
      assert.ok(text.indexOf(`"name": "s${n}"`, cut - 2000) > cut);
      const last = services[n - 1]!.service!;
      assert.ok(last.sessionAffinity.present && last.ports.length === 1);
      assert.ok(services[n - 1]!.span.end <= cut);
    }
  });
});
