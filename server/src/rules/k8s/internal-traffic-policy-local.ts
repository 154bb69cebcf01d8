import { child, setScalar } from '../../formats/k8s';
import { defineRule, type Fix, type Related } from '../rule';
import { nodeObjects, objectsOf, type K8sObject } from './shared';
import { describeObject, nameOf, sameNamespace } from '../../formats/k8s/query';

/** Labels that conventionally carry the app name shared by a workload and its Service. */
const APP_LABELS = new Set(['app', 'app.kubernetes.io/name', 'k8s-app', 'name', 'component', 'app.kubernetes.io/component']);

export default defineRule({
  meta: {
    id: 'k8s/internal-traffic-policy-local',
    title: 'internalTrafficPolicy: Local drops in-cluster traffic on nodes without a local endpoint',
    severity: 'info',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      local: '{service} has internalTrafficPolicy: Local: traffic from pods goes only to endpoints on the same node, and on a node without one it is dropped, not sent elsewhere. That is meant for node-local agents run as a DaemonSet (logging, DNS caches); for other workloads use Cluster.',
      localWithBackend: '{service} has internalTrafficPolicy: Local: traffic from pods goes only to endpoints on the same node, and on a node without one it is dropped, not sent elsewhere. Its backend looks like {backend}, not a DaemonSet. That is meant for node-local agents run as a DaemonSet (logging, DNS caches); for other workloads use Cluster.',
    },
  },
  *check({ document, node }) {
    const mine = objectsOf(document).filter((o) => o.doc.service?.internalTrafficPolicy.present);
    if (mine.length === 0) return;
    const objects = nodeObjects(document, node);
    for (const service of mine) {
      const itp = service.doc.service!.internalTrafficPolicy;
      if (!itp.present || itp.templated || itp.value !== 'Local') continue;
      const workloads = matchingWorkloads(service, objects);
      // Node-local agents (DaemonSets) are what Local is for: one endpoint on every node.
      if (workloads.some((w) => w.doc.kind?.value === 'DaemonSet')) continue;
      const related: Related[] = workloads.map((w) => ({
        document: w.file,
        span: w.doc.metadata?.name?.span ?? w.doc.span,
        message: `${describeObject(w.doc)} looks like this Service's backend: pods on nodes without one of its replicas get no answer`,
      }));
      const edits = setScalar(document.text, child(service.doc.ref, 'spec', 'internalTrafficPolicy'), 'Cluster');
      const fixes: Fix[] = edits ? [{ kind: 'edit', title: 'Set internalTrafficPolicy: Cluster (any endpoint in the cluster)', edits, safe: false }] : [];
      yield {
        span: itp.span,
        ...(workloads[0]
          ? { messageId: 'localWithBackend' as const, data: { service: describeObject(service.doc), backend: describeObject(workloads[0].doc) } }
          : { messageId: 'local' as const, data: { service: describeObject(service.doc) } }),
        related,
        ...(fixes.length ? { fixes } : {}),
      };
    }
  },
});

/** Workloads in the node whose name equals the Service's, or that share an app label value with it. */
function matchingWorkloads(service: K8sObject, objects: readonly K8sObject[]): K8sObject[] {
  const name = nameOf(service.doc);
  const labels = new Set((service.doc.metadata?.labels ?? []).filter((l) => APP_LABELS.has(l.key.value) && !l.value.templated).map((l) => `${l.key.value}=${l.value.value}`));
  return objects.filter((o) => {
    if (!o.doc.workload || !sameNamespace(o.doc, service.doc)) return false;
    if (name !== undefined && nameOf(o.doc) === name) return true;
    return (o.doc.metadata?.labels ?? []).some((l) => labels.has(`${l.key.value}=${l.value.value}`));
  });
}
