import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments, containers } from '../../formats/k8s';
import { defineRule, type Related } from '../rule';
import { factRelated } from '../../node/questions';
import { setValueFixes } from './shared';
import { numberOf } from '../../formats/sysctl/query';
import { RECOMMENDED_KEEPALIVE_SECONDS } from '../shared/keepalive';
import { nodePath } from '../../node/nodePath';

const KEY = 'net.ipv4.tcp_keepalive_time';
const INTVL = 'net.ipv4.tcp_keepalive_intvl';
const PROBES = 'net.ipv4.tcp_keepalive_probes';
/** Google's documented recommendation (GCE troubleshooting); below every limit here. */

type Cloud = 'aws' | 'gcp' | 'azure';

const LIMITS: Readonly<Record<Cloud, { readonly seconds: number; readonly what: string }>> = {
  aws: { seconds: 350, what: 'AWS NAT gateways and Network Load Balancers drop TCP flows idle for 350 s (NLB default)' },
  gcp: { seconds: 600, what: 'Google Cloud tracks idle connections of VM instances for at most 10 minutes (600 s)' },
  azure: { seconds: 240, what: 'Azure Load Balancer and NAT gateway drop flows idle for 4 minutes (240 s, the default)' },
};

interface CloudContext {
  readonly cloud: Cloud;
  readonly evidence: string;
  readonly related: Related[];
}

const KERNEL_CLOUD: readonly (readonly [RegExp, Cloud])[] = [
  [/-aws\b|\.amzn\d*|amzn20\d\d/, 'aws'],
  [/-(?:gcp|gke)\b/, 'gcp'],
  [/-azure\b|\.cm2\b|\.azl\d/, 'azure'],
];
const ANNOTATION_CLOUD: readonly (readonly [RegExp, Cloud])[] = [
  [/^service\.beta\.kubernetes\.io\/aws-load-balancer-/, 'aws'],
  [/^(?:beta\.)?cloud\.google\.com\//, 'gcp'],
  [/^service\.beta\.kubernetes\.io\/azure-/, 'azure'],
];
const IMAGE_CLOUD: readonly (readonly [RegExp, Cloud])[] = [
  [/\.amazonaws\.com(?:\.cn)?$/, 'aws'],
  [/^gke\.gcr\.io$/, 'gcp'],
  [/^mcr\.microsoft\.com$/, 'azure'],
];

/** Which cloud the node runs in, from its kernel build, cloud-specific annotations or kube-proxy's image registry. */
function cloudContext(node: NodeSnapshot): CloudContext | undefined {
  const kernel = node.facts.kernel;
  if (kernel) {
    for (const [re, cloud] of KERNEL_CLOUD) {
      if (re.test(kernel.value.suffix)) return { cloud, evidence: `kernel ${kernel.value.text}`, related: factRelated(kernel, `${cloud.toUpperCase()} kernel build`) };
    }
  }
  for (const d of node.ofKind('k8s')) {
    for (const doc of allDocuments(d.model)) {
      if (doc.kind?.value === 'BackendConfig' && doc.apiVersion?.value.startsWith('cloud.google.com/')) {
        return { cloud: 'gcp', evidence: `a GKE BackendConfig in ${nodePath(d, node)}`, related: [{ document: d, span: doc.kind.span, message: 'GKE BackendConfig' }] };
      }
      for (const a of doc.metadata?.annotations ?? []) {
        for (const [re, cloud] of ANNOTATION_CLOUD) {
          if (re.test(a.key.value)) return { cloud, evidence: `annotation ${a.key.value} in ${nodePath(d, node)}`, related: [{ document: d, span: a.key.span, message: `${cloud.toUpperCase()} annotation` }] };
        }
      }
    }
    for (const c of containers(d.model)) {
      if (c.role !== 'kube-proxy' || !c.image?.registry) continue;
      for (const [re, cloud] of IMAGE_CLOUD) {
        if (re.test(c.image.registry)) return { cloud, evidence: `kube-proxy image from ${c.image.registry} in ${nodePath(d, node)}`, related: [{ document: d, span: c.image.span, message: `${cloud.toUpperCase()} kube-proxy image` }] };
      }
    }
  }
  return undefined;
}

/**
 * NET-TCP-KA-001: on a node whose cloud is known, `tcp_keepalive_time` at or above the idle limit
 * of that cloud's NAT / load balancers, so idle connections are silently forgotten before the
 * first keepalive probe. (The conntrack and IPVS idle timeouts are separate rules:
 * sysctl/conntrack-tcp-timeout-established and NET-IPVS-004.)
 */
export default defineRule({
  meta: {
    id: 'sysctl/tcp-keepalive-exceeds-idle-timeout',
    title: 'TCP keepalive starts after the cloud NAT / load balancer idle timeout',
    severity: 'info',
    reads: 'sysctl',
    uses: ['k8s'],
    fix: 'edit',
    messages: {
      probesTooLate:
        '{key} = {value}: the first keepalive probe goes out after {value} s of silence, but {limit}; this node runs there ({evidence}). Idle pooled connections (databases, gRPC, WebSockets) are forgotten by the middlebox and the next packet is dropped or reset; a dead peer is only noticed after {dead} s. Only sockets with SO_KEEPALIVE are affected, and pods keep their own per-namespace values (securityContext.sysctls, safe since Kubernetes 1.29).',
    },
  },
  *check({ document, node }) {
    const e = numberOf(document, KEY);
    if (!e) return;
    const ctx = cloudContext(node);
    if (!ctx) return;
    const limit = LIMITS[ctx.cloud];
    if (e.number < limit.seconds) return;
    const intvl = numberOf(document, INTVL)?.number ?? 75;
    const probes = numberOf(document, PROBES)?.number ?? 9;
    const dead = e.number + intvl * probes;
    yield {
      span: e.span,
      messageId: 'probesTooLate',
      data: { key: KEY, value: e.number, limit: limit.what, evidence: ctx.evidence, dead },
      related: ctx.related,
      fixes: setValueFixes(document, e, String(RECOMMENDED_KEEPALIVE_SECONDS), {
        title: `Set ${KEY} = ${RECOMMENDED_KEEPALIVE_SECONDS}`,
        safe: true,
        why: [`Probe idle connections before the cloud NAT / load balancer forgets them (${limit.seconds} s here).`],
        dropIn: '90-tcp-keepalive.conf',
      }),
    };
  },
});
