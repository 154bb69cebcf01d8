import { contains } from '../../core/span';
import type { TokenHover } from '../features';
import { FIELD_DOCS, FLAG_DOCS } from './glossary';
import { allDocuments, type Field, type K8sDocument, type K8sModel } from './model';

/** Present fields of a document with the glossary key that explains them. */
function* fields(d: K8sDocument): Generator<[string, Field<unknown>]> {
  const s = d.service;
  if (s) {
    yield ['service.type', s.type];
    yield ['service.externalTrafficPolicy', s.externalTrafficPolicy];
    yield ['service.internalTrafficPolicy', s.internalTrafficPolicy];
    yield ['service.sessionAffinity', s.sessionAffinity];
    yield ['service.healthCheckNodePort', s.healthCheckNodePort];
  }
  if (d.backendConfig) {
    yield ['backendConfig.timeoutSec', d.backendConfig.timeoutSec];
    yield ['backendConfig.drainingTimeoutSec', d.backendConfig.drainingTimeoutSec];
  }
  if (d.ingress) yield ['ingress.class', d.ingress.ingressClassName];
  for (const kp of d.kubeProxyConfigs) {
    yield ['kubeProxy.mode', kp.mode];
    yield ['kubeProxy.clusterCIDR', kp.clusterCIDR];
    for (const [k, f] of Object.entries(kp.ipvs)) if (k !== 'span') yield [`kubeProxy.ipvs.${k}`, f as Field<unknown>];
    for (const [k, f] of Object.entries(kp.conntrack)) if (k !== 'span') yield [`kubeProxy.conntrack.${k}`, f as Field<unknown>];
    for (const [k, f] of Object.entries(kp.iptables)) if (k !== 'span') yield [`kubeProxy.iptables.${k}`, f as Field<unknown>];
  }
  for (const fl of d.flannelConfigs) {
    yield ['flannel.network', fl.network];
    for (const [k, f] of Object.entries(fl.backend)) if (k !== 'span') yield [`flannel.backend.${k}`, f as Field<unknown>];
  }
  if (d.k3s) yield ['k3s.flannelBackend', d.k3s.flannelBackend];
}

export function k8sHover(model: K8sModel, offset: number): TokenHover | undefined {
  for (const d of allDocuments(model)) {
    if (!contains(d.span, offset) && d.embedded.length === 0) continue;
    for (const [key, f] of fields(d)) {
      if (!f.present) continue;
      const doc = FIELD_DOCS[key];
      if (!doc) continue;
      if (contains(f.keySpan, offset) || contains(f.span, offset)) {
        const span = contains(f.keySpan, offset) ? f.keySpan : f.span;
        return { span, markdown: `**${key.split('.').pop()}: \`${String(f.value)}\`**\n\n${doc}` };
      }
    }
    for (const a of d.metadata?.annotations ?? []) {
      const doc = FIELD_DOCS[`annotation.${a.key.value}`];
      if (doc && (contains(a.key.span, offset) || contains(a.value.span, offset))) return { span: a.key.span, markdown: `**\`${a.key.value}\`**\n\n${doc}` };
    }
    for (const c of [...(d.workload?.containers ?? []), ...(d.workload?.initContainers ?? [])]) {
      for (const flag of c.flags) {
        const doc = FLAG_DOCS[flag.name.value];
        if (doc && contains(flag.span, offset)) return { span: flag.span, markdown: `**\`${flag.name.value}${flag.value ? `=${flag.value.value}` : ''}\`** (${c.role})\n\n${doc}` };
      }
      if (c.image?.tag && contains(c.image.span, offset) && c.role !== 'other') {
        return { span: c.image.span, markdown: `**${c.role} ${c.image.tag.value}**${c.image.version ? ` — kube-netlint uses this version for its version gates (${c.role === 'kube-proxy' ? 'kube-proxy' : 'flannel'} facts of this node).` : ''}` };
      }
    }
  }
  return undefined;
}
