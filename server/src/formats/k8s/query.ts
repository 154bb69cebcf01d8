import type { Span } from '../../core/span';
import {
  allDocuments,
  containers,
  type ContainerView,
  type Field,
  type Flag,
  type K8sDocument,
  type K8sModel,
  type KubeProxyConfigView,
  type Present,
  type ServicePort,
  type ServiceView,
  type Value,
  type YamlRef,
} from './model';
import { nestRef } from './source';

/**
 * Questions about a Kubernetes manifest model, asked by the k8s, gke, kube-proxy and nftables
 * rules: an object's identity, a Service's type and ports, the kube-proxy configuration and the
 * flags of kube-proxy containers. Pure functions of the model: which files of a node are read is
 * the rules' and node/questions.ts' business.
 */

// ---------------------------------------------------------------------------------------------
// Object identity

/** A plain (not templated) string value, or undefined. */
function plain(v: Value<string> | undefined): string | undefined {
  return v && !v.templated ? v.value : undefined;
}

export function nameOf(doc: K8sDocument): string | undefined {
  return plain(doc.metadata?.name);
}

export function namespaceOf(doc: K8sDocument): string | undefined {
  return plain(doc.metadata?.namespace);
}

/**
 * Manifests often leave the namespace out (it comes from `kubectl -n` or the current context), so
 * a missing namespace on either side matches; two different explicit namespaces do not.
 */
export function sameNamespace(a: K8sDocument, b: K8sDocument): boolean {
  const na = namespaceOf(a);
  const nb = namespaceOf(b);
  return na === undefined || nb === undefined || na === nb;
}

/** Where a finding about a whole object goes: its name, else its kind, else the start of the document. */
export function identitySpan(doc: K8sDocument): Span {
  return doc.metadata?.name?.span ?? doc.kind?.span ?? { start: doc.span.start, end: doc.span.start };
}

export function describeObject(doc: K8sDocument): string {
  const ns = namespaceOf(doc);
  return `${doc.kind?.value ?? 'object'} ${ns ? `${ns}/` : ''}${nameOf(doc) ?? '(unnamed)'}`;
}

/** The ref of a value inside a JSON annotation (`cloud.google.com/neg`), for the edit helpers. */
export function jsonInside(annotationRef: YamlRef, path: readonly (string | number)[]): YamlRef {
  return nestRef(annotationRef, { doc: 0, path: [...path], format: 'json' });
}

// ---------------------------------------------------------------------------------------------
// Services

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' | 'other' | 'templated';

export function serviceType(svc: ServiceView): ServiceType {
  if (!svc.type.present) return 'ClusterIP';
  if (svc.type.templated) return 'templated';
  const t = svc.type.value;
  return t === 'ClusterIP' || t === 'NodePort' || t === 'LoadBalancer' || t === 'ExternalName' ? t : 'other';
}

/** NodePort and LoadBalancer Services are reachable through every node's NodePort. */
export function hasNodePorts(svc: ServiceView): boolean {
  const t = serviceType(svc);
  return t === 'NodePort' || t === 'LoadBalancer';
}

/** `cloud.google.com/neg` says `"ingress": true` (any JSON spelling, with or without exposed_ports). */
export function negIngressOn(svc: ServiceView): boolean {
  return svc.neg?.ingress?.value === true;
}

// ---------------------------------------------------------------------------------------------
// Long-lived connection hints

/** Port-name / appProtocol words that mean long-lived connections (WebSockets, gRPC streams). */
const LONG_LIVED_WORDS = new Set(['ws', 'wss', 'websocket', 'websockets', 'grpc', 'grpcs', 'socketio', 'sse']);

export interface PortHint {
  readonly port: ServicePort;
  /** The port name or appProtocol that gives it away. */
  readonly hint: Value<string>;
}

function hasLongLivedWord(s: string): boolean {
  return s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((w) => LONG_LIVED_WORDS.has(w));
}

/** The ports whose name or appProtocol suggests long-lived connections (`ws`, `websocket`, `grpc`, `kubernetes.io/ws`). */
export function longLivedPorts(svc: ServiceView): PortHint[] {
  const out: PortHint[] = [];
  for (const port of svc.ports) {
    const hint = [port.name, port.appProtocol].find((v): v is Value<string> => !!v && !v.templated && hasLongLivedWord(v.value));
    if (hint) out.push({ port, hint });
  }
  return out;
}

export function describePort(p: ServicePort): string {
  const name = p.name && !p.name.templated ? p.name.value : undefined;
  const num = p.port?.value;
  return name && num !== undefined ? `${name} (${num})` : (name ?? (num !== undefined ? String(num) : 'unnamed'));
}

/** The BackendConfig name the Service's annotation gives this port: a per-port entry (by name or number), else `default`. */
export function backendConfigNameFor(svc: ServiceView, port: ServicePort): Value<string> | undefined {
  const bc = svc.backendConfig;
  if (!bc) return undefined;
  const keys = [port.name && !port.name.templated ? port.name.value : undefined, port.port !== undefined ? String(port.port.value) : undefined].filter((k): k is string => k !== undefined);
  const perPort = bc.ports.find((p) => keys.includes(p.port.value));
  return perPort?.name ?? bc.default;
}

// ---------------------------------------------------------------------------------------------
// kube-proxy configurations and containers

/** A present, non-templated field. */
export function known<T>(f: Field<T>): f is Present<T> {
  return f.present && !f.templated;
}

/** The proxy mode a configuration selects (`""` and absent mean iptables on Linux); undefined when templated. */
export function configMode(kp: KubeProxyConfigView): string | undefined {
  const m = kp.mode;
  if (m.present && m.templated) return undefined;
  const v = m.present ? m.value.trim().toLowerCase() : '';
  return v === '' ? 'iptables' : v;
}

export function proxyContainers(model: K8sModel): ContainerView[] {
  return containers(model).filter((c) => c.role === 'kube-proxy' && !c.init);
}

function bare(name: string): string {
  return name.replace(/^-+/, '');
}

export function flagNamed(c: ContainerView, name: string): Flag | undefined {
  return c.flags.find((f) => bare(f.name.value) === name);
}

/** Containers whose command/args hold template markers are not judged: the flags are not final. */
export function templatedContainer(c: ContainerView): boolean {
  return [...c.command, ...c.args].some((v) => v.templated === true);
}

/**
 * kube-proxy containers configured by flags (no `--config`): the flags are what kube-proxy uses.
 * With `--config` the flags are ignored (kube-proxy/flags-ignored-with-config) and the
 * configuration file decides.
 */
export function flagConfiguredContainers(model: K8sModel): ContainerView[] {
  return proxyContainers(model).filter((c) => !templatedContainer(c) && !flagNamed(c, 'config'));
}

/** `--proxy-mode` of a flag-configured container. */
export function flagMode(c: ContainerView): { mode: string; flag: Flag & { value: NonNullable<Flag['value']> } } | undefined {
  const f = flagNamed(c, 'proxy-mode');
  if (!f?.value) return undefined;
  return { mode: f.value.value.trim().toLowerCase(), flag: f as Flag & { value: NonNullable<Flag['value']> } };
}

/** A boolean flag: `--x`, `--x=true`; false for `--x=false`. */
export function flagOn(f: Flag | undefined): boolean {
  if (!f) return false;
  return !f.value || /^(?:true|1|t)$/i.test(f.value.value.trim());
}

/** Feature gates from the configuration or a `--feature-gates=A=true,B=false` flag. */
export function featureGateOn(kp: KubeProxyConfigView | undefined, c: ContainerView | undefined, gate: string): boolean {
  if (kp?.featureGates.some((g) => g.name.value === gate && g.value.value === true)) return true;
  const f = c ? flagNamed(c, 'feature-gates') : undefined;
  return !!f?.value && f.value.value.split(',').some((kv) => {
    const [k, v] = kv.split('=');
    return k?.trim() === gate && /^true$/i.test((v ?? '').trim());
  });
}

/** A kubeadm configuration document (ClusterConfiguration, InitConfiguration, MasterConfiguration) in the file. */
export function hasKubeadmConfig(model: K8sModel): boolean {
  return [...allDocuments(model)].some((d) => d.apiVersion?.value.startsWith('kubeadm.k8s.io/') === true);
}

