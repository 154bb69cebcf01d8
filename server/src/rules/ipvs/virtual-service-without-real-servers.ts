import type { Severity } from '../../core/severity';
import { defineRule, type Fix } from '../rule';
import { wholeLineSpan } from '../shared/edits';
import { plural } from '../shared/phrases';
import { describeService } from '../../formats/ipvsadm/query';

/** Default `--service-node-port-range`: IPVS entries on node addresses with these ports are NodePorts. */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/**
 * NET-IPVS-007: a virtual service with no real server, or none that takes new connections (all
 * at weight 0). Connections to the address are balanced nowhere.
 */
export default defineRule({
  meta: {
    id: 'ipvs/virtual-service-without-real-servers',
    title: 'IPVS virtual service with no real servers (or only weight-0 ones)',
    severity: 'info',
    reads: 'ipvsadm',
    fix: 'edit',
    messages: {
      allWeightZero:
        "{service} has {servers}, all at weight 0: IPVS schedules no new connection to any of them, so new clients of this address fail while existing connections drain. In kube-proxy's IPVS mode every endpoint is terminating (or kube-proxy left the weights at 0 after a restart, kubernetes#92019); elsewhere all servers are quiesced, e.g. by failed health checks.",
      noRealServers:
        '{service} has no real servers: connections to it are balanced nowhere and fail (kube-proxy also installs rules that reject or drop them; the exact client-visible behaviour differs by version). In Kubernetes the Service has no ready endpoints (selector matches no pod, or none passes its readiness probe): check kubectl get endpointslices -l kubernetes.io/service-name=<service>.',
      noRealServersLastLine: '{service} has no real servers: connections to it are balanced nowhere and fail (kube-proxy also installs rules that reject or drop them; the exact client-visible behaviour differs by version). It is the last line of the paste: if the paste was cut here, its real servers are simply not shown.',
      noRealServersNodePort:
        '{service} has no real servers: connections to it are balanced nowhere and fail (kube-proxy also installs rules that reject or drop them; the exact client-visible behaviour differs by version). Port {port} is in the default NodePort range: with externalTrafficPolicy: Local, nodes without a local endpoint of the Service have exactly such an empty entry, which is expected.',
    },
  },
  *check({ document }) {
    const { model, text } = document;
    for (const section of model.sections) {
      const services = section.services;
      for (let i = 0; i < services.length; i++) {
        const svc = services[i]!;
        const target = svc.address?.span ?? svc.fwmark?.span ?? svc.span;
        const name = describeService(svc);
        const rss = svc.realServers;
        if (rss.length > 0) {
          // Rows cut short (no weight column) prove nothing; weights only exist in some variants.
          if (!rss.every((r) => r.weight?.value === 0)) continue;
          yield {
            span: target,
            messageId: 'allWeightZero',
            data: { service: name, servers: plural(rss.length, 'real server') },
            severity: 'warning',
          };
          continue;
        }
        // Cannot tell: the next thing in the paste is an elision ('...') or the paste ends here.
        const after = nextContent(text, svc.span.end);
        if (after === 'elided') continue;
        const truncated = after === 'end' && i === services.length - 1 && section === model.sections[model.sections.length - 1];
        const port = svc.address?.port?.value;
        const nodePort = port !== undefined && port >= NODE_PORT_MIN && port <= NODE_PORT_MAX;
        let severity: Severity | undefined;
        let messageId: 'noRealServers' | 'noRealServersLastLine' | 'noRealServersNodePort' = 'noRealServers';
        if (truncated) {
          severity = 'hint';
          messageId = 'noRealServersLastLine';
        } else if (nodePort) {
          severity = 'hint';
          messageId = 'noRealServersNodePort';
        }
        const fixes: Fix[] = [];
        if (svc.variant === 'save') {
          fixes.push({
            kind: 'edit',
            title: `Remove the empty virtual service ${name} from this save file`,
            edits: [{ span: wholeLineSpan(text, svc.span.start), newText: '' }],
            safe: false,
          });
        }
        yield {
          span: target,
          messageId,
          data: { service: name, ...(messageId === 'noRealServersNodePort' ? { port: port! } : {}) },
          ...(severity ? { severity } : {}),
          ...(fixes.length ? { fixes } : {}),
        };
      }
    }
  },
});

/** What follows `offset` after the end of its line: more content, an elision line, or nothing. */
function nextContent(text: string, offset: number): 'content' | 'elided' | 'end' {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 32 || c === 9) {
      i++;
      continue;
    }
    if (text.startsWith('...', i) || text[i] === '…' || text.startsWith('[...]', i) || text.startsWith('(...)', i)) return 'elided';
    return 'content';
  }
  return 'end';
}
