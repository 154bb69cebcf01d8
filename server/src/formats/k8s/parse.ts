import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import { containerRole, parseFlags, parseImage, parseK3sArgs, type Item } from './flags';
import { blankPasteEdges } from './pasteEdges';
import type {
  BackendConfigAnnotation,
  BackendConfigView,
  ContainerView,
  EmbeddedStream,
  EnvVar,
  FlannelConfigView,
  IngressBackend,
  IngressView,
  K3sConfigView,
  K8sDocument,
  K8sModel,
  KeyValue,
  KubeProxyConfigView,
  Metadata,
  NegAnnotation,
  PathSegment,
  ServicePort,
  ServiceView,
  Value,
  VolumeMount,
  VolumeView,
  WorkloadView,
} from './model';
import {
  embeddedSource,
  field,
  hostSource,
  keySpan,
  localRange,
  makeValue,
  nodeOf,
  originalContent,
  pairOf,
  readScalar,
  spanOf,
  sub,
  value,
  type Obj,
  type Source,
} from './source';
import { JSON_OPTIONS, YAML_OPTIONS, lineStartOf, asMap, asScalar, asSeq, findPair, keyText, parseHost, resolveNode, safeParseAll, scalarContent, type YamlDoc } from './yamlHost';

/** How deep documents embedded in block scalars are followed (ConfigMap → manifest → config). */
const MAX_EMBED_DEPTH = 3;

/**
 * Reads a Kubernetes manifest file (one or more YAML documents, YAML 1.1 like the Go decoders)
 * into typed views with exact spans. Total: YAML errors, templates and junk become problems; every
 * document that parsed, even partly, is still read.
 */
/** `etcdctl get /coreos.com/network/config` (v3) prints the key on the line above flannel's JSON value. */
const ETCD_KEY_LINE = /^\/[\w.-]+(?:\/[\w.-]+)*\/network\/config[ \t]*(?=\r?\n|\r)/;

export function parseK8s(original: string, fileName = ''): K8sModel {
  // The key line is blanked (same length: every span stays exact) so the value reads as JSON.
  const key = ETCD_KEY_LINE.exec(original);
  const unkeyed = key ? ' '.repeat(key[0].length) + original.slice(key[0].length) : original;
  // `$ kubectl get svc -o json` above the output, a fence around it: blanked the same way.
  const edges = blankPasteEdges(unkeyed);
  const text = edges?.text ?? unkeyed;
  const problems: ParseProblem[] = edges ? [...edges.notes] : [];
  const host = parseHost(text);
  if (host.failure !== undefined) {
    problems.push({ code: 'parse/k8s-yaml', message: `the YAML reader gave up on this file: ${host.failure}`, span: { start: 0, end: Math.min(text.length, lineLen(text, 0)) } });
  }
  if (host.parsedLength < text.length) {
    problems.push({
      code: 'parse/k8s-limit',
      message: host.jsonItems
        ? `only the first ${host.parsedLength} characters (up to the end of a List item) were read; the file is too large to lint whole`
        : `only the first ${host.parsedLength} characters (up to a document boundary) were read; the file is too large to lint as YAML`,
      span: { start: host.parsedLength, end: Math.min(text.length, host.parsedLength + lineLen(text, host.parsedLength)) },
      severity: 'warning',
    });
  }
  const neutralised = host.templates.length > 0 && host.docs.length > 0 && host.neutralised;
  if (neutralised) {
    const lines = new Set(host.templates.map((r) => lineStartOf(text, r.start)));
    const first = host.templates[0]!;
    problems.push({
      code: 'parse/k8s-template',
      message: `this file is a template (${lines.size} line${lines.size === 1 ? '' : 's'} with {{ }} / {% %} markers) and is not YAML until rendered; it was read with the markers blanked out, so values that contain them are not checked`,
      span: { start: first.start, end: first.end },
      severity: 'info',
    });
  }
  const documents: K8sDocument[] = [];
  host.docs.forEach((doc, index) => {
    const src = hostSource(text, doc, index, host.templates, problems);
    reportDocErrors(src, doc, 'parse/k8s-yaml', '');
    const r = doc.range;
    const span = { start: r[0], end: r[2] };
    const root = resolveNode(doc, doc.contents);
    const analysed = analyse(src, root, index, [], span, { fileName });
    // A list read as containers (a paste from `containers:` down) is an object we read.
    if (root && !isMap(root) && !analysed.workload && analysed.items.length === 0 && !(isScalar(root) && root.value === null) && doc.errors.length === 0) {
      problems.push({
        code: 'parse/k8s-not-object',
        message: `this document is a ${isSeq(root) ? 'list' : 'single value'}, not a Kubernetes object (a mapping with apiVersion and kind); it is ignored`,
        span: spanOf(src, root, span),
        severity: 'info',
      });
    }
    documents.push(analysed);
  });
  // A value of the wrong type right where the YAML is broken is a consequence, not news.
  const broken = problems.filter((p) => p.code === 'parse/k8s-yaml' || p.code === 'parse/k8s-embedded').map((p) => p.span);
  const kept = problems.filter((p) => p.code !== 'parse/k8s-type' || !broken.some((b) => b.start < p.span.end && p.span.start < b.end));
  return { documents, problems: kept, templated: neutralised };
}

function lineLen(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i - from;
}

const FRIENDLY: Record<string, string> = {
  TAB_AS_INDENT: 'a tab character is used for indentation; YAML allows only spaces there (kubectl: "found character that cannot start any token")',
  DUPLICATE_KEY: 'this key appears twice in the same mapping; kubectl rejects the document',
  BAD_INDENT: 'the indentation here does not match the structure around it',
};

function reportDocErrors(src: Source, doc: YamlDoc, code: 'parse/k8s-yaml' | 'parse/k8s-embedded', where: string): void {
  for (const [list, severity] of [
    [doc.errors, undefined],
    [doc.warnings, 'warning'],
  ] as const) {
    for (const e of list) {
      let start = Math.max(0, Math.min(e.pos[0], src.text.length));
      let end = Math.max(start, Math.min(e.pos[1], src.text.length));
      if (end === start && start < src.text.length && !/[\r\n]/.test(src.text[start]!)) end = start + 1;
      if (end === start && start > 0 && start === src.text.length) start = Math.max(0, start - 1);
      const base = FRIENDLY[e.code] ?? e.message;
      src.problems.push({
        code,
        message: where ? `${where}: ${base}` : `YAML: ${base}`,
        span: src.hostSpan({ start, end }),
        ...(severity ? { severity } : {}),
      });
    }
  }
}

interface Ctx {
  readonly fileName: string;
  /** Set for documents embedded in a ConfigMap / other scalar. */
  readonly embeddedIn?: 'configmap' | 'other';
  /** The embedding says it is a kube-proxy config even without a `kind`. */
  readonly kubeProxyHint?: boolean;
}

const WORKLOAD_PODSPEC: Record<string, readonly string[]> = {
  DaemonSet: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

const K3S_KEYS = new Set([
  'flannel-backend',
  'flannel-iface',
  'flannel-ipv6-masq',
  'flannel-external-ip',
  'cluster-cidr',
  'service-cidr',
  'cluster-dns',
  'kube-proxy-arg',
  'disable-kube-proxy',
  'disable-network-policy',
  'write-kubeconfig-mode',
  'node-ip',
  'tls-san',
  'cluster-init',
]);

const KUBE_PROXY_KEYS = new Set(['mode', 'ipvs', 'iptables', 'nftables', 'conntrack', 'clusterCIDR', 'metricsBindAddress', 'healthzBindAddress', 'detectLocalMode', 'nodePortAddresses', 'bindAddress']);

function analyse(src: Source, root: Node | undefined, index: number, base: readonly PathSegment[], span: Span, ctx: Ctx): K8sDocument {
  const map = asMap(root);
  const rootObj0: Obj = { src, ...(map ? { map } : {}), anchor: { start: span.start, end: span.start }, path: base, name: '' };
  const kindPair = map ? pairOf(rootObj0, 'kind') : undefined;
  const anchor = kindPair ? { start: keySpan(src, kindPair, span).start, end: spanOf(src, kindPair.value as Node, keySpan(src, kindPair, span)).end } : firstKeySpan(src, map) ?? rootObj0.anchor;
  const root2: Obj = { ...rootObj0, anchor };
  const apiVersion = value(root2, 'apiVersion', 'string');
  const kind = value(root2, 'kind', 'string');
  const k = kind?.value;
  const docRef = src.refAt(base);
  const metadata = map && pairOf(root2, 'metadata') ? readMetadata(sub(root2, 'metadata')) : undefined;
  const kubeProxyConfigs: KubeProxyConfigView[] = [];
  const flannelConfigs: FlannelConfigView[] = [];
  const items: K8sDocument[] = [];
  const embedded: EmbeddedStream[] = [];
  let service: ServiceView | undefined;
  let ingress: IngressView | undefined;
  let backendConfig: BackendConfigView | undefined;
  let workload: WorkloadView | undefined;
  let k3s: K3sConfigView | undefined;
  const handledScalars = new Set<Node>();

  if (k === 'Service') service = readService(root2, metadata);
  else if (k === 'Ingress') ingress = readIngress(root2, metadata);
  else if (k === 'BackendConfig') backendConfig = readBackendConfig(root2);
  else if (k && WORKLOAD_PODSPEC[k]) workload = readWorkload(root2, WORKLOAD_PODSPEC[k]);
  else if (k === 'KubeProxyConfiguration' || (ctx.kubeProxyHint && !k && map)) {
    kubeProxyConfigs.push(readKubeProxy(root2, ctx.embeddedIn === 'configmap' ? 'configmap' : ctx.embeddedIn ? 'embedded' : 'document'));
  } else if (k === 'List' || (!k && !apiVersion?.value.includes('/') && map && isObjectList(src, nodeOf(root2, 'items')))) {
    // Also a List cut short (`jsonCut`): kubectl prints "kind": "List" after its items.
    const seq = asSeq(nodeOf(root2, 'items'));
    seq?.items.forEach((it, i) => {
      const node = resolveNode(src.doc, it);
      items.push(analyse(src, node, i, [...base, 'items', i], spanOf(src, node, span), ctx));
    });
  } else if (!k && isObjectList(src, root)) {
    // A bare list of objects (`kubectl get svc -o json | jq .items`): its items, as a List's.
    asSeq(root)?.items.forEach((it, i) => {
      const node = resolveNode(src.doc, it);
      items.push(analyse(src, node, i, [...base, i], spanOf(src, node, span), ctx));
    });
  } else if (!k && map) {
    const keys = map.items.map((p) => keyText(p) ?? '');
    if (keys.some((x) => K3S_KEYS.has(x)) || (/k3s|rancher/i.test(ctx.fileName) && !apiVersion)) k3s = readK3s(root2);
    else if (!apiVersion && keys.includes('mode') && keys.filter((x) => KUBE_PROXY_KEYS.has(x)).length >= 2) kubeProxyConfigs.push(readKubeProxy(root2, 'fragment'));
    else if (!apiVersion && isFlannelNetConf(keys)) flannelConfigs.push(readFlannelRoot(root2, span));
    else if (!apiVersion) workload = readContainerFragment(root2, keys);
  } else if (!k && isSeq(root)) workload = readContainerList(src, root, base, span);
  if (apiVersion?.value.startsWith('kubeadm.k8s.io/')) {
    const kp = sub(sub(root2, 'kubeProxy'), 'config');
    if (kp.map) kubeProxyConfigs.push(readKubeProxy(kp, 'kubeadm'));
  }
  // A ConfigMap, or what is left of one in a paste that lost its head (`data:` at the top).
  if (k === 'ConfigMap' || (!k && map && pairOf(root2, 'data'))) {
    const data = sub(root2, 'data');
    const isKubeProxyCm = /kube-proxy/.test(metadata?.name?.value ?? '');
    for (const p of data.map?.items ?? []) {
      const key = keyText(p) ?? '';
      const node = asScalar(resolveNode(src.doc, p.value));
      if (!node || typeof node.value !== 'string') continue;
      if (key === 'net-conf.json') {
        handledScalars.add(node);
        const fl = readFlannel(src, node, [...data.path, key], keySpan(src, p, data.anchor));
        if (fl) flannelConfigs.push(fl);
      } else if (key === 'config.conf' && (isKubeProxyCm || /^kind:\s*KubeProxyConfiguration\b/m.test(node.value))) {
        handledScalars.add(node);
        const e = readEmbedded(src, node, [...data.path, key], { fileName: ctx.fileName, embeddedIn: 'configmap', kubeProxyHint: true });
        if (e) embedded.push(e);
      }
    }
  }
  // Any other multi-line scalar that holds manifests or configs (Cluster API files[].content, ...).
  if (map && src.depth < MAX_EMBED_DEPTH) {
    walkScalars(map, base, (node, path) => {
      if (handledScalars.has(node) || typeof node.value !== 'string') return;
      // Block scalars in YAML; in JSON (`kubectl get ... -o json`) the same text is a double-quoted string with `\n` escapes.
      if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED' && !(node.type === 'QUOTE_DOUBLE' && node.value.includes('\n'))) return;
      if (!EMBED_GATE.test(node.value)) return;
      const e = readEmbedded(src, node, path, { fileName: ctx.fileName, embeddedIn: k === 'ConfigMap' || path[base.length] === 'data' ? 'configmap' : 'other' });
      if (e) embedded.push(e);
    });
  }
  return {
    index,
    ref: docRef,
    span,
    ...(apiVersion ? { apiVersion } : {}),
    ...(kind ? { kind } : {}),
    ...(metadata ? { metadata } : {}),
    ...(service ? { service } : {}),
    ...(ingress ? { ingress } : {}),
    ...(backendConfig ? { backendConfig } : {}),
    ...(workload ? { workload } : {}),
    ...(k3s ? { k3s } : {}),
    kubeProxyConfigs,
    flannelConfigs,
    items,
    embedded,
  };
}

/** A sequence whose items are all mappings with an apiVersion and a kind (API objects). */
function isObjectList(src: Source, root: Node | undefined): boolean {
  const seq = asSeq(root);
  if (!seq || seq.items.length === 0) return false;
  return seq.items.every((it) => {
    const m = asMap(resolveNode(src.doc, it));
    return m !== undefined && findPair(m, 'apiVersion') !== undefined && findPair(m, 'kind') !== undefined;
  });
}

const EMBED_GATE = /^[ \t]*(?:apiVersion|kind|flannel-backend|kube-proxy-arg|cluster-cidr)[ \t]*:/m;

function firstKeySpan(src: Source, map: YAMLMap | undefined): Span | undefined {
  const p = map?.items[0];
  const r = p ? localRange(p.key as Node | null) : undefined;
  return r ? src.hostSpan(r) : undefined;
}

/** Visits every scalar under `node` with its path (iterative; bounded by the document's size). */
function walkScalars(node: Node, base: readonly PathSegment[], visit: (s: Scalar, path: PathSegment[]) => void): void {
  const stack: { node: Node; path: PathSegment[] }[] = [{ node, path: [...base] }];
  const seen = new Set<Node>();
  while (stack.length > 0) {
    const { node: n, path } = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (isScalar(n)) visit(n, path);
    else if (isMap(n)) {
      for (const p of n.items) {
        const v = p.value as Node | null;
        const key = keyText(p);
        if (v && key !== undefined && !isAliasLike(v)) stack.push({ node: v, path: [...path, key] });
      }
    } else if (isSeq(n)) {
      n.items.forEach((it, i) => {
        if (it && typeof it === 'object' && !isAliasLike(it as Node)) stack.push({ node: it as Node, path: [...path, i] });
      });
    }
  }
}

function isAliasLike(n: Node): boolean {
  return !isScalar(n) && !isMap(n) && !isSeq(n);
}

function readEmbedded(src: Source, node: Scalar, path: readonly PathSegment[], ctx: Ctx): EmbeddedStream | undefined {
  if (src.depth >= MAX_EMBED_DEPTH) return undefined;
  const content = scalarContent(src.text, node, src.escapes);
  const text = originalContent(src.text, content);
  const parsed = safeParseAll(text, YAML_OPTIONS);
  const scalarRef = src.refAt(path);
  const hostSpan = src.hostSpan(content.span);
  const what = `embedded document in '${String(path[path.length - 1] ?? '')}'`;
  if (parsed.failure !== undefined) {
    src.problems.push({ code: 'parse/k8s-embedded', message: `${what}: the YAML reader gave up: ${parsed.failure}`, span: hostSpan });
    return undefined;
  }
  const documents: K8sDocument[] = [];
  parsed.docs.forEach((doc, i) => {
    const esrc = embeddedSource(src, content, text, doc, i, scalarRef, 'yaml');
    reportDocErrors(esrc, doc, 'parse/k8s-embedded', what);
    const r = doc.range;
    documents.push(analyse(esrc, resolveNode(doc, doc.contents), i, [], esrc.hostSpan({ start: r[0], end: r[2] }), ctx));
  });
  return { ref: scalarRef, span: hostSpan, exact: src.exact && content.exact, documents };
}

// ---------------------------------------------------------------------------------------------

function stringItems(o: Obj, key: string): Item[] {
  const node = nodeOf(o, key);
  const out: Item[] = [];
  const seq = asSeq(node);
  const list = seq ? seq.items : node && isScalar(node) && node.value !== null ? [node] : [];
  if (node && !seq && !isScalar(node)) {
    readScalar(o.src, node, 'string', `${o.name ? `${o.name}.` : ''}${key}`);
    return out;
  }
  list.forEach((it, i) => {
    const n = resolveNode(o.src.doc, it);
    const v = readScalar(o.src, n, 'string', `${o.name ? `${o.name}.` : ''}${key}[${i}]`);
    if (v && n && isScalar(n)) out.push({ value: v, node: n });
  });
  return out;
}

function mapEntries(o: Obj): KeyValue[] {
  const out: KeyValue[] = [];
  for (const p of o.map?.items ?? []) {
    const k = asScalar(p.key as Node | undefined);
    if (!k) continue;
    const key = makeValue(o.src, k, keyText(p) ?? '');
    const v = readScalar(o.src, resolveNode(o.src.doc, p.value), 'string', `${o.name}.${key.value}`) ?? { ...key, value: '', raw: '', span: { start: key.span.end, end: key.span.end } };
    out.push({ key, value: v });
  }
  return out;
}

function readMetadata(o: Obj): Metadata {
  const name = value(o, 'name', 'string');
  const namespace = value(o, 'namespace', 'string');
  const ann = sub(o, 'annotations');
  const annPair = pairOf(o, 'annotations');
  return {
    span: o.anchor,
    ...(name ? { name } : {}),
    ...(namespace ? { namespace } : {}),
    ...(annPair ? { annotationsSpan: keySpan(o.src, annPair, o.anchor) } : {}),
    annotations: mapEntries(ann),
    labels: mapEntries(sub(o, 'labels')),
  };
}

function readService(root: Obj, metadata: Metadata | undefined): ServiceView {
  const spec = sub(root, 'spec');
  const ports: ServicePort[] = [];
  const seq = asSeq(nodeOf(spec, 'ports'));
  seq?.items.forEach((it, i) => {
    const n = resolveNode(root.src.doc, it);
    const m = asMap(n);
    const po: Obj = { src: root.src, ...(m ? { map: m } : {}), anchor: spanOf(root.src, n, spec.anchor), path: [...spec.path, 'ports', i], name: `spec.ports[${i}]` };
    const name = value(po, 'name', 'string');
    const protocol = value(po, 'protocol', 'string');
    const port = value(po, 'port', 'int');
    const nodePort = value(po, 'nodePort', 'int');
    const targetPort = value(po, 'targetPort', 'intOrString');
    const appProtocol = value(po, 'appProtocol', 'string');
    ports.push({
      span: po.anchor,
      ...(name ? { name } : {}),
      ...(protocol ? { protocol } : {}),
      ...(port ? { port } : {}),
      ...(nodePort ? { nodePort } : {}),
      ...(targetPort ? { targetPort } : {}),
      ...(appProtocol ? { appProtocol } : {}),
    });
  });
  const ann = sub(sub(root, 'metadata'), 'annotations');
  const neg = readNeg(ann, metadata);
  const bc = readBackendConfigAnnotation(ann, metadata);
  return {
    spec: spec.anchor,
    type: field(spec, 'type', 'string'),
    externalTrafficPolicy: field(spec, 'externalTrafficPolicy', 'string'),
    internalTrafficPolicy: field(spec, 'internalTrafficPolicy', 'string'),
    sessionAffinity: field(spec, 'sessionAffinity', 'string'),
    sessionAffinityTimeout: field(sub(sub(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds', 'int'),
    healthCheckNodePort: field(spec, 'healthCheckNodePort', 'int'),
    loadBalancerIP: field(spec, 'loadBalancerIP', 'string'),
    clusterIP: field(spec, 'clusterIP', 'string'),
    ports,
    ...(neg ? { neg } : {}),
    ...(bc ? { backendConfig: bc } : {}),
  };
}

/** Parses a JSON annotation value in place (positions map into the quoted scalar when 1:1). */
function jsonAnnotation(ann: Obj, key: string): { obj: Obj; kv: KeyValue } | undefined {
  const p = pairOf(ann, key);
  const node = asScalar(p ? resolveNode(ann.src.doc, p.value) : undefined);
  if (!p || !node || typeof node.value !== 'string') return undefined;
  const src = ann.src;
  const content = scalarContent(src.text, node, src.escapes);
  const text = originalContent(src.text, content);
  const parsed = safeParseAll(text, JSON_OPTIONS);
  const doc = parsed.docs[0];
  const keyNode = asScalar(p.key as Node);
  if (!doc || !keyNode) return undefined;
  const esrc = embeddedSource(src, content, text, doc, 0, src.refAt([...ann.path, key]), 'json');
  const what = `annotation ${key}`;
  if (!checkJson(esrc, text, what)) reportDocErrors(esrc, doc, 'parse/k8s-embedded', what);
  const m = asMap(resolveNode(doc, doc.contents));
  const kv: KeyValue = { key: makeValue(src, keyNode, key), value: makeValue(src, node, node.value) };
  return { obj: { src: esrc, ...(m ? { map: m } : {}), anchor: kv.key.span, path: [], name: what }, kv };
}

/** Reports invalid JSON (trailing commas, comments, single quotes) that YAML would accept. */
function checkJson(src: Source, text: string, what: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Math.min(Number(m[1]), text.length) : undefined;
    const local = pos !== undefined ? { start: pos, end: Math.min(text.length, pos + 1) } : { start: 0, end: text.length };
    src.problems.push({ code: 'parse/k8s-embedded', message: `${what} is not valid JSON: ${msg}`, span: src.hostSpan(local) });
    return false;
  }
}

function readNeg(ann: Obj, metadata: Metadata | undefined): NegAnnotation | undefined {
  if (!metadata) return undefined;
  const j = jsonAnnotation(ann, 'cloud.google.com/neg');
  if (!j) return undefined;
  const ingress = value(j.obj, 'ingress', 'bool');
  const ports = sub(j.obj, 'exposed_ports');
  const exposedPorts: Value<string>[] = [];
  for (const p of ports.map?.items ?? []) {
    const k = asScalar(p.key as Node | undefined);
    if (k) exposedPorts.push(makeValue(ports.src, k, keyText(p) ?? ''));
  }
  return { annotation: j.kv, ...(ingress ? { ingress } : {}), exposedPorts };
}

function readBackendConfigAnnotation(ann: Obj, metadata: Metadata | undefined): BackendConfigAnnotation | undefined {
  if (!metadata) return undefined;
  let beta = false;
  let j = jsonAnnotation(ann, 'cloud.google.com/backend-config');
  if (!j) {
    j = jsonAnnotation(ann, 'beta.cloud.google.com/backend-config');
    beta = true;
  }
  if (!j) return undefined;
  const def = value(j.obj, 'default', 'string');
  const portsObj = sub(j.obj, 'ports');
  const ports: { port: Value<string>; name: Value<string> }[] = [];
  for (const p of portsObj.map?.items ?? []) {
    const k = asScalar(p.key as Node | undefined);
    const v = readScalar(portsObj.src, resolveNode(portsObj.src.doc, p.value), 'string', `${portsObj.name}.${keyText(p) ?? ''}`);
    if (k && v) ports.push({ port: makeValue(portsObj.src, k, keyText(p) ?? ''), name: v });
  }
  return { annotation: j.kv, beta, ...(def ? { default: def } : {}), ports };
}

function readIngress(root: Obj, metadata: Metadata | undefined): IngressView {
  const spec = sub(root, 'spec');
  const ann = sub(sub(root, 'metadata'), 'annotations');
  const classAnnotation = field(ann, 'kubernetes.io/ingress.class', 'string');
  const ingressClassName = field(spec, 'ingressClassName', 'string');
  void metadata;
  const backends: IngressBackend[] = [];
  for (const key of ['defaultBackend', 'backend']) {
    if (pairOf(spec, key)) {
      const b = readBackend(sub(spec, key), 'defaultBackend');
      if (b) backends.push(b);
    }
  }
  asSeq(nodeOf(spec, 'rules'))?.items.forEach((it, i) => {
    const n = resolveNode(root.src.doc, it);
    const m = asMap(n);
    const rule: Obj = { src: root.src, ...(m ? { map: m } : {}), anchor: spanOf(root.src, n, spec.anchor), path: [...spec.path, 'rules', i], name: `spec.rules[${i}]` };
    const host = value(rule, 'host', 'string');
    const http = sub(rule, 'http');
    asSeq(nodeOf(http, 'paths'))?.items.forEach((pit, j) => {
      const pn = resolveNode(root.src.doc, pit);
      const pm = asMap(pn);
      const po: Obj = { src: root.src, ...(pm ? { map: pm } : {}), anchor: spanOf(root.src, pn, http.anchor), path: [...http.path, 'paths', j], name: `${http.name}.paths[${j}]` };
      const path = value(po, 'path', 'string');
      const b = readBackend(sub(po, 'backend'), 'rule');
      if (b) backends.push({ ...b, ...(host ? { host } : {}), ...(path ? { path } : {}) });
    });
  });
  const ingressClass = classAnnotation.present
    ? { ...toValue(classAnnotation), source: 'annotation' as const }
    : ingressClassName.present
      ? { ...toValue(ingressClassName), source: 'ingressClassName' as const }
      : undefined;
  return { spec: spec.anchor, ...(ingressClass ? { ingressClass } : {}), classAnnotation, ingressClassName, backends };
}

function toValue<T>(f: Value<T>): Value<T> {
  return { value: f.value, span: f.span, raw: f.raw, ...(f.templated ? { templated: true as const } : {}) };
}

function readBackend(b: Obj, source: IngressBackend['source']): IngressBackend | undefined {
  if (!b.map) return undefined;
  const span = spanOf(b.src, b.map, b.anchor);
  if (pairOf(b, 'service')) {
    const svc = sub(b, 'service');
    const name = value(svc, 'name', 'string');
    const port = sub(svc, 'port');
    const portV = value(port, 'number', 'int') ?? value(port, 'name', 'string');
    return { source, shape: 'v1', span, ...(name ? { serviceName: name } : {}), ...(portV ? { servicePort: portV } : {}) };
  }
  const name = value(b, 'serviceName', 'string');
  const port = value(b, 'servicePort', 'intOrString');
  return { source, shape: 'v1beta1', span, ...(name ? { serviceName: name } : {}), ...(port ? { servicePort: port } : {}) };
}

function readBackendConfig(root: Obj): BackendConfigView {
  const spec = sub(root, 'spec');
  return {
    spec: spec.anchor,
    timeoutSec: field(spec, 'timeoutSec', 'int'),
    drainingTimeoutSec: field(sub(spec, 'connectionDraining'), 'drainingTimeoutSec', 'int'),
  };
}

// ---------------------------------------------------------------------------------------------

function readWorkload(root: Obj, podPath: readonly string[]): WorkloadView {
  let pod = root;
  for (const k of podPath) pod = sub(pod, k);
  const containersOf = (key: string, init: boolean): ContainerView[] => {
    const out: ContainerView[] = [];
    asSeq(nodeOf(pod, key))?.items.forEach((it, i) => {
      const n = resolveNode(root.src.doc, it);
      const m = asMap(n);
      const c: Obj = { src: root.src, ...(m ? { map: m } : {}), anchor: spanOf(root.src, n, pod.anchor), path: [...pod.path, key, i], name: `${key}[${i}]` };
      out.push(readContainer(c, init));
    });
    return out;
  };
  const volumes: VolumeView[] = [];
  asSeq(nodeOf(pod, 'volumes'))?.items.forEach((it, i) => {
    const n = resolveNode(root.src.doc, it);
    const m = asMap(n);
    const v: Obj = { src: root.src, ...(m ? { map: m } : {}), anchor: spanOf(root.src, n, pod.anchor), path: [...pod.path, 'volumes', i], name: `volumes[${i}]` };
    const name = value(v, 'name', 'string');
    const hp = sub(v, 'hostPath');
    const cm = sub(v, 'configMap');
    const hpPath = value(hp, 'path', 'string');
    const hpType = value(hp, 'type', 'string');
    const cmName = value(cm, 'name', 'string');
    volumes.push({
      span: v.anchor,
      ...(name ? { name } : {}),
      ...(hp.map ? { hostPath: { ...(hpPath ? { path: hpPath } : {}), ...(hpType ? { type: hpType } : {}) } } : {}),
      ...(cm.map ? { configMap: { ...(cmName ? { name: cmName } : {}) } } : {}),
    });
  });
  return {
    podSpec: pod.anchor,
    podSpecRef: root.src.refAt(pod.path),
    hostNetwork: field(pod, 'hostNetwork', 'bool'),
    containers: containersOf('containers', false),
    initContainers: containersOf('initContainers', true),
    volumes,
  };
}

/**
 * Part of a pod spec pasted without its kind (`kubectl get ds kube-proxy -o yaml`, copied from the
 * middle): a pod spec (`containers:`), a `spec:` or `template:` above one, or one container
 * (`command:` / `args:` with container keys only). Read as a workload so the kube-proxy and flannel
 * rules see its flags; undefined when the mapping is none of these.
 */
function readContainerFragment(root: Obj, keys: readonly string[]): WorkloadView | undefined {
  if (keys.includes('containers') || keys.includes('initContainers')) return readWorkload(root, []);
  for (const path of FRAGMENT_POD_PATHS) {
    let o = root;
    for (const k of path) o = sub(o, k);
    if (o.map && (pairOf(o, 'containers') || pairOf(o, 'initContainers'))) return readWorkload(root, path);
  }
  if (isContainerFragment(keys)) return oneContainer(root, [readContainer(root, false)]);
  return undefined;
}

/** A list pasted from `containers:` down: every item a container mapping, one with command or args. */
function readContainerList(src: Source, root: Node, base: readonly PathSegment[], span: Span): WorkloadView | undefined {
  const seq = asSeq(root);
  if (!seq || seq.items.length === 0 || seq.items.length > MAX_FRAGMENT_CONTAINERS) return undefined;
  const out: ContainerView[] = [];
  for (let i = 0; i < seq.items.length; i++) {
    const n = resolveNode(src.doc, seq.items[i] as Node);
    const m = asMap(n);
    const keys = m ? m.items.map((p) => keyText(p) ?? '') : [];
    if (!m || !keys.every((k) => CONTAINER_KEYS.has(k))) return undefined;
    out.push(readContainer({ src, map: m, anchor: spanOf(src, n, span), path: [...base, i], name: `[${i}]` }, false));
  }
  if (!out.some((c) => c.command.length > 0 || c.args.length > 0)) return undefined;
  return oneContainer({ src, anchor: { start: span.start, end: span.start }, path: base, name: '' }, out);
}

function oneContainer(at: Obj, containers: ContainerView[]): WorkloadView {
  return { podSpec: at.anchor, podSpecRef: at.src.refAt(at.path), hostNetwork: field(at, 'hostNetwork', 'bool'), containers, initContainers: [], volumes: [] };
}

function isContainerFragment(keys: readonly string[]): boolean {
  return (keys.includes('command') || keys.includes('args')) && keys.every((k) => CONTAINER_KEYS.has(k));
}

const FRAGMENT_POD_PATHS: readonly (readonly string[])[] = [['spec'], ['spec', 'template', 'spec'], ['template', 'spec']];
const MAX_FRAGMENT_CONTAINERS = 64;
/** corev1.Container's fields: a mapping with only these is a container. */
const CONTAINER_KEYS = new Set([
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy',
  'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath',
  'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
]);

function readContainer(c: Obj, init: boolean): ContainerView {
  const src = c.src;
  const name = value(c, 'name', 'string');
  const imageNode = asScalar(nodeOf(c, 'image'));
  const imageV = value(c, 'image', 'string');
  const image = imageV && imageNode ? parseImage(src, { value: imageV, node: imageNode }) : undefined;
  const command = stringItems(c, 'command');
  const args = stringItems(c, 'args');
  const flags = parseFlags(src, command, args);
  const volumeMounts: VolumeMount[] = [];
  asSeq(nodeOf(c, 'volumeMounts'))?.items.forEach((it, i) => {
    const n = resolveNode(src.doc, it);
    const m = asMap(n);
    const o: Obj = { src, ...(m ? { map: m } : {}), anchor: spanOf(src, n, c.anchor), path: [...c.path, 'volumeMounts', i], name: `${c.name}.volumeMounts[${i}]` };
    const vn = value(o, 'name', 'string');
    const mp = value(o, 'mountPath', 'string');
    const ro = value(o, 'readOnly', 'bool');
    volumeMounts.push({ span: o.anchor, ...(vn ? { name: vn } : {}), ...(mp ? { mountPath: mp } : {}), ...(ro ? { readOnly: ro } : {}) });
  });
  const env: EnvVar[] = [];
  asSeq(nodeOf(c, 'env'))?.items.forEach((it, i) => {
    const n = resolveNode(src.doc, it);
    const m = asMap(n);
    const o: Obj = { src, ...(m ? { map: m } : {}), anchor: spanOf(src, n, c.anchor), path: [...c.path, 'env', i], name: `${c.name}.env[${i}]` };
    const en = value(o, 'name', 'string');
    const ev = value(o, 'value', 'string');
    env.push({ span: o.anchor, ...(en ? { name: en } : {}), ...(ev ? { value: ev } : {}) });
  });
  const role = containerRole(
    name?.value,
    image,
    command.map((x) => x.value.value),
    args.map((x) => x.value.value),
  );
  return {
    ref: src.refAt(c.path),
    span: c.anchor,
    init,
    role,
    ...(name ? { name } : {}),
    ...(image ? { image } : {}),
    command: command.map((x) => x.value),
    args: args.map((x) => x.value),
    flags,
    volumeMounts,
    env,
  };
}

// ---------------------------------------------------------------------------------------------

function collectKeys(o: Obj, prefix: string, depth: number, out: Located<string>[]): void {
  for (const p of o.map?.items ?? []) {
    const k = keyText(p);
    if (k === undefined) continue;
    const name = prefix ? `${prefix}.${k}` : k;
    out.push({ value: name, span: keySpan(o.src, p, o.anchor) });
    if (depth > 0) {
      const m = asMap(resolveNode(o.src.doc, p.value));
      if (m) collectKeys({ ...o, map: m, anchor: keySpan(o.src, p, o.anchor) }, name, depth - 1, out);
    }
  }
}

function readKubeProxy(o: Obj, origin: KubeProxyConfigView['origin']): KubeProxyConfigView {
  const ipvs = sub(o, 'ipvs');
  const ct = sub(o, 'conntrack');
  const ipt = sub(o, 'iptables');
  const nft = sub(o, 'nftables');
  const npa = stringItems(o, 'nodePortAddresses');
  const featureGates: { name: Value<string>; value: Value<boolean> }[] = [];
  const fg = sub(o, 'featureGates');
  for (const p of fg.map?.items ?? []) {
    const k = asScalar(p.key as Node | undefined);
    const v = readScalar(o.src, resolveNode(o.src.doc, p.value), 'bool', `featureGates.${keyText(p) ?? ''}`);
    if (k && v) featureGates.push({ name: makeValue(o.src, k, keyText(p) ?? ''), value: v });
  }
  const keys: Located<string>[] = [];
  collectKeys(o, '', 1, keys);
  const span = o.map ? spanOf(o.src, o.map, o.anchor) : o.anchor;
  return {
    origin,
    ref: o.src.refAt(o.path),
    span,
    exact: o.src.exact,
    apiVersion: field(o, 'apiVersion', 'string'),
    mode: field(o, 'mode', 'string'),
    clusterCIDR: field(o, 'clusterCIDR', 'string'),
    detectLocalMode: field(o, 'detectLocalMode', 'string'),
    ...(pairOf(o, 'nodePortAddresses') && asSeq(nodeOf(o, 'nodePortAddresses')) ? { nodePortAddresses: npa.map((x) => x.value) } : {}),
    udpIdleTimeout: field(o, 'udpIdleTimeout', 'duration'),
    ipvs: {
      span: ipvs.anchor,
      strictARP: field(ipvs, 'strictARP', 'bool'),
      scheduler: field(ipvs, 'scheduler', 'string'),
      tcpTimeout: field(ipvs, 'tcpTimeout', 'duration'),
      tcpFinTimeout: field(ipvs, 'tcpFinTimeout', 'duration'),
      udpTimeout: field(ipvs, 'udpTimeout', 'duration'),
      syncPeriod: field(ipvs, 'syncPeriod', 'duration'),
      minSyncPeriod: field(ipvs, 'minSyncPeriod', 'duration'),
    },
    conntrack: {
      span: ct.anchor,
      maxPerCore: field(ct, 'maxPerCore', 'int'),
      min: field(ct, 'min', 'int'),
      tcpEstablishedTimeout: field(ct, 'tcpEstablishedTimeout', 'duration'),
      tcpCloseWaitTimeout: field(ct, 'tcpCloseWaitTimeout', 'duration'),
      tcpBeLiberal: field(ct, 'tcpBeLiberal', 'bool'),
      udpTimeout: field(ct, 'udpTimeout', 'duration'),
      udpStreamTimeout: field(ct, 'udpStreamTimeout', 'duration'),
    },
    iptables: {
      span: ipt.anchor,
      masqueradeAll: field(ipt, 'masqueradeAll', 'bool'),
      masqueradeBit: field(ipt, 'masqueradeBit', 'int'),
      syncPeriod: field(ipt, 'syncPeriod', 'duration'),
      minSyncPeriod: field(ipt, 'minSyncPeriod', 'duration'),
      localhostNodePorts: field(ipt, 'localhostNodePorts', 'bool'),
    },
    nftables: {
      span: nft.anchor,
      masqueradeAll: field(nft, 'masqueradeAll', 'bool'),
      masqueradeBit: field(nft, 'masqueradeBit', 'int'),
      syncPeriod: field(nft, 'syncPeriod', 'duration'),
      minSyncPeriod: field(nft, 'minSyncPeriod', 'duration'),
    },
    featureGates,
    keys,
  };
}

function readFlannel(src: Source, node: Scalar, path: readonly PathSegment[], hostKey: Span): FlannelConfigView | undefined {
  const content = scalarContent(src.text, node, src.escapes);
  const text = originalContent(src.text, content);
  const parsed = safeParseAll(text, JSON_OPTIONS);
  const doc = parsed.docs[0];
  const what = `net-conf.json`;
  if (!doc) {
    src.problems.push({ code: 'parse/k8s-embedded', message: `${what} is empty or unreadable${parsed.failure ? `: ${parsed.failure}` : ''}`, span: src.hostSpan(content.span) });
    return undefined;
  }
  const esrc = embeddedSource(src, content, text, doc, 0, src.refAt(path), 'json');
  if (!checkJson(esrc, text, what)) reportDocErrors(esrc, doc, 'parse/k8s-embedded', what);
  const m = asMap(resolveNode(doc, doc.contents));
  // Missing keys are reported on the `net-conf.json` key: the object itself spans many lines.
  const o: Obj = { src: esrc, ...(m ? { map: m } : {}), anchor: hostKey, path: [], name: '', caseInsensitive: true };
  return flannelView(o, esrc.refAt([]), m ? esrc.hostSpan(localRange(m) ?? { start: 0, end: 0 }) : src.hostSpan(content.span), esrc.exact);
}

/**
 * flannel's own network config as a file of its own: `/etc/kube-flannel/net-conf.json`, or the
 * value of its etcd key (`etcdctl get /coreos.com/network/config`). A mapping without kind or
 * apiVersion whose keys are flannel's (read case-insensitively, as flannel does) and that has
 * `Network` or `Backend`.
 */
function isFlannelNetConf(keys: readonly string[]): boolean {
  const lower = keys.map((k) => k.toLowerCase());
  return (lower.includes('network') || lower.includes('backend')) && lower.every((k) => FLANNEL_KEYS.has(k));
}

const FLANNEL_KEYS = new Set(['network', 'ipv6network', 'enableipv4', 'enableipv6', 'enablenftables', 'subnetlen', 'subnetmin', 'subnetmax', 'ipv6subnetlen', 'ipv6subnetmin', 'ipv6subnetmax', 'backend']);

function readFlannelRoot(o: Obj, span: Span): FlannelConfigView {
  return flannelView({ ...o, caseInsensitive: true }, o.src.refAt(o.path), span, true);
}

function flannelView(o: Obj, ref: FlannelConfigView['ref'], span: Span, exact: boolean): FlannelConfigView {
  const b = sub(o, 'Backend');
  const keys: Located<string>[] = [];
  collectKeys(o, '', 1, keys);
  return {
    ref,
    span,
    exact,
    network: field(o, 'Network', 'string'),
    ipv6Network: field(o, 'IPv6Network', 'string'),
    enableIPv4: field(o, 'EnableIPv4', 'bool'),
    enableIPv6: field(o, 'EnableIPv6', 'bool'),
    enableNFTables: field(o, 'EnableNFTables', 'bool'),
    subnetLen: field(o, 'SubnetLen', 'int'),
    backend: {
      span: b.anchor,
      type: field(b, 'Type', 'string'),
      vni: field(b, 'VNI', 'int'),
      port: field(b, 'Port', 'int'),
      directRouting: field(b, 'DirectRouting', 'bool'),
      mtu: field(b, 'MTU', 'int'),
      gbp: field(b, 'GBP', 'bool'),
      learning: field(b, 'Learning', 'bool'),
    },
    keys,
  };
}

function readK3s(o: Obj): K3sConfigView {
  const entries: { key: Value<string>; span: Span }[] = [];
  for (const p of o.map?.items ?? []) {
    const k = asScalar(p.key as Node | undefined);
    if (!k) continue;
    const key = makeValue(o.src, k, keyText(p) ?? '');
    const v = resolveNode(o.src.doc, p.value);
    entries.push({ key, span: v ? { start: key.span.start, end: Math.max(key.span.end, spanOf(o.src, v, key.span).end) } : key.span });
  }
  return {
    span: o.map ? spanOf(o.src, o.map, o.anchor) : o.anchor,
    flannelBackend: field(o, 'flannel-backend', 'string'),
    clusterCidr: field(o, 'cluster-cidr', 'string'),
    serviceCidr: field(o, 'service-cidr', 'string'),
    flannelIface: field(o, 'flannel-iface', 'string'),
    disableKubeProxy: field(o, 'disable-kube-proxy', 'bool'),
    kubeProxyArgs: parseK3sArgs(o.src, stringItems(o, 'kube-proxy-arg')),
    entries,
  };
}

