import type { NftElement } from '../../formats/nftables/model';
import { isKubeProxyTable } from '../../node/netfilter';
import { serviceEndpointsFix } from '../shared/serviceEndpointsFix';
import { defineRule } from '../rule';

/** kube-proxy's element comment: `ns/svc:port` (proxier.go writes the ServicePortName). */
const SERVICE_PORT = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?::(\S*))?$/;

/** The two maps kube-proxy fills with Services that have no ready endpoint, and what they hold. */
const MAPS: Readonly<Record<string, string>> = {
  'no-endpoint-services': 'its ClusterIP / external / load-balancer address',
  'no-endpoint-nodeports': 'its NodePort',
};

/**
 * In nftables mode a Service without ready endpoints is one element of `no-endpoint-services` or
 * `no-endpoint-nodeports` (→ `goto reject-chain`, or `drop` for externalTrafficPolicy Local), with
 * the Service named in the element comment: the nftables counterpart of iptables/service-without-endpoints.
 */
export default defineRule({
  meta: {
    id: 'nftables/service-without-endpoints',
    title: 'Service without ready endpoints (kube-proxy no-endpoint map element)',
    severity: 'info',
    reads: 'nftables',
    fix: 'command',
    messages: {
      noLocalEndpoint:
        'Service {service} has no ready endpoint on this node: kube-proxy drops traffic to {what} ({element}) here (map {map}, verdict drop: externalTrafficPolicy Local, or no endpoints at all). Expected on nodes without its pods as long as the load balancer health-checks the Service\'s healthCheckNodePort.',
      noReadyEndpoints:
        'Service {service} has no ready endpoints: kube-proxy rejects new connections to {what} ({element}) (map {map}, {verdict}), so clients fail at once with "connection refused". Check the Service\'s selector and the readiness of its pods.',
    },
  },
  *check({ document }) {
    for (const t of document.model.tables) {
      if (!isKubeProxyTable(t)) continue;
      const seen = new Set<string>();
      for (const set of t.sets) {
        const what = MAPS[set.name.value];
        if (!what) continue;
        for (const el of set.elements) {
          const comment = el.comment?.value;
          const sp = comment ? SERVICE_PORT.exec(comment) : null;
          if (!el.comment || !sp) continue;
          const verdict = verdictOf(el);
          const local = verdict === 'drop';
          const key = `${set.name.value} ${comment}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const target = document.text.slice(el.key.span.start, el.key.span.end);
          const data = { service: el.comment.value, what, element: target, map: set.name.value };
          const words = local ? { messageId: 'noLocalEndpoint' as const, data } : { messageId: 'noReadyEndpoints' as const, data: { ...data, verdict: verdict ?? 'reject' } };
          yield { span: el.comment.span, ...words, fixes: serviceEndpointsFix(sp[1]!, sp[3]!) };
        }
      }
    }
  },
});

function verdictOf(el: NftElement): string | undefined {
  if (el.verdict) return el.verdict.target ? `${el.verdict.verdict.value} ${el.verdict.target.value}` : el.verdict.verdict.value;
  return undefined;
}
