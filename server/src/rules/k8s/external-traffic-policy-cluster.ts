import type { Severity } from '../../core/severity';
import { child, setValue } from '../../formats/k8s';
import { defineRule, type Finding, type Fix, type Related } from '../rule';
import { backendRelated, gkeIngressClass, longLivedEvidence, nodeIndex, objectsOf, type K8sObject, type NodeIndex } from './shared';
import { describeObject, nameOf, negIngressOn, serviceType } from '../../formats/k8s/query';

/**
 * Names and label values of Services that front ingress controllers / gateways: the component
 * whose logs, allow-lists and rate limits need the real client address.
 */
const EDGE_PROXY = /ingress-nginx|nginx-ingress|ingress-controller|ingressgateway|traefik|haproxy-ingress|contour|envoy-gateway|kong-proxy|emissary|ambassador/i;

export default defineRule({
  meta: {
    id: 'k8s/external-traffic-policy-cluster',
    title: 'NodePort/LoadBalancer Service with externalTrafficPolicy Cluster where the extra hop matters',
    severity: 'info',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      clusterSet: '{service} (type {type}) has externalTrafficPolicy: Cluster: external traffic may enter on a node without a ready pod, which forwards it to a pod on another node and SNATs it to its own address (extra hop, client IP lost). That matters here because {reasons}. externalTrafficPolicy: Local keeps the client IP and the single hop, but only nodes with a ready pod receive traffic (load follows pod placement).',
      clusterByDefault: '{service} (type {type}) has externalTrafficPolicy unset (Cluster): external traffic may enter on a node without a ready pod, which forwards it to a pod on another node and SNATs it to its own address (extra hop, client IP lost). That matters here because {reasons}. externalTrafficPolicy: Local keeps the client IP and the single hop, but only nodes with a ready pod receive traffic (load follows pod placement).',
    },
  },
  *check({ document, node }) {
    const mine = objectsOf(document).filter((o) => o.doc.service);
    if (mine.length === 0) return;
    const index = nodeIndex(document, node);
    for (const service of mine) {
      const f = check(service, index, document.text);
      if (f) yield f;
    }
  },
});

function check(service: K8sObject, index: NodeIndex, text: string): Finding<'clusterSet' | 'clusterByDefault'> | undefined {
  const svc = service.doc.service!;
  const type = serviceType(svc);
  if (type !== 'NodePort' && type !== 'LoadBalancer') return undefined;
  const etp = svc.externalTrafficPolicy;
  if (etp.present && (etp.templated || etp.value !== 'Cluster')) return undefined;
  // With ingress NEGs a GKE Ingress targets pods directly; a NodePort Service then has no external hop.
  if (type === 'NodePort' && negIngressOn(svc)) return undefined;

  const reasons: string[] = [];
  const related: Related[] = [];
  let incident = false;
  const gkeRefs = negIngressOn(svc) ? [] : index.ingressRefsTo(service.doc).filter((r) => gkeIngressClass(r.view, index.gke));
  const longLived = longLivedEvidence(service, index);
  if (gkeRefs.length > 0) {
    const explicitOff = svc.neg?.ingress?.value === false;
    reasons.push(
      `it is a backend of a GKE Ingress without NEGs${explicitOff ? '' : ' (unless the cluster enables them by default)'}: every request takes the load balancer → any node → kube-proxy → pod path, and the node in the middle holds the connection state (see gke/ingress-without-neg)`,
    );
    related.push(...gkeRefs.map((r) => backendRelated(r)));
    incident = explicitOff && longLived !== undefined;
  }
  if (longLived) {
    reasons.push(`${longLived.text}: a connection through a node that reboots or is preempted is lost even though its pod is fine`);
    related.push(...longLived.related);
  }
  const edgeName = [nameOf(service.doc), ...(service.doc.metadata?.labels ?? []).map((l) => (l.value.templated ? undefined : l.value.value))].find(
    (v): v is string => v !== undefined && EDGE_PROXY.test(v),
  );
  if (edgeName) reasons.push(`it looks like an ingress controller or gateway (${edgeName}), which needs the client address for logs, allow-lists and rate limits, but sees node addresses after the SNAT`);
  if (reasons.length === 0) return undefined;

  const severity: Severity | undefined = incident ? 'warning' : undefined;
  const edits = setValue(text, child(service.doc.ref, 'spec', 'externalTrafficPolicy'), 'Local');
  const fixes: Fix[] = edits ? [{ kind: 'edit', title: 'Set externalTrafficPolicy: Local (client IP kept, single hop; only nodes with a ready pod receive traffic)', edits, safe: false }] : [];
  return {
    span: etp.present ? etp.span : svc.type.present ? svc.type.span : svc.spec,
    messageId: etp.present ? 'clusterSet' : 'clusterByDefault',
    data: { service: describeObject(service.doc), type, reasons: reasons.join('; and ') },
    ...(severity ? { severity } : {}),
    related,
    ...(fixes.length ? { fixes } : {}),
  };
}
