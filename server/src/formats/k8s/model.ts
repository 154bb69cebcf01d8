import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import type { Version } from '../../core/version';

/**
 * Kubernetes manifests (and the configs embedded in them) as rules read them. A file is a list of
 * YAML documents; each document carries typed views for the objects networking rules care about
 * (Service, Ingress, BackendConfig, workloads, kube-proxy and flannel configuration, k3s config).
 * Every value has the span of its exact characters in the file the user has open, including values
 * read from a document embedded in a block scalar (`config.conf: |`, `net-conf.json: |`).
 */
export interface K8sModel {
  readonly documents: readonly K8sDocument[];
  readonly problems: readonly ParseProblem[];
  /** The file contains template markers (`{{ }}`, `{% %}`) and was read with them blanked out. */
  readonly templated: boolean;
}

export type PathSegment = string | number;

/**
 * Where a node lives, so the edit helpers can find it again: a path from the root of document
 * `doc` (0-based, in file order), optionally continuing inside the document embedded in the
 * block scalar found at `path` (`inner`, recursively).
 */
export interface YamlRef {
  readonly doc: number;
  readonly path: readonly PathSegment[];
  readonly inner?: YamlRef & { readonly format: 'yaml' | 'json' };
}

/** A scalar read from the text: typed value, exact span of the value token, its raw source. */
export interface Value<T> extends Located<T> {
  /** The source text of the value token (quotes included). */
  readonly raw: string;
  /** The value contains template markers; `value` is then the raw (unquoted) template text. */
  readonly templated?: true;
}

export interface Present<T> extends Value<T> {
  readonly present: true;
  readonly keySpan: Span;
}

/**
 * A field that is not set (missing, or `null`, which the Go decoders treat as unset). `span` is
 * where a diagnostic or a fix belongs: the key of the enclosing mapping (e.g. `spec`), or the
 * closest enclosing key that exists.
 */
export interface Absent {
  readonly present: false;
  readonly span: Span;
}

export type Field<T> = Present<T> | Absent;

export interface K8sDocument {
  /** 0-based index among the documents of the file (or the List / embedded stream it is in). */
  readonly index: number;
  readonly ref: YamlRef;
  readonly span: Span;
  readonly apiVersion?: Value<string>;
  readonly kind?: Value<string>;
  readonly metadata?: Metadata;
  readonly service?: ServiceView;
  readonly ingress?: IngressView;
  readonly backendConfig?: BackendConfigView;
  readonly workload?: WorkloadView;
  readonly k3s?: K3sConfigView;
  readonly kubeProxyConfigs: readonly KubeProxyConfigView[];
  readonly flannelConfigs: readonly FlannelConfigView[];
  /** `kind: List` items, or the items of a bare list of objects (`kubectl get -o json | jq .items`). */
  readonly items: readonly K8sDocument[];
  /** Documents read from block scalars of this document (`config.conf: |`, `content: |`). */
  readonly embedded: readonly EmbeddedStream[];
}

export interface EmbeddedStream {
  /** The key path of the block scalar in the host document. */
  readonly ref: YamlRef;
  /** The block scalar in the host text. */
  readonly span: Span;
  /** False when content positions cannot be mapped 1:1 (spans then cover the whole scalar). */
  readonly exact: boolean;
  readonly documents: readonly K8sDocument[];
}

export interface KeyValue {
  readonly key: Value<string>;
  readonly value: Value<string>;
}

export interface Metadata {
  /** The `metadata` key. */
  readonly span: Span;
  readonly name?: Value<string>;
  readonly namespace?: Value<string>;
  /** The `annotations` key when present. */
  readonly annotationsSpan?: Span;
  readonly annotations: readonly KeyValue[];
  readonly labels: readonly KeyValue[];
}

// ---------------------------------------------------------------------------------------------

export interface ServicePort {
  readonly span: Span;
  readonly name?: Value<string>;
  readonly protocol?: Value<string>;
  readonly port?: Value<number>;
  readonly nodePort?: Value<number>;
  /** IntOrString: a number or a container port name. */
  readonly targetPort?: Value<number | string>;
  readonly appProtocol?: Value<string>;
}

/** `cloud.google.com/neg` parsed from its JSON value. */
export interface NegAnnotation {
  readonly annotation: KeyValue;
  readonly ingress?: Value<boolean>;
  /** Keys of `exposed_ports`. */
  readonly exposedPorts: readonly Value<string>[];
}

/** `cloud.google.com/backend-config` (or the older `beta.` key) parsed from its JSON value. */
export interface BackendConfigAnnotation {
  readonly annotation: KeyValue;
  readonly beta: boolean;
  readonly default?: Value<string>;
  readonly ports: readonly { readonly port: Value<string>; readonly name: Value<string> }[];
}

export interface ServiceView {
  /** The `spec` key (or the document's `kind` when there is no spec): where fixes insert fields. */
  readonly spec: Span;
  readonly type: Field<string>;
  readonly externalTrafficPolicy: Field<string>;
  readonly internalTrafficPolicy: Field<string>;
  readonly sessionAffinity: Field<string>;
  /** `sessionAffinityConfig.clientIP.timeoutSeconds`. */
  readonly sessionAffinityTimeout: Field<number>;
  readonly healthCheckNodePort: Field<number>;
  readonly loadBalancerIP: Field<string>;
  readonly clusterIP: Field<string>;
  readonly ports: readonly ServicePort[];
  readonly neg?: NegAnnotation;
  readonly backendConfig?: BackendConfigAnnotation;
}

export interface IngressBackend {
  readonly source: 'defaultBackend' | 'rule';
  /** `v1`: service.name / service.port.{number,name}; `v1beta1`: serviceName / servicePort. */
  readonly shape: 'v1' | 'v1beta1';
  /** The `backend` / `defaultBackend` mapping. */
  readonly span: Span;
  readonly host?: Value<string>;
  readonly path?: Value<string>;
  readonly serviceName?: Value<string>;
  readonly servicePort?: Value<number | string>;
}

export interface IngressView {
  readonly spec: Span;
  /** The class in effect: the annotation wins over `spec.ingressClassName`, as in controllers. */
  readonly ingressClass?: Value<string> & { readonly source: 'annotation' | 'ingressClassName' };
  readonly classAnnotation: Field<string>;
  readonly ingressClassName: Field<string>;
  readonly backends: readonly IngressBackend[];
}

export interface BackendConfigView {
  readonly spec: Span;
  readonly timeoutSec: Field<number>;
  readonly drainingTimeoutSec: Field<number>;
}

// ---------------------------------------------------------------------------------------------

export interface ImageRef extends Value<string> {
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: Located<string>;
  readonly digest?: string;
  /** The tag read as a version (`v1.29.3`, `v0.25.0`), when it looks like one. */
  readonly version?: Version;
}

/** A command-line flag from `command`/`args` (or from a shell string in them). */
export interface Flag {
  /** `--proxy-mode` (as written, with its dashes). */
  readonly name: Located<string>;
  readonly value?: Located<string>;
  readonly span: Span;
  /** `shell`: found inside a `sh -c "..."` string. */
  readonly source: 'command' | 'args' | 'shell' | 'k3s';
}

export type ContainerRole = 'kube-proxy' | 'flannel' | 'flannel-cni-install' | 'other';

export interface VolumeMount {
  readonly span: Span;
  readonly name?: Value<string>;
  readonly mountPath?: Value<string>;
  readonly readOnly?: Value<boolean>;
}

export interface EnvVar {
  readonly span: Span;
  readonly name?: Value<string>;
  readonly value?: Value<string>;
}

export interface ContainerView {
  readonly ref: YamlRef;
  readonly span: Span;
  readonly init: boolean;
  readonly role: ContainerRole;
  readonly name?: Value<string>;
  readonly image?: ImageRef;
  readonly command: readonly Value<string>[];
  readonly args: readonly Value<string>[];
  readonly flags: readonly Flag[];
  readonly volumeMounts: readonly VolumeMount[];
  readonly env: readonly EnvVar[];
}

export interface VolumeView {
  readonly span: Span;
  readonly name?: Value<string>;
  readonly hostPath?: { readonly path?: Value<string>; readonly type?: Value<string> };
  readonly configMap?: { readonly name?: Value<string> };
}

export interface WorkloadView {
  /** The pod spec's key (`spec` of the template, or of a Pod). */
  readonly podSpec: Span;
  readonly podSpecRef: YamlRef;
  readonly hostNetwork: Field<boolean>;
  readonly containers: readonly ContainerView[];
  readonly initContainers: readonly ContainerView[];
  readonly volumes: readonly VolumeView[];
}

// ---------------------------------------------------------------------------------------------

/** Go durations (`30s`, `1h0m0s`) are read as seconds; `raw` keeps the text. */
export interface KubeProxyConfigView {
  /**
   * `document`: a KubeProxyConfiguration document; `configmap`: inside a ConfigMap's
   * `config.conf`; `kubeadm`: `kubeProxy.config` of a kubeadm MasterConfiguration; `embedded`: in
   * another block scalar (e.g. a Cluster API `files[].content`); `fragment`: a document without
   * apiVersion/kind that only looks like one.
   */
  readonly origin: 'document' | 'configmap' | 'kubeadm' | 'embedded' | 'fragment';
  /** The configuration mapping (for edits: `child(ref, 'mode')`). */
  readonly ref: YamlRef;
  readonly span: Span;
  /** False when positions could only be mapped to the whole embedding scalar. */
  readonly exact: boolean;
  readonly apiVersion: Field<string>;
  readonly mode: Field<string>;
  readonly clusterCIDR: Field<string>;
  readonly detectLocalMode: Field<string>;
  readonly nodePortAddresses?: readonly Value<string>[];
  readonly udpIdleTimeout: Field<number>;
  readonly ipvs: {
    readonly span: Span;
    readonly strictARP: Field<boolean>;
    readonly scheduler: Field<string>;
    readonly tcpTimeout: Field<number>;
    readonly tcpFinTimeout: Field<number>;
    readonly udpTimeout: Field<number>;
    readonly syncPeriod: Field<number>;
    readonly minSyncPeriod: Field<number>;
  };
  readonly conntrack: {
    readonly span: Span;
    readonly maxPerCore: Field<number>;
    readonly min: Field<number>;
    readonly tcpEstablishedTimeout: Field<number>;
    readonly tcpCloseWaitTimeout: Field<number>;
    readonly tcpBeLiberal: Field<boolean>;
    readonly udpTimeout: Field<number>;
    readonly udpStreamTimeout: Field<number>;
  };
  readonly iptables: {
    readonly span: Span;
    readonly masqueradeAll: Field<boolean>;
    readonly masqueradeBit: Field<number>;
    readonly syncPeriod: Field<number>;
    readonly minSyncPeriod: Field<number>;
    readonly localhostNodePorts: Field<boolean>;
  };
  readonly nftables: {
    readonly span: Span;
    readonly masqueradeAll: Field<boolean>;
    readonly masqueradeBit: Field<number>;
    readonly syncPeriod: Field<number>;
    readonly minSyncPeriod: Field<number>;
  };
  readonly featureGates: readonly { readonly name: Value<string>; readonly value: Value<boolean> }[];
  /** Every key (dotted path, as written) with its span: for unknown, removed or mis-cased fields. */
  readonly keys: readonly Located<string>[];
}

export interface FlannelConfigView {
  /** The embedded JSON object (edits: `child(ref, 'Backend', 'Type')`). */
  readonly ref: YamlRef;
  readonly span: Span;
  readonly exact: boolean;
  readonly network: Field<string>;
  readonly ipv6Network: Field<string>;
  readonly enableIPv4: Field<boolean>;
  readonly enableIPv6: Field<boolean>;
  readonly enableNFTables: Field<boolean>;
  readonly subnetLen: Field<number>;
  readonly backend: {
    readonly span: Span;
    readonly type: Field<string>;
    readonly vni: Field<number>;
    readonly port: Field<number>;
    readonly directRouting: Field<boolean>;
    readonly mtu: Field<number>;
    readonly gbp: Field<boolean>;
    readonly learning: Field<boolean>;
  };
  readonly keys: readonly Located<string>[];
}

export interface K3sConfigView {
  readonly span: Span;
  readonly flannelBackend: Field<string>;
  readonly clusterCidr: Field<string>;
  readonly serviceCidr: Field<string>;
  readonly flannelIface: Field<string>;
  readonly disableKubeProxy: Field<boolean>;
  /** `kube-proxy-arg` entries read as flags (`proxy-mode=ipvs` → name `proxy-mode`). */
  readonly kubeProxyArgs: readonly Flag[];
  readonly entries: readonly { readonly key: Value<string>; readonly span: Span }[];
}

// ---------------------------------------------------------------------------------------------

/** Every document of the model: top level, `List` items and embedded documents, depth first. */
export function* allDocuments(model: { readonly documents: readonly K8sDocument[] }): Generator<K8sDocument> {
  const stack: K8sDocument[] = [...model.documents].reverse();
  while (stack.length > 0) {
    const d = stack.pop()!;
    yield d;
    const nested = [...d.items, ...d.embedded.flatMap((e) => e.documents)];
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
  }
}

export function kubeProxyConfigs(model: K8sModel): KubeProxyConfigView[] {
  return [...allDocuments(model)].flatMap((d) => d.kubeProxyConfigs);
}

export function flannelConfigs(model: K8sModel): FlannelConfigView[] {
  return [...allDocuments(model)].flatMap((d) => d.flannelConfigs);
}

export function containers(model: K8sModel): ContainerView[] {
  return [...allDocuments(model)].flatMap((d) => (d.workload ? [...d.workload.initContainers, ...d.workload.containers] : []));
}

/** The ref of a child node: appended inside the innermost embedded document when there is one. */
export function child(ref: YamlRef, ...segments: PathSegment[]): YamlRef {
  if (ref.inner) return { ...ref, inner: { ...child(ref.inner, ...segments), format: ref.inner.format } };
  return { ...ref, path: [...ref.path, ...segments] };
}
