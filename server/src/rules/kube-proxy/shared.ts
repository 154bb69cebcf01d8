import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments, containers, kubeProxyConfigs, type ContainerView, type Field, type Flag, type K8sModel, type KubeProxyConfigView, type Present } from '../../formats/k8s';
import { effective } from '../../formats/sysctl';

/**
 * Helpers for the kube-proxy rules: the configurations (KubeProxyConfiguration documents, kube-proxy
 * ConfigMaps' config.conf, kubeadm kubeProxy.config) and the kube-proxy containers configured by
 * flags, and the effective proxy mode (version and kernel questions: node/questions.ts).
 */

export type K8sFile = ParsedDocument<'k8s'>;

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

// ---------------------------------------------------------------------------------------------
// Node-wide lookups

/** Every kube-proxy configuration of the node's manifests, with its file. */
export function nodeProxyConfigs(document: K8sFile, node: NodeSnapshot): { file: K8sFile; kp: KubeProxyConfigView }[] {
  const files = [document, ...node.ofKind('k8s').filter((d) => d !== document && d.uri !== document.uri)];
  return files.flatMap((file) => kubeProxyConfigs(file.model).map((kp) => ({ file, kp })));
}

/** The effective value of a sysctl in the node's sysctl documents, with its place. */
export function nodeSysctl(node: NodeSnapshot, key: string): { document: ParsedDocument<'sysctl'>; value: string; number?: number; span: Span } | undefined {
  for (const d of node.ofKind('sysctl')) {
    const e = effective(d.model, key);
    if (e) return { document: d, value: e.value.value, ...(e.number !== undefined ? { number: e.number } : {}), span: e.value.span };
  }
  return undefined;
}

/** A kubeadm configuration document (ClusterConfiguration, InitConfiguration, MasterConfiguration) in the file. */
export function hasKubeadmConfig(model: K8sModel): boolean {
  return [...allDocuments(model)].some((d) => d.apiVersion?.value.startsWith('kubeadm.k8s.io/') === true);
}

