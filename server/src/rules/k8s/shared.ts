import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments, type IngressBackend, type IngressView, type K8sDocument, type ServicePort, type ServiceView, type Value } from '../../formats/k8s';
import { backendConfigNameFor, describePort, longLivedPorts, nameOf, sameNamespace } from '../../formats/k8s/query';
import { nodeManifests } from '../../node/questions';
import type { Related } from '../rule';

/**
 * Cross-document helpers for the Service / Ingress / BackendConfig rules (k8s/*, gke/*). Rules
 * report on one file but resolve references (Ingress → Service → BackendConfig) across every
 * manifest of the node, the way `kubectl apply -f <folder>` would see them. Everything here is
 * linear in the number of objects of the node.
 */

export type K8sFile = ParsedDocument<'k8s'>;

/** One object (YAML document, List item or embedded document) and the file it is in. */
export interface K8sObject {
  readonly file: K8sFile;
  readonly doc: K8sDocument;
}

export function objectsOf(file: K8sFile): K8sObject[] {
  return [...allDocuments(file.model)].map((doc) => ({ file, doc }));
}

export function nodeObjects(document: K8sFile, node: NodeSnapshot): K8sObject[] {
  return nodeManifests(document, node).flatMap(objectsOf);
}

// ---------------------------------------------------------------------------------------------
// GKE context and Ingress → Service references

export interface Evidence {
  readonly file: K8sFile;
  readonly span: Span;
  readonly what: string;
}

const GKE_API = /^(?:cloud\.google\.com|networking\.gke\.io)\//;
const GKE_ANNOTATION = /^(?:cloud\.google\.com\/|beta\.cloud\.google\.com\/|networking\.gke\.io\/|ingress\.gcp\.kubernetes\.io\/|kubernetes\.io\/ingress\.global-static-ip-name$)/;

/**
 * Evidence that the manifests are for GKE: a GKE API object (BackendConfig, FrontendConfig,
 * ManagedCertificate, ...) or a GKE annotation (`cloud.google.com/*`, `networking.gke.io/*`,
 * `kubernetes.io/ingress.global-static-ip-name`) anywhere in the node, or an Ingress of class gce.
 */
export function gkeContext(objects: readonly K8sObject[]): Evidence | undefined {
  for (const { file, doc } of objects) {
    if (doc.apiVersion && GKE_API.test(doc.apiVersion.value)) return { file, span: doc.apiVersion.span, what: `${doc.kind?.value ?? 'object'} (${doc.apiVersion.value})` };
    for (const a of doc.metadata?.annotations ?? []) {
      if (GKE_ANNOTATION.test(a.key.value)) return { file, span: a.key.span, what: `annotation ${a.key.value}` };
    }
    const c = doc.ingress?.ingressClass;
    if (c && !c.templated && isGceClass(c.value)) return { file, span: c.span, what: `Ingress class ${c.value}` };
  }
  return undefined;
}

function isGceClass(v: string): boolean {
  const t = v.trim().toLowerCase();
  return t === 'gce' || t === 'gce-internal';
}

/**
 * How an Ingress is known to be served by the GKE Ingress controller: class `gce` / `gce-internal`
 * (annotation, which wins, or `spec.ingressClassName`), or no class at all in manifests that are
 * evidently GKE ones (GKE's controller serves class-less Ingresses). Undefined for any other class
 * (nginx, traefik, ...), a templated class, or no class without GKE evidence.
 */
export function gkeIngressClass(ing: IngressView, context: Evidence | undefined): string | undefined {
  const c = ing.ingressClass;
  if (c) {
    if (c.templated || !isGceClass(c.value)) return undefined;
    return `${c.source === 'annotation' ? 'kubernetes.io/ingress.class' : 'ingressClassName'}: ${c.value}`;
  }
  return context ? `no ingress class, GKE manifests (${context.what})` : undefined;
}

export interface IngressRef {
  readonly ingress: K8sObject;
  readonly view: IngressView;
  readonly backend: IngressBackend;
  readonly serviceName: Value<string>;
}

/**
 * The node's objects with the lookups the rules need, built once per rule run so that resolving
 * every Service's Ingresses and BackendConfigs stays linear in the number of objects.
 */
export class NodeIndex {
  private byServiceName?: Map<string, IngressRef[]>;
  private backendConfigs?: Map<string, K8sObject[]>;
  private bcUsers?: Map<string, K8sObject[]>;
  private context?: { readonly value: Evidence | undefined };

  constructor(readonly objects: readonly K8sObject[]) {}

  /** GKE evidence anywhere in the node (see gkeContext). */
  get gke(): Evidence | undefined {
    this.context ??= { value: gkeContext(this.objects) };
    return this.context.value;
  }

  /** Every Ingress backend (default backend or rule path) in the node that names this Service. */
  ingressRefsTo(service: K8sDocument): IngressRef[] {
    const name = nameOf(service);
    if (name === undefined) return [];
    if (!this.byServiceName) {
      const m = new Map<string, IngressRef[]>();
      for (const o of this.objects) {
        const view = o.doc.ingress;
        if (!view) continue;
        for (const backend of view.backends) {
          const s = backend.serviceName;
          if (!s || s.templated) continue;
          const list = m.get(s.value) ?? [];
          list.push({ ingress: o, view, backend, serviceName: s });
          m.set(s.value, list);
        }
      }
      this.byServiceName = m;
    }
    return (this.byServiceName.get(name) ?? []).filter((r) => sameNamespace(r.ingress.doc, service));
  }

  /** The BackendConfig of that name in the node (same namespace as `near`). */
  backendConfig(name: string, near: K8sDocument): K8sObject | undefined {
    if (!this.backendConfigs) {
      const m = new Map<string, K8sObject[]>();
      for (const o of this.objects) {
        const n = o.doc.backendConfig ? nameOf(o.doc) : undefined;
        if (n !== undefined) m.set(n, [...(m.get(n) ?? []), o]);
      }
      this.backendConfigs = m;
    }
    return this.backendConfigs.get(name)?.find((o) => sameNamespace(o.doc, near));
  }

  /** Services whose backend-config annotation names `name` (default or per port). */
  servicesNamingBackendConfig(name: string): K8sObject[] {
    if (!this.bcUsers) {
      const m = new Map<string, K8sObject[]>();
      for (const o of this.objects) {
        const bc = o.doc.service?.backendConfig;
        if (!bc) continue;
        const names = new Set([bc.default, ...bc.ports.map((p) => p.name)].filter((v): v is Value<string> => !!v && !v.templated).map((v) => v.value));
        for (const n of names) m.set(n, [...(m.get(n) ?? []), o]);
      }
      this.bcUsers = m;
    }
    return this.bcUsers.get(name) ?? [];
  }
}

export function nodeIndex(document: K8sFile, node: NodeSnapshot): NodeIndex {
  return new NodeIndex(nodeObjects(document, node));
}

export function describeBackend(ref: IngressRef): string {
  const b = ref.backend;
  const where = b.source === 'defaultBackend' ? 'unmatched requests (default backend)' : `${b.host && !b.host.templated ? b.host.value : '*'}${b.path && !b.path.templated ? b.path.value : ''}`;
  const port = b.servicePort !== undefined ? ` port ${String(b.servicePort.value)}` : '';
  return `Ingress ${nameOf(ref.ingress.doc) ?? '(unnamed)'} routes ${where} to this Service${port}`;
}

export function backendRelated(ref: IngressRef, extra = ''): Related {
  return { document: ref.ingress.file, span: ref.serviceName.span, message: `${describeBackend(ref)}${extra}` };
}

// ---------------------------------------------------------------------------------------------
// BackendConfig attachment

export interface AttachedBackendConfig {
  /** The name in the Service's annotation (where it is written). */
  readonly name: Value<string>;
  /** The BackendConfig object, when the node's manifests contain it. */
  readonly object?: K8sObject;
}

export function attachedBackendConfig(svc: ServiceView, port: ServicePort, service: K8sDocument, index: NodeIndex): AttachedBackendConfig | undefined {
  const name = backendConfigNameFor(svc, port);
  if (!name || name.templated) return undefined;
  const object = index.backendConfig(name.value, service);
  return { name, ...(object ? { object } : {}) };
}

/** Long-lived evidence for NET-GKE-001 / NET-SVC-001: port names, or an attached BackendConfig with timeoutSec ≥ 300. */
export interface LongLivedEvidence {
  readonly text: string;
  readonly related: Related[];
}

export const LONG_TIMEOUT_SEC = 300;

export function longLivedEvidence(service: K8sObject, index: NodeIndex): LongLivedEvidence | undefined {
  const svc = service.doc.service;
  if (!svc) return undefined;
  const parts: string[] = [];
  const related: Related[] = [];
  for (const h of longLivedPorts(svc)) {
    parts.push(`port ${describePort(h.port)} suggests long-lived connections`);
    related.push({ document: service.file, span: h.hint.span, message: `port ${describePort(h.port)}: long-lived connections` });
  }
  const seen = new Set<K8sObject>();
  for (const port of svc.ports) {
    const bc = attachedBackendConfig(svc, port, service.doc, index);
    const t = bc?.object?.doc.backendConfig?.timeoutSec;
    if (!bc?.object || seen.has(bc.object) || !t?.present || t.value < LONG_TIMEOUT_SEC) continue;
    seen.add(bc.object);
    parts.push(`BackendConfig ${bc.name.value} sets timeoutSec: ${t.value} (connections are meant to last)`);
    related.push({ document: bc.object.file, span: t.span, message: `BackendConfig ${bc.name.value}: timeoutSec ${t.value}` });
  }
  return parts.length ? { text: parts.join('; '), related } : undefined;
}
