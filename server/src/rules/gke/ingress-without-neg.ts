import type { Severity } from '../../core/severity';
import { addAnnotation, child, setValue, type TextEdit } from '../../formats/k8s';
import { backendRelated, gkeIngressClass, longLivedEvidence, nodeIndex, objectsOf, type K8sObject, type NodeIndex } from '../k8s/shared';
import { describeObject, identitySpan, jsonInside, serviceType } from '../../formats/k8s/query';
import { defineRule, type Finding, type Fix, type Related } from '../rule';

const NEG_KEY = 'cloud.google.com/neg';
const NEG_VALUE = '{"ingress": true}';

export default defineRule({
  meta: {
    id: 'gke/ingress-without-neg',
    title: 'GKE Ingress backend Service without container-native load balancing (NEG)',
    severity: 'warning',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      negsOff: '{service} (type {type}) is a backend of GKE Ingress {ingresses} without container-native load balancing: the load balancer sends requests to a NodePort on any node, where kube-proxy forwards them (with externalTrafficPolicy Cluster also SNATs them) to a pod that may run elsewhere. That intermediate node holds the connection state, so its reboot or preemption silently breaks long-lived connections (WebSockets) that have nothing to do with it; with NEGs the load balancer targets pod IPs directly. cloud.google.com/neg sets "ingress": false, so NEGs are off for this Service.{also}',
      standaloneNegsOnly: '{service} (type {type}) is a backend of GKE Ingress {ingresses} without container-native load balancing: the load balancer sends requests to a NodePort on any node, where kube-proxy forwards them (with externalTrafficPolicy Cluster also SNATs them) to a pod that may run elsewhere. That intermediate node holds the connection state, so its reboot or preemption silently breaks long-lived connections (WebSockets) that have nothing to do with it; with NEGs the load balancer targets pod IPs directly. cloud.google.com/neg is set without "ingress": true (standalone NEGs only), so the Ingress uses instance groups unless the cluster overrides it.{also}',
      clusterDecides:
        '{service} (type {type}) is a backend of GKE Ingress {ingresses} without container-native load balancing: the load balancer sends requests to a NodePort on any node, where kube-proxy forwards them (with externalTrafficPolicy Cluster also SNATs them) to a pod that may run elsewhere. That intermediate node holds the connection state, so its reboot or preemption silently breaks long-lived connections (WebSockets) that have nothing to do with it; with NEGs the load balancer targets pod IPs directly. Whether NEGs are on anyway depends on the cluster, which manifests do not show: GKE ≥ 1.17.6-gke.7 annotates Services itself when the cluster is VPC-native, not Shared VPC and without GKE network policy (kubectl get service -o yaml shows the live annotation).{also}',
    },
  },
  *check({ document, node }) {
    const mine = objectsOf(document).filter((o) => o.doc.service);
    if (mine.length === 0) return;
    const index = nodeIndex(document, node);
    for (const service of mine) {
      const finding = check(service, index, document.text);
      if (finding) yield finding;
    }
  },
});

function check(service: K8sObject, index: NodeIndex, text: string): Finding<'negsOff' | 'standaloneNegsOnly' | 'clusterDecides'> | undefined {
  const context = index.gke;
  const svc = service.doc.service!;
  const type = serviceType(svc);
  // ClusterIP backends only work with NEGs (the controller rejects them otherwise), so they are on.
  if (type !== 'NodePort' && type !== 'LoadBalancer') return undefined;
  if (svc.neg?.ingress?.value === true) return undefined;
  if (svc.neg?.annotation.value.templated) return undefined;
  const refs = index.ingressRefsTo(service.doc).flatMap((r) => {
    const how = gkeIngressClass(r.view, context);
    return how ? [{ ref: r, how }] : [];
  });
  if (refs.length === 0) return undefined;

  const explicitOff = svc.neg?.ingress?.value === false;
  const longLived = longLivedEvidence(service, index);
  const first = refs[0]!;
  const ingNames = [...new Set(refs.map((r) => `${describeObject(r.ref.ingress.doc).replace(/^Ingress /, '')} (${r.how})`))].join(', ');
  const messageId = explicitOff ? 'negsOff' : svc.neg ? 'standaloneNegsOnly' : 'clusterDecides';
  // The long-lived evidence is a sentence of its own, present or not.
  const data = { service: describeObject(service.doc), type, ingresses: ingNames, also: longLived ? ` Also, ${longLived.text}.` : '' };
  // warning: NEGs are known to be off and connections are meant to last; otherwise one step lower.
  const severity: Severity | undefined = explicitOff && longLived ? undefined : 'info';

  const related: Related[] = [...refs.map((r) => backendRelated(r.ref, ` (${r.how})`)), ...(longLived?.related ?? [])];
  if (!gkeIngressClass(first.ref.view, undefined) && context) related.push({ document: context.file, span: context.span, message: `GKE evidence: ${context.what}` });

  const fixes: Fix[] = [];
  const edits = negEdits(service, text);
  if (edits) {
    fixes.push({
      kind: 'edit',
      title: `Add ${NEG_KEY}: '${NEG_VALUE}' (container-native load balancing; needs a VPC-native cluster)`,
      edits,
      safe: false,
    });
  }
  return {
    span: svc.neg ? svc.neg.annotation.value.span : identitySpan(service.doc),
    messageId,
    data,
    ...(severity ? { severity } : {}),
    related,
    ...(fixes.length ? { fixes } : {}),
  };
}

/** Sets `"ingress": true` inside an existing annotation (keeping exposed_ports), or adds the annotation. */
function negEdits(service: K8sObject, text: string): TextEdit[] | undefined {
  const svc = service.doc.service!;
  const annotationRef = child(service.doc.ref, 'metadata', 'annotations', NEG_KEY);
  if (!svc.neg) return addAnnotation(text, service.doc.ref, NEG_KEY, NEG_VALUE);
  const inside = setValue(text, jsonInside(annotationRef, ['ingress']), true);
  if (inside) return inside;
  // The value is not a JSON object we can edit in place; replace it only when nothing would be lost.
  return svc.neg.exposedPorts.length === 0 ? setValue(text, annotationRef, NEG_VALUE) : undefined;
}
