import type { IptRule } from '../../formats/iptables/model';
import { chainName, isComplete, matchOption, ruleComment, table, targetName } from '../../formats/iptables/query';
import { serviceEndpointsFix } from '../shared/serviceEndpointsFix';
import { defineRule, type Related } from '../rule';
import { chainAnchor, servicePortOf } from './support';
import { nftablesMode } from '../nftables/shared';

const NO_ENDPOINTS = / has no endpoints$/;
/** Targets of a KUBE-SVC chain that forward nothing: masquerade marking, drop marking, rejects. */
const NOT_FORWARDING = new Set(['KUBE-MARK-MASQ', 'KUBE-MARK-DROP', 'REJECT', 'DROP', 'RETURN']);
const NO_LOCAL_ENDPOINTS = / has no local endpoints$/;

/**
 * NET-IPT-006: kube-proxy rejects traffic to Services without endpoints (filter `KUBE-SERVICES` /
 * `KUBE-EXTERNAL-SERVICES` "has no endpoints"), drops external traffic for
 * `externalTrafficPolicy: Local` Services without a local endpoint, and older versions left
 * `KUBE-SVC-*` chains without any `KUBE-SEP-*` jump.
 */
export default defineRule({
  meta: {
    id: 'iptables/service-without-endpoints',
    title: 'Service without (local) endpoints: kube-proxy rejects or drops its traffic',
    severity: 'info',
    reads: 'iptables',
    fix: 'command',
    messages: {
      noLocalEndpoint:
        "Service {service} (externalTrafficPolicy: Local) has no ready endpoint on this node: kube-proxy drops external traffic to {destination} here. That is expected on nodes without its pods as long as the load balancer health-checks the Service's healthCheckNodePort and steers traffic away from this node.",
      noReadyEndpoints:
        'Service {service} has no ready endpoints: kube-proxy {action} new connections to {destination}, so clients fail at once ("connection refused" / ICMP port unreachable). Check the Service\'s selector and the readiness of its pods.',
      noEndpointChains:
        "Service {service} has no endpoints: its chain {chain} jumps to no KUBE-SEP-* chain, so connections to the Service are not forwarded to any pod. Check the Service's selector and the readiness of its pods.",
    },
  },
  *check({ document, node }) {
    // On an nftables-mode node these rules are leftovers of another mode (nftables/leftover-proxy-rules
    // reports them); the Services' state is in table kube-proxy (nftables/service-without-endpoints).
    if (nftablesMode(node)) return;
    const { model } = document;
    const rejected = new Set<string>();
    const reported = new Map<string, Related[]>();
    const filter = table(model, 'filter');
    for (const rule of filter?.rules ?? []) {
      // The target first: it is kept on every rule, where the comment is read from the line and
      // then kept with the rule (on a 200 MB dump, every filter rule's details: 130 MB).
      const target = targetName(rule);
      if (target !== 'REJECT' && target !== 'DROP') continue;
      const comment = ruleComment(rule);
      if (!comment) continue;
      const local = NO_LOCAL_ENDPOINTS.test(comment);
      if (!local && !NO_ENDPOINTS.test(comment)) continue;
      const sp = servicePortOf(comment);
      if (!sp) continue;
      const portName = comment.replace(local ? NO_LOCAL_ENDPOINTS : NO_ENDPOINTS, '');
      rejected.add(portName);
      // One finding per Service port; its other addresses (node port, external and load-balancer IPs) are related.
      const key = `${local ? 'local ' : ''}${portName}`;
      const seen = reported.get(key);
      if (seen) {
        seen.push({ document, span: rule.span, message: `also ${local ? 'dropped' : 'rejected'}: ${describeDestination(rule)}` });
        continue;
      }
      const related: Related[] = [];
      reported.set(key, related);
      const where = describeDestination(rule);
      const words = local
        ? { messageId: 'noLocalEndpoint' as const, data: { service: portName, destination: where } }
        : { messageId: 'noReadyEndpoints' as const, data: { service: portName, destination: where, action: target === 'REJECT' ? 'rejects' : 'drops' } };
      yield { span: matchOption(rule, 'comment', '--comment')!.values[0]!.span, ...words, related, fixes: serviceEndpointsFix(sp.namespace, sp.name, local) };
    }

    const nat = table(model, 'nat');
    // A truncated table would make every chain after the cut look empty.
    if (!nat || !isComplete(model, nat)) return;
    const svcChains = new Set<string>();
    const withEndpoints = new Set<string>();
    const referrers = new Map<string, string>();
    for (const c of nat.chains) if (c.name.value.startsWith('KUBE-SVC-')) svcChains.add(c.name.value);
    // The last chain added to each set: rules come chain by chain, so most adds would repeat one.
    let lastSvc = '';
    let lastWith = '';
    for (const rule of nat.rules) {
      // Names from a save rule's columns: no tokens made for the 50,000 rules of a big nat table.
      const chain = chainName(rule);
      const target = targetName(rule);
      if (chain.startsWith('KUBE-SVC-')) {
        if (chain !== lastSvc) svcChains.add((lastSvc = chain));
        // KUBE-SEP-* jumps; also DNAT or chained KUBE-SVC-* in the userspace-era layout.
        if (target && chain !== lastWith && !NOT_FORWARDING.has(target)) withEndpoints.add((lastWith = chain));
      }
      if (target?.startsWith('KUBE-SVC-') && !referrers.has(target)) {
        const comment = ruleComment(rule);
        const sp = comment ? servicePortOf(comment) : undefined;
        if (comment && sp) referrers.set(target, comment.replace(/ (?:cluster IP|external IP|loadbalancer IP|nodePort|node port)$/i, '').split(' ')[0]!);
      }
    }
    for (const chain of svcChains) {
      if (withEndpoints.has(chain)) continue;
      const portName = referrers.get(chain);
      // Unreferenced chains are not reachable from any Service entry point; named ones already reported above.
      if (!portName || rejected.has(portName)) continue;
      const sp = servicePortOf(portName)!;
      yield {
        span: chainAnchor(nat, chain)!,
        messageId: 'noEndpointChains',
        data: { service: portName, chain },
        fixes: serviceEndpointsFix(sp.namespace, sp.name, false),
      };
    }
  },
});

function describeDestination(rule: IptRule): string {
  const d = rule.destination;
  const port = matchOption(rule, rule.protocol?.value.value ?? 'tcp', '--dport')?.values[0]?.value;
  if (d && !d.negation) return `${d.value.value.replace(/\/(?:32|128)$/, '')}${port ? ` port ${port}` : ''}`;
  return port ? `its port ${port}` : 'it';
}
