import { defineRule, type Related } from '../rule';
import { backendRelated, gkeIngressClass, nodeIndex, objectsOf } from './shared';
import { describeObject, negIngressOn, serviceType } from '../../formats/k8s/query';

const DEFAULT_TIMEOUT = 10800;

export default defineRule({
  meta: {
    id: 'k8s/session-affinity-behind-snat',
    title: 'sessionAffinity: ClientIP where clients share addresses or arrive through several nodes',
    severity: 'info',
    reads: 'k8s',
    messages: {
      pinned: '{service} pins each client IP to one pod for {timeout} s, keyed on the source address kube-proxy sees, but {reasons}. Implement stickiness at the L7 proxy (a cookie) or drop the affinity.',
      pinnedDefault: '{service} pins each client IP to one pod for {timeout} s (the default), keyed on the source address kube-proxy sees, but {reasons}. Implement stickiness at the L7 proxy (a cookie) or drop the affinity.',
    },
  },
  *check({ document, node }) {
    const mine = objectsOf(document).filter((o) => o.doc.service?.sessionAffinity.present);
    if (mine.length === 0) return;
    const index = nodeIndex(document, node);
    for (const service of mine) {
      const svc = service.doc.service!;
      const aff = svc.sessionAffinity;
      if (!aff.present || aff.templated || aff.value !== 'ClientIP') continue;
      const timeout = svc.sessionAffinityTimeout.present ? svc.sessionAffinityTimeout.value : DEFAULT_TIMEOUT;
      const reasons: string[] = [];
      const related: Related[] = [];
      const refs = index.ingressRefsTo(service.doc);
      if (refs.length > 0) {
        const neg = refs.some((r) => gkeIngressClass(r.view, index.gke)) && negIngressOn(svc);
        reasons.push(
          neg
            ? 'it is an Ingress backend with GKE NEGs: the load balancer sends requests straight to pod IPs, so kube-proxy (and this affinity) is not on the path at all'
            : 'it is an Ingress backend: kube-proxy sees the addresses of the proxy or load balancer, not of the clients, so all clients behind one proxy address stick to one pod (and controllers that route to endpoints directly, like ingress-nginx, bypass this setting entirely)',
        );
        related.push(...refs.map((r) => backendRelated(r)));
      }
      const type = serviceType(svc);
      const etp = svc.externalTrafficPolicy;
      if ((type === 'NodePort' || type === 'LoadBalancer') && (!etp.present || etp.value === 'Cluster')) {
        reasons.push(
          `it is a ${type} Service with externalTrafficPolicy Cluster: affinity state is kept per node (iptables "recent" lists, IPVS persistence templates), so a client whose connections the load balancer spreads over several nodes can land on different pods`,
        );
      }
      if (reasons.length === 0) continue;
      yield {
        span: aff.span,
        messageId: svc.sessionAffinityTimeout.present ? 'pinned' : 'pinnedDefault',
        data: { service: describeObject(service.doc), timeout, reasons: reasons.join('; and ') },
        related,
      };
    }
  },
});
