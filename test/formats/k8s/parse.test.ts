import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LineIndex } from '../../../server/src/core/lineIndex';
import type { Span } from '../../../server/src/core/span';
import { parseK8s } from '../../../server/src/formats/k8s/parse';
import { allDocuments, containers, flannelConfigs, kubeProxyConfigs, type Field } from '../../../server/src/formats/k8s/model';
import { FIXTURES, assertGolden, assertSpansInside, collectSpans, readFixture } from '../../helpers/golden';
import { renderK8s } from './render';
import { applyMutation, mutation } from '../../helpers/mutations';

const at = (text: string, s: Span): string => text.slice(s.start, s.end);
const present = <T>(f: Field<T>): T => {
  assert.ok(f.present, 'field is absent');
  return f.value;
};

describe('k8s parser: Service, Ingress, BackendConfig', () => {
  it('reads Service fields with exact spans and anchors absent ones on `spec`', () => {
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: web',
      '  annotations:',
      `    cloud.google.com/neg: '{"ingress": true, "exposed_ports": {"80":{}}}'`,
      `    cloud.google.com/backend-config: '{"ports": {"http": "ws-bc"}}'`,
      'spec:',
      '  type: NodePort',
      '  sessionAffinity: "ClientIP"',
      '  ports:',
      '  - name: http',
      '    port: 80',
      '    nodePort: 30080',
      '    targetPort: web',
      '',
    ].join('\n');
    const m = parseK8s(text);
    assert.deepEqual(m.problems, []);
    const d = m.documents[0]!;
    const s = d.service!;
    assert.equal(present(s.type), 'NodePort');
    assert.equal(s.type.present && at(text, s.type.span), 'NodePort');
    assert.equal(s.sessionAffinity.present && at(text, s.sessionAffinity.span), '"ClientIP"');
    assert.equal(present(s.sessionAffinity), 'ClientIP');
    assert.equal(s.externalTrafficPolicy.present, false);
    assert.equal(at(text, s.externalTrafficPolicy.span), 'spec');
    const p = s.ports[0]!;
    assert.equal(p.port?.value, 80);
    assert.equal(p.nodePort?.value, 30080);
    assert.equal(p.targetPort?.value, 'web');
    assert.equal(at(text, p.nodePort!.span), '30080');
    assert.equal(s.neg?.ingress?.value, true);
    assert.equal(at(text, s.neg!.ingress!.span), 'true');
    assert.deepEqual(s.neg?.exposedPorts.map((x) => [x.value, at(text, x.span)]), [['80', '"80"']]);
    assert.equal(s.backendConfig?.beta, false);
    assert.deepEqual(s.backendConfig?.ports.map((x) => [x.port.value, x.name.value, at(text, x.name.span)]), [['http', 'ws-bc', '"ws-bc"']]);
    assert.equal(d.metadata?.name?.value, 'web');
  });

  it('reads ingress class and backends of v1 and v1beta1 shapes', () => {
    const text = [
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata: {name: a}',
      'spec:',
      '  ingressClassName: gce',
      '  defaultBackend:',
      '    service: {name: def, port: {number: 8080}}',
      '  rules:',
      '  - host: a.example',
      '    http:',
      '      paths:',
      '      - path: /ws',
      '        backend:',
      '          service:',
      '            name: ws',
      '            port:',
      '              name: http',
      '---',
      'apiVersion: extensions/v1beta1',
      'kind: Ingress',
      'metadata:',
      '  annotations:',
      '    kubernetes.io/ingress.class: gce-internal',
      'spec:',
      '  backend: {serviceName: old, servicePort: 80}',
      '',
    ].join('\n');
    const m = parseK8s(text);
    assert.deepEqual(m.problems, []);
    const a = m.documents[0]!.ingress!;
    assert.equal(a.ingressClass?.value, 'gce');
    assert.equal(a.ingressClass?.source, 'ingressClassName');
    assert.deepEqual(
      a.backends.map((b) => [b.source, b.shape, b.serviceName?.value, b.servicePort?.value, b.host?.value, b.path?.value]),
      [
        ['defaultBackend', 'v1', 'def', 8080, undefined, undefined],
        ['rule', 'v1', 'ws', 'http', 'a.example', '/ws'],
      ],
    );
    assert.equal(at(text, a.backends[1]!.serviceName!.span), 'ws');
    const b = m.documents[1]!.ingress!;
    assert.equal(b.ingressClass?.source, 'annotation');
    assert.equal(at(text, b.ingressClass!.span), 'gce-internal');
    assert.equal(b.backends[0]!.shape, 'v1beta1');
    assert.equal(at(text, b.backends[0]!.servicePort!.span), '80');
  });

  it('reads BackendConfig timeouts and reports wrongly typed values', () => {
    const text = 'apiVersion: cloud.google.com/v1\nkind: BackendConfig\nspec:\n  timeoutSec: "3600"\n  connectionDraining:\n    drainingTimeoutSec: 60\n';
    const m = parseK8s(text);
    const bc = m.documents[0]!.backendConfig!;
    assert.equal(bc.timeoutSec.present, false);
    assert.equal(at(text, bc.timeoutSec.span), 'timeoutSec');
    assert.equal(present(bc.drainingTimeoutSec), 60);
    const p = m.problems.find((x) => x.code === 'parse/k8s-type')!;
    assert.equal(at(text, p.span), '"3600"');
    assert.match(p.message, /spec\.timeoutSec must be an integer/);
  });
});

describe('k8s parser: embedded configurations', () => {
  it('maps a kube-proxy config.conf block scalar back to the host file (CRLF, |-)', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: kube-proxy',
      'data:',
      '  config.conf: |-',
      '    apiVersion: kubeproxy.config.k8s.io/v1alpha1',
      '    kind: KubeProxyConfiguration',
      '    mode: "ipvs"',
      '',
      '    ipvs:',
      '      strictARP: true',
      '      tcpTimeout: 15m0s',
      '    conntrack:',
      '      maxPerCore: null',
      '      tcpBeLiberal: true',
      '    featureGates:',
      '      NFTablesProxyMode: true',
      '',
    ].join('\r\n');
    const m = parseK8s(text);
    assert.deepEqual(m.problems, []);
    const [kp] = kubeProxyConfigs(m);
    assert.ok(kp);
    assert.equal(kp.origin, 'configmap');
    assert.equal(kp.exact, true);
    assert.deepEqual(kp.ref, { doc: 0, path: ['data', 'config.conf'], inner: { doc: 0, path: [], format: 'yaml' } });
    assert.equal(present(kp.mode), 'ipvs');
    assert.equal(kp.mode.present && at(text, kp.mode.span), '"ipvs"');
    assert.equal(kp.ipvs.strictARP.present && at(text, kp.ipvs.strictARP.span), 'true');
    assert.equal(present(kp.ipvs.tcpTimeout), 900);
    assert.equal(kp.ipvs.tcpTimeout.present && kp.ipvs.tcpTimeout.raw, '15m0s');
    assert.equal(kp.conntrack.maxPerCore.present, false);
    assert.equal(at(text, kp.conntrack.maxPerCore.span), 'maxPerCore');
    assert.equal(present(kp.conntrack.tcpBeLiberal), true);
    assert.deepEqual(kp.featureGates.map((g) => [at(text, g.name.span), g.value.value]), [['NFTablesProxyMode', true]]);
  });

  it('handles |+ with an indentation indicator and |2 content', () => {
    const text = 'data:\n  config.conf: |2+\n      kind: KubeProxyConfiguration\n      mode: nftables\n\nother: 1\n';
    const m = parseK8s(text);
    const [kp] = kubeProxyConfigs(m);
    assert.ok(kp, 'found the embedded config');
    assert.equal(kp.mode.present && at(text, kp.mode.span), 'nftables');
  });

  it('falls back to the whole scalar when the embedded text is a quoted scalar with escapes', () => {
    const text = 'kind: ConfigMap\nmetadata: {name: kube-proxy}\ndata:\n  config.conf: "kind: KubeProxyConfiguration\\nmode: ipvs\\n"\n';
    const m = parseK8s(text);
    const [kp] = kubeProxyConfigs(m);
    assert.ok(kp);
    assert.equal(kp.exact, false);
    assert.equal(present(kp.mode), 'ipvs');
    assert.equal(at(text, kp.mode.span), '"kind: KubeProxyConfiguration\\nmode: ipvs\\n"');
  });

  it('reads flannel net-conf.json with positions inside the block scalar, and flags invalid JSON', () => {
    const text = [
      'kind: ConfigMap',
      'metadata: {name: kube-flannel-cfg}',
      'data:',
      '  net-conf.json: |',
      '    {',
      '      "Network": "10.244.0.0/16",',
      '      "Backend": {',
      '        "Type": "vxlan",',
      '        "VNI": 4096,',
      '        "DirectRouting": true,',
      '      }',
      '    }',
      '',
    ].join('\n');
    const m = parseK8s(text);
    const [fl] = flannelConfigs(m);
    assert.ok(fl);
    assert.equal(fl.network.present && at(text, fl.network.span), '"10.244.0.0/16"');
    assert.equal(present(fl.backend.type), 'vxlan');
    assert.equal(present(fl.backend.vni), 4096);
    assert.equal(fl.backend.directRouting.present && at(text, fl.backend.directRouting.span), 'true');
    const p = m.problems.find((x) => x.code === 'parse/k8s-embedded');
    assert.ok(p, 'trailing comma reported');
    assert.match(p.message, /not valid JSON/);
    assert.equal(at(text, p.span), '}');
  });

  it('reads kubeProxy.config of a kubeadm MasterConfiguration and bare KubeProxyConfiguration documents', () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1alpha2\nkind: MasterConfiguration\nkubeProxy:\n  config:\n    mode: ipvs\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\niptables:\n  masqueradeAll: true\n';
    const m = parseK8s(text);
    const kps = kubeProxyConfigs(m);
    assert.deepEqual(
      kps.map((k) => [k.origin, k.mode.present ? k.mode.value : undefined, k.iptables.masqueradeAll.present ? k.iptables.masqueradeAll.value : undefined]),
      [
        ['kubeadm', 'ipvs', undefined],
        ['document', undefined, true],
      ],
    );
    assert.deepEqual(kps[0]!.ref, { doc: 0, path: ['kubeProxy', 'config'] });
    assert.equal(at(text, kps[1]!.mode.span), 'kind: KubeProxyConfiguration');
  });

  it('reports YAML errors inside an embedded document on the host text', () => {
    const text = 'kind: ConfigMap\nmetadata: {name: kube-proxy}\ndata:\n  config.conf: |\n    kind: KubeProxyConfiguration\n    mode: ipvs\n    showHid\n';
    const m = parseK8s(text);
    const p = m.problems.find((x) => x.code === 'parse/k8s-embedded')!;
    assert.ok(p);
    assert.equal(at(text, p.span), 'showHid');
    assert.equal(kubeProxyConfigs(m)[0]?.mode.present, true);
  });
});

describe('k8s parser: workloads and k3s', () => {
  it('reads containers, images, flags in both spellings, volumes and roles', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: DaemonSet',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '      - name: install-cni',
      '        image: ghcr.io/flannel-io/flannel:v0.25.0',
      '        command: [cp]',
      '      containers:',
      '      - name: kube-flannel',
      '        image: ghcr.io/flannel-io/flannel:v0.25.0',
      '        command: ["/opt/bin/flanneld", "--ip-masq"]',
      '        args:',
      '        - --kube-subnet-mgr',
      '        - --iface',
      '        - eth0',
      '        - "--iface-regex=^en"',
      '        volumeMounts:',
      '        - {name: xtables-lock, mountPath: /run/xtables.lock}',
      '      - name: kube-proxy',
      '        image: registry.k8s.io/kube-proxy:v1.29.3@sha256:abc',
      '        command:',
      '        - /bin/sh',
      '        - -c',
      '        - kube-proxy --proxy-mode=ipvs --v 2',
      '        env:',
      '        - {name: NODE_NAME, value: n1}',
      '      volumes:',
      '      - name: xtables-lock',
      '        hostPath: {path: /run/xtables.lock, type: FileOrCreate}',
      '',
    ].join('\n');
    const m = parseK8s(text);
    assert.deepEqual(m.problems, []);
    const w = m.documents[0]!.workload!;
    assert.deepEqual(
      containers(m).map((c) => [c.name?.value, c.role, c.init]),
      [
        ['install-cni', 'flannel-cni-install', true],
        ['kube-flannel', 'flannel', false],
        ['kube-proxy', 'kube-proxy', false],
      ],
    );
    const fl = w.containers[0]!;
    assert.deepEqual(
      fl.flags.map((f) => [f.source, at(text, f.name.span), f.value ? at(text, f.value.span) : undefined]),
      [
        ['command', '--ip-masq', undefined],
        ['args', '--kube-subnet-mgr', undefined],
        ['args', '--iface', 'eth0'],
        ['args', '--iface-regex', '^en'],
      ],
    );
    assert.equal(fl.image?.registry, 'ghcr.io');
    assert.equal(fl.image?.repository, 'flannel-io/flannel');
    assert.deepEqual(fl.image?.version?.parts, [0, 25, 0]);
    assert.equal(at(text, fl.image!.tag!.span), 'v0.25.0');
    assert.equal(fl.volumeMounts[0]?.mountPath?.value, '/run/xtables.lock');
    const kp = w.containers[1]!;
    assert.equal(kp.image?.digest, 'sha256:abc');
    assert.equal(kp.image?.tag?.value, 'v1.29.3');
    assert.deepEqual(
      kp.flags.map((f) => [f.source, at(text, f.name.span), f.value ? at(text, f.value.span) : undefined]),
      [
        ['shell', '--proxy-mode', 'ipvs'],
        ['shell', '--v', '2'],
      ],
    );
    assert.equal(kp.env[0]?.value?.value, 'n1');
    assert.equal(w.volumes[0]?.hostPath?.type?.value, 'FileOrCreate');
  });

  it('reads a k3s config.yaml', () => {
    const text = 'flannel-backend: host-gw\ncluster-cidr: 10.42.0.0/16\ndisable-kube-proxy: false\nkube-proxy-arg:\n  - "proxy-mode=ipvs"\n  - ipvs-strict-arp\n';
    const m = parseK8s(text, '/etc/rancher/k3s/config.yaml');
    const k = m.documents[0]!.k3s!;
    assert.equal(present(k.flannelBackend), 'host-gw');
    assert.equal(present(k.disableKubeProxy), false);
    assert.deepEqual(
      k.kubeProxyArgs.map((f) => [at(text, f.name.span), f.value ? at(text, f.value.span) : undefined]),
      [
        ['proxy-mode', 'ipvs'],
        ['ipvs-strict-arp', undefined],
      ],
    );
  });

  it('reads kind: List items as documents', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  spec: {type: LoadBalancer, externalTrafficPolicy: Local}\n';
    const m = parseK8s(text);
    const docs = [...allDocuments(m)];
    assert.equal(docs.length, 2);
    const svc = docs[1]!.service!;
    assert.equal(svc.externalTrafficPolicy.present && at(text, svc.externalTrafficPolicy.span), 'Local');
    assert.deepEqual(docs[1]!.ref, { doc: 0, path: ['items', 0] });
  });
});

describe('k8s parser: templates and bad input', () => {
  it('reads a Jinja template with the markers blanked out and says so', () => {
    const text = 'kind: KubeProxyConfiguration\nmode: "{{ PROXY_MODE }}"\n{% if PROXY_MODE == "ipvs" %}\nipvs:\n  strictARP: true\n{% endif %}\n';
    const m = parseK8s(text);
    assert.equal(m.templated, true);
    const t = m.problems.find((p) => p.code === 'parse/k8s-template')!;
    assert.equal(at(text, t.span), '{{ PROXY_MODE }}');
    assert.equal(m.problems.filter((p) => p.code === 'parse/k8s-yaml').length, 0);
    const [kp] = kubeProxyConfigs(m);
    assert.ok(kp);
    assert.ok(kp.mode.present && kp.mode.templated);
    assert.equal(kp.ipvs.strictARP.present && kp.ipvs.strictARP.value, true);
  });

  it('reports YAML errors on their text and keeps the documents that parsed', () => {
    const text = 'kind: Service\nspec:\n  type: LoadBalancer\n    externalTrafficPolicy: Local\n---\nkind: Service\nspec: {type: NodePort}\n';
    const m = parseK8s(text);
    const errs = m.problems.filter((p) => p.code === 'parse/k8s-yaml');
    assert.ok(errs.length > 0);
    assert.ok(errs.every((e) => e.span.start >= text.indexOf('LoadBalancer') && e.span.end <= text.indexOf('---')));
    assert.equal(m.documents.length, 2);
    assert.equal(m.documents[1]!.service?.type.present && m.documents[1]!.service.type.value, 'NodePort');
    assert.equal(m.problems.filter((p) => p.code === 'parse/k8s-type').length, 0, 'no knock-on type problem');
  });

  it('copes with empty, whitespace, binary and pathological input', () => {
    for (const text of ['', '\n\n', '\r\n', '---\n---\n', '\0\x01\x02\xff\ufffd', '[[[[[[[[', '{'.repeat(5000), 'a: *x\n', '\t- a\n', 'key: |\n\tx\n', '\uFEFFkind: Service\n']) {
      const m = parseK8s(text);
      assertSpansInside(text, collectSpans(m));
    }
  });
});

// ---------------------------------------------------------------------------------------------

const KINDS = ['flannel', 'kube-proxy', 'services'];
const fixtureFiles = KINDS.flatMap((k) => readdirSync(join(FIXTURES, 'k8s', k)).map((f) => `k8s/${k}/${f}`)).sort();

describe('k8s parser: golden renderings of real manifests', () => {
  for (const rel of fixtureFiles) {
    it(rel, () => {
      const text = readFixture(rel);
      const m = parseK8s(text, rel);
      assertSpansInside(text, collectSpans(m));
      assertGolden(rel.replace(/\.[^./]+$/, '') + '.txt', renderK8s(text, m));
    });
  }

  it('finds the values the rules need in the real fixtures', () => {
    const get = (rel: string) => parseK8s(readFixture(rel), rel);
    const fl = flannelConfigs(get('k8s/flannel/flannel-v0.12.0-minikube-host-gw.yml'))[0]!;
    assert.equal(present(fl.backend.type), 'host-gw');
    const kp = kubeProxyConfigs(get('k8s/kube-proxy/capi-caren-docs-KCPTemplate-embedded-nftables-KubeProxyConfiguration.yaml'))[0]!;
    assert.equal(present(kp.mode), 'nftables');
    const svc = get('k8s/services/ack-nginx-ingress-lb-intranet-slb-etp-local.yaml').documents[0]!.service!;
    assert.equal(present(svc.externalTrafficPolicy), 'Local');
    const salt = get('k8s/kube-proxy/k8s-cluster-addons-kube-proxy-ds-salt-templated.yaml');
    assert.equal(salt.templated, true);
    assert.deepEqual(
      containers(salt).flatMap((c) => c.volumeMounts.map((v) => v.mountPath?.value)),
      ['/var/log', '/run/xtables.lock', '/lib/modules'],
    );
    for (const rel of [
      'k8s/services/ack-console-svc-etp-local-TAB-indented-flattened.yaml',
      'k8s/services/notes-svc-etp-local-BAD-INDENT.yaml',
      'k8s/services/gke-recipes-grpc-hc-ingress-v1beta1.yaml',
    ]) {
      assert.ok(get(rel).problems.some((p) => p.code === 'parse/k8s-yaml'), `${rel} reports its YAML error`);
    }
  });
});

describe('k8s parser: properties', () => {
  const texts = fixtureFiles.map((rel) => readFixture(rel));
  const tokens = ['\t', '\r\n', '\r', '\0', ': ', '- ', '|', '{{ x }}', '"', "'", '---\n', '{', '[', '#'];

  it('never throws and keeps every span inside the text under random mutations', () => {
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutation(tokens), { minLength: 1, maxLength: 4 }), (i, ms) => {
        const text = ms.reduce((t, m) => applyMutation(t, m, / {2}/g), texts[i]!);
        const m = parseK8s(text, fixtureFiles[i]!);
        assertSpansInside(text, collectSpans(m));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        assertSpansInside(text, collectSpans(parseK8s(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('reads the same values from a CRLF copy, at the same line/column', () => {
    for (const rel of fixtureFiles) {
      const lf = readFixture(rel);
      if (lf.includes('\r')) continue;
      const crlf = lf.replace(/\n/g, '\r\n');
      const pos = (text: string): string[] => {
        const idx = new LineIndex(text);
        return collectSpans(parseK8s(text, rel)).map((x) => JSON.stringify([idx.positionAt(x.start), idx.positionAt(x.end)]));
      };
      assert.deepEqual(pos(crlf), pos(lf), rel);
    }
  });
});
