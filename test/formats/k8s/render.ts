import type { Located, Span } from '../../../server/src/core/span';
import type { Field, Flag, K8sDocument, K8sModel, KeyValue, Value, YamlRef } from '../../../server/src/formats/k8s/model';
import { spanRenderer } from '../../helpers/golden';

/** A readable rendering of a K8sModel for golden files: every value with `line:col-line:col "text"`. */
export function renderK8s(text: string, model: K8sModel): string {
  const S = spanRenderer(text);
  const out: string[] = [];
  const w = (depth: number, s: string): void => {
    out.push(`${'  '.repeat(depth)}${s}`);
  };
  const v = <T>(x: Value<T> | Located<T> | undefined): string => {
    if (!x) return '-';
    const t = 'templated' in x && x.templated ? ' (templated)' : '';
    return `${JSON.stringify(x.value)} @ ${S(x.span)}${t}`;
  };
  const f = <T>(x: Field<T>): string => (x.present ? v(x) : `absent @ ${S(x.span)}`);
  const ref = (r: YamlRef): string => {
    const p = (path: readonly (string | number)[]): string => path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('') || '.';
    let s = `doc ${r.doc} ${p(r.path)}`;
    if (r.inner) s += ` -> (${r.inner.format}) ${ref(r.inner)}`;
    return s;
  };
  const fields = (depth: number, obj: Record<string, unknown>, names: readonly string[]): void => {
    for (const n of names) {
      const x = obj[n] as Field<unknown> | undefined;
      if (x && typeof x === 'object' && 'present' in x) {
        if (x.present || process.env.K8S_RENDER_ABSENT !== '0') w(depth, `${n}: ${f(x)}`);
      }
    }
  };
  const kvs = (depth: number, label: string, list: readonly KeyValue[]): void => {
    if (list.length === 0) return;
    w(depth, `${label}:`);
    for (const a of list) w(depth + 1, `${v(a.key)} = ${v(a.value)}`);
  };
  const flag = (x: Flag): string => `${x.source} ${v(x.name)}${x.value ? ` = ${v(x.value)}` : ''}`;

  const doc = (d: K8sDocument, depth: number, label: string): void => {
    w(depth, `${label} ${d.index} [${ref(d.ref)}] ${S(d.span).split(' ')[0]}`);
    const i = depth + 1;
    if (d.apiVersion) w(i, `apiVersion: ${v(d.apiVersion)}`);
    if (d.kind) w(i, `kind: ${v(d.kind)}`);
    if (d.metadata) {
      const m = d.metadata;
      w(i, `metadata @ ${S(m.span)}`);
      if (m.name) w(i + 1, `name: ${v(m.name)}`);
      if (m.namespace) w(i + 1, `namespace: ${v(m.namespace)}`);
      if (m.annotationsSpan) w(i + 1, `annotations key @ ${S(m.annotationsSpan)}`);
      kvs(i + 1, 'annotations', m.annotations);
      kvs(i + 1, 'labels', m.labels);
    }
    if (d.service) {
      const s = d.service;
      w(i, `Service (spec @ ${S(s.spec)})`);
      fields(i + 1, s as unknown as Record<string, unknown>, [
        'type',
        'externalTrafficPolicy',
        'internalTrafficPolicy',
        'sessionAffinity',
        'sessionAffinityTimeout',
        'healthCheckNodePort',
        'loadBalancerIP',
        'clusterIP',
      ]);
      for (const p of s.ports) {
        w(i + 1, `port @ ${S(p.span).split(' ')[0]}: name ${v(p.name)}; protocol ${v(p.protocol)}; port ${v(p.port)}; nodePort ${v(p.nodePort)}; targetPort ${v(p.targetPort)}`);
      }
      if (s.neg) {
        w(i + 1, `neg annotation ${v(s.neg.annotation.key)}: ingress ${v(s.neg.ingress)}`);
        for (const e of s.neg.exposedPorts) w(i + 2, `exposed port ${v(e)}`);
      }
      if (s.backendConfig) {
        const b = s.backendConfig;
        w(i + 1, `backend-config annotation ${v(b.annotation.key)} beta=${b.beta}: default ${v(b.default)}`);
        for (const p of b.ports) w(i + 2, `port ${v(p.port)} -> ${v(p.name)}`);
      }
    }
    if (d.ingress) {
      const g = d.ingress;
      w(i, `Ingress (spec @ ${S(g.spec)})`);
      w(i + 1, `class: ${g.ingressClass ? `${v(g.ingressClass)} from ${g.ingressClass.source}` : '-'}`);
      fields(i + 1, g as unknown as Record<string, unknown>, ['classAnnotation', 'ingressClassName']);
      for (const b of g.backends) {
        w(i + 1, `backend ${b.source} ${b.shape} @ ${S(b.span).split(' ')[0]}`);
        if (b.host) w(i + 2, `host ${v(b.host)}`);
        if (b.path) w(i + 2, `path ${v(b.path)}`);
        w(i + 2, `service ${v(b.serviceName)} port ${v(b.servicePort)}`);
      }
    }
    if (d.backendConfig) {
      w(i, `BackendConfig (spec @ ${S(d.backendConfig.spec)})`);
      fields(i + 1, d.backendConfig as unknown as Record<string, unknown>, ['timeoutSec', 'drainingTimeoutSec']);
    }
    if (d.workload) {
      const wl = d.workload;
      w(i, `Workload (pod spec @ ${S(wl.podSpec)}) [${ref(wl.podSpecRef)}]`);
      fields(i + 1, wl as unknown as Record<string, unknown>, ['hostNetwork']);
      for (const c of [...wl.initContainers, ...wl.containers]) {
        w(i + 1, `${c.init ? 'initContainer' : 'container'} ${v(c.name)} role=${c.role} [${ref(c.ref)}]`);
        if (c.image) {
          const im = c.image;
          w(i + 2, `image ${v(im)}`);
          w(i + 3, `registry=${im.registry ?? '-'} repository=${im.repository} digest=${im.digest ?? '-'}`);
          if (im.tag) w(i + 3, `tag ${v(im.tag)} version=${im.version ? im.version.parts.join('.') + (im.version.suffix ? ` suffix ${im.version.suffix}` : '') : '-'}`);
        }
        for (const x of c.command) w(i + 2, `command ${v(x)}`);
        for (const x of c.args) w(i + 2, `arg ${v(x)}`);
        for (const x of c.flags) w(i + 2, `flag ${flag(x)}`);
        for (const m of c.volumeMounts) w(i + 2, `volumeMount ${v(m.name)} at ${v(m.mountPath)}${m.readOnly ? ` readOnly ${v(m.readOnly)}` : ''}`);
        for (const e of c.env) w(i + 2, `env ${v(e.name)} = ${v(e.value)}`);
      }
      for (const vol of wl.volumes) {
        const hp = vol.hostPath ? ` hostPath ${v(vol.hostPath.path)} type ${v(vol.hostPath.type)}` : '';
        const cm = vol.configMap ? ` configMap ${v(vol.configMap.name)}` : '';
        w(i + 1, `volume ${v(vol.name)}${hp}${cm}`);
      }
    }
    for (const k of d.kubeProxyConfigs) {
      w(i, `KubeProxyConfiguration origin=${k.origin} exact=${k.exact} [${ref(k.ref)}] @ ${S(k.span).split(' ')[0]}`);
      fields(i + 1, k as unknown as Record<string, unknown>, ['apiVersion', 'mode', 'clusterCIDR', 'detectLocalMode', 'udpIdleTimeout']);
      if (k.nodePortAddresses) w(i + 1, `nodePortAddresses: ${k.nodePortAddresses.map((x) => v(x)).join(', ') || '[]'}`);
      for (const sec of ['ipvs', 'conntrack', 'iptables', 'nftables'] as const) {
        const o = k[sec] as unknown as Record<string, unknown> & { span: Span };
        const names = Object.keys(o).filter((n) => n !== 'span');
        const present = names.filter((n) => (o[n] as Field<unknown>).present);
        w(i + 1, `${sec} @ ${S(o.span)}${present.length ? '' : ' (nothing set)'}`);
        fields(i + 2, o, present);
      }
      for (const g of k.featureGates) w(i + 1, `featureGate ${v(g.name)} = ${v(g.value)}`);
      w(i + 1, `keys: ${k.keys.map((x) => x.value).join(' ')}`);
    }
    for (const fl of d.flannelConfigs) {
      w(i, `flannel net-conf.json exact=${fl.exact} [${ref(fl.ref)}] @ ${S(fl.span).split(' ')[0]}`);
      fields(i + 1, fl as unknown as Record<string, unknown>, ['network', 'ipv6Network', 'enableIPv4', 'enableIPv6', 'enableNFTables', 'subnetLen']);
      w(i + 1, `Backend @ ${S(fl.backend.span)}`);
      fields(i + 2, fl.backend as unknown as Record<string, unknown>, ['type', 'vni', 'port', 'directRouting', 'mtu', 'gbp', 'learning']);
      w(i + 1, `keys: ${fl.keys.map((x) => x.value).join(' ')}`);
    }
    if (d.k3s) {
      const k = d.k3s;
      w(i, `k3s config @ ${S(k.span).split(' ')[0]}`);
      fields(i + 1, k as unknown as Record<string, unknown>, ['flannelBackend', 'clusterCidr', 'serviceCidr', 'flannelIface', 'disableKubeProxy']);
      for (const x of k.kubeProxyArgs) w(i + 1, `kube-proxy-arg ${flag(x)}`);
      w(i + 1, `keys: ${k.entries.map((e) => e.key.value).join(' ')}`);
    }
    for (const it of d.items) doc(it, i, 'item');
    for (const e of d.embedded) {
      w(i, `embedded stream exact=${e.exact} [${ref(e.ref)}] @ ${S(e.span).split(' ')[0]}`);
      for (const ed of e.documents) doc(ed, i + 1, 'document');
    }
  };
  out.push(`templated: ${model.templated}`);
  out.push(`problems: ${model.problems.length}`);
  for (const p of model.problems) out.push(`  ${p.code}${p.severity ? ` (${p.severity})` : ''} @ ${S(p.span)}: ${p.message}`);
  for (const d of model.documents) doc(d, 0, 'document');
  return out.join('\n') + '\n';
}
