import type { Span } from '../../core/span';
import { pushAll } from '../../core/arrays';
import type { IptChain, IptRule, IptTable } from '../../formats/iptables/model';
import { ruleIndex } from '../../formats/iptables/navigation';
import { ChainMemo } from '../shared/chainMemo';
import { isComplete, matchOption, ruleComment, ruleStart, table, targetName } from '../../formats/iptables/query';
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
    // The rejecting rules of every filter chain (kept per chain across edits: shared/chainMemo.ts),
    // in text order, as one pass over the table's rules would meet them.
    const rejecting: Rejecting[] = [];
    if (filter) for (const part of rejectMemo.parts(filter)) pushAll(rejecting, part);
    if (rejecting.length > 1) rejecting.sort((a, b) => ruleStart(a.rule) - ruleStart(b.rule));
    for (const { rule, target, local, portName, sp } of rejecting) {
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
    const parts = natMemo.parts(nat);
    // KUBE-SVC-* chains that forward nowhere: declared ones without rules, and those whose rules
    // all mark, drop or reject. Nearly every Service chain forwards, so the rest is worked out
    // for these few only.
    const idle = new Set<string>(unusedServiceChains(nat));
    for (const part of parts) if (part.service && !part.forwards) idle.add(part.chain);
    if (idle.size === 0) return;
    // Per such chain, the first rule (in text order) that jumps to it with a Service comment.
    const referrers = new Map<string, Referrer>();
    for (const part of parts) {
      for (const r of part.referrers) {
        if (!idle.has(r.target)) continue;
        const had = referrers.get(r.target);
        if (had === undefined || ruleStart(r.rule) < ruleStart(had.rule)) referrers.set(r.target, r);
      }
    }
    // In the order a pass over the table meets them: declared chains in declaration order, then
    // chains only appended to, in the order of their first rules.
    const declared = declaredServiceChains(nat.chains);
    const svcChains = declared.names.filter((c) => idle.has(c));
    for (const c of idle) if (!declared.set.has(c)) svcChains.push(c);
    let anchors: ReadonlyMap<string, Span> | undefined;
    for (const chain of svcChains) {
      const portName = referrers.get(chain)?.portName;
      // Unreferenced chains are not reachable from any Service entry point; named ones already reported above.
      if (!portName || rejected.has(portName)) continue;
      const sp = servicePortOf(portName)!;
      anchors ??= chainAnchors(nat);
      yield {
        span: anchors.get(chain) ?? chainAnchor(nat, chain)!,
        messageId: 'noEndpointChains',
        data: { service: portName, chain },
        fixes: serviceEndpointsFix(sp.namespace, sp.name, false),
      };
    }
  },
});

/** A filter rule that rejects or drops a Service port's traffic for want of (local) endpoints. */
interface Rejecting {
  readonly rule: IptRule;
  readonly target: string;
  readonly local: boolean;
  readonly portName: string;
  readonly sp: NonNullable<ReturnType<typeof servicePortOf>>;
}

/** What a nat chain tells about Services: whether it is a KUBE-SVC-* chain that forwards, and its rules' jumps to KUBE-SVC-* chains. */
interface NatPart {
  readonly chain: string;
  readonly service: boolean;
  readonly forwards: boolean;
  readonly referrers: readonly Referrer[];
}

interface Referrer {
  readonly target: string;
  readonly portName: string;
  readonly rule: IptRule;
}

const NONE: readonly never[] = Object.freeze([]);
const rejectMemo = new ChainMemo<readonly Rejecting[]>((_chain, rules) => rejectingRules(rules));
const natMemo = new ChainMemo<NatPart>(natPart);

/** The chain's rejecting rules, in chain order. */
function rejectingRules(rules: readonly IptRule[]): readonly Rejecting[] {
  let found: Rejecting[] | undefined;
  for (const rule of rules) {
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
    (found ??= []).push({ rule, target, local, portName, sp });
  }
  return found ?? NONE;
}

/** One nat chain's part (names from a save rule's columns: no tokens made for a big nat table's rules). */
function natPart(chain: string, rules: readonly IptRule[]): NatPart {
  const service = chain.startsWith('KUBE-SVC-');
  let forwards = false;
  let referrers: Referrer[] | undefined;
  let named: Set<string> | undefined;
  for (const rule of rules) {
    const target = targetName(rule);
    // KUBE-SEP-* jumps; also DNAT or chained KUBE-SVC-* in the userspace-era layout.
    if (service && target && !NOT_FORWARDING.has(target)) forwards = true;
    if (target?.startsWith('KUBE-SVC-') && !named?.has(target)) {
      const comment = ruleComment(rule);
      const sp = comment ? servicePortOf(comment) : undefined;
      if (comment && sp) {
        (named ??= new Set()).add(target);
        (referrers ??= []).push({ target, portName: comment.replace(/ (?:cluster IP|external IP|loadbalancer IP|nodePort|node port)$/i, '').split(' ')[0]!, rule });
      }
    }
  }
  return { chain, service, forwards, referrers: referrers ?? NONE };
}

/** KUBE-SVC-* chains of a chain list, in declaration order (kept per list: an edit of rule lines keeps the table's chains). */
const declaredServices = new WeakMap<readonly IptChain[], { readonly names: readonly string[]; readonly set: ReadonlySet<string> }>();
function declaredServiceChains(chains: readonly IptChain[]): { readonly names: readonly string[]; readonly set: ReadonlySet<string> } {
  let found = declaredServices.get(chains);
  if (!found) {
    const set = new Set<string>();
    for (const c of chains) if (c.name.value.startsWith('KUBE-SVC-')) set.add(c.name.value);
    found = { names: [...set], set };
    declaredServices.set(chains, found);
  }
  return found;
}

/** Declared KUBE-SVC-* chains without rules, in declaration order (kept per rule index: the same while rules stay in their chains). */
const unusedServices = new WeakMap<ReadonlyMap<string, readonly IptRule[]>, readonly string[]>();
function unusedServiceChains(nat: IptTable): readonly string[] {
  const inChain = ruleIndex(nat).inChain;
  let names = unusedServices.get(inChain);
  if (!names) {
    names = declaredServiceChains(nat.chains).names.filter((c) => !inChain.has(c));
    unusedServices.set(inChain, names);
  }
  return names;
}

/** Each declared chain's name span, by name (the first declaration, as chainAnchor finds it). */
function chainAnchors(t: IptTable): ReadonlyMap<string, Span> {
  const m = new Map<string, Span>();
  for (const c of t.chains) if (!m.has(c.name.value)) m.set(c.name.value, c.name.span);
  return m;
}

function describeDestination(rule: IptRule): string {
  const d = rule.destination;
  const port = matchOption(rule, rule.protocol?.value.value ?? 'tcp', '--dport')?.values[0]?.value;
  if (d && !d.negation) return `${d.value.value.replace(/\/(?:32|128)$/, '')}${port ? ` port ${port}` : ''}`;
  return port ? `its port ${port}` : 'it';
}
