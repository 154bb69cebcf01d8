import type { ConntrackEntry } from '../../formats/conntrack';
import { ruleComment } from '../../formats/iptables/query';
import { defineRule, type CommandFix, type Finding, type Related } from '../rule';
import { guarded, note, reviewFix, runMayFail } from '../shared/commands';
import { firstField } from '../../formats/conntrack/query';
import { serviceAddresses, type ServiceAddress } from './shared';
import { nodePath } from '../../node/nodePath';

/**
 * The TCP twin of conntrack/stale-udp-entry: `SYN_SENT [UNREPLIED]` entries to a Service or
 * load-balancer address whose reply side shows no DNAT (reply src == original dst). conntrack/
 * syn-sent-unreplied covers the DNATed ones (SYNs lost on the way to a pod); these never reached
 * kube-proxy's DNAT at all.
 */
const MAX_RELATED_EXAMPLES = 4;

export const STALE_SYN_REVIEW =
  'it deletes the TCP connection attempts to this address that are still in SYN_SENT (clients retry with a new entry, which kube-proxy then DNATs), and the dump is a snapshot: check first that they are still there (conntrack -L -p tcp --state SYN_SENT --orig-dst ADDRESS)';

/** `ip` and `port` come from the dump: the caller checks them first. */
export function staleSynFix(ip: string, port: string | undefined): CommandFix {
  return reviewFix(`Delete the stuck SYN_SENT entries to ${ip}${port ? `:${port}` : ''}`, STALE_SYN_REVIEW, [
    note(`Delete the TCP entries to ${ip}${port ? ` port ${port}` : ''} still in SYN_SENT (established connections are not touched);`),
    note('conntrack exits non-zero when nothing matched, hence "|| true":'),
    runMayFail('conntrack', '-D', '-p', 'tcp', '--state', 'SYN_SENT', '--orig-dst', ip, ...(port ? ['--orig-port-dst', port] : [])),
    note('If new ones keep appearing, check that kube-proxy has programmed this Service (its KUBE-SERVICES rule) and that the client does not reuse its source port.'),
  ]);
}

const addr = (ip: string, port: string | undefined): string => (port !== undefined ? `${ip}:${port}` : ip);

export default defineRule({
  meta: {
    id: 'conntrack/stale-tcp-syn-entry',
    title: 'SYN_SENT [UNREPLIED] TCP entry to a Service address without DNAT (bypassed kube-proxy)',
    severity: 'warning',
    reads: 'conntrack',
    uses: ['iptables'],
    fix: 'command',
    messages: {
      // {attempts}/{are}: 'N TCP connection attempts'/'are' or '1 TCP connection attempt'/'is'; {evidence}: why the address is a Service's; {withheld}: why no command is offered (leading space) or nothing.
      noEndpointsNow:
        '{attempts} to {destination} {are} stuck in SYN_SENT [UNREPLIED] without DNAT (the reply would come from {ip} itself), yet {ip} is a Service address ({evidence}). The Service has no endpoints right now, so its SYNs are not DNATed; they should be rejected at once (kube-proxy\'s REJECT rule), so an entry that stays points at traffic that does not pass that rule (a load-balancer or external address routed off the node, or a host-network client).{withheld}',
      stuckWithoutDnat:
        '{attempts} to {destination} {are} stuck in SYN_SENT [UNREPLIED] without DNAT (the reply would come from {ip} itself), yet {ip} is a Service address ({evidence}). NAT is decided on the first packet of a connection: these SYNs passed before kube-proxy had programmed the Service (a restart, a rule flush, an address routed to the node before its rules existed) or took a path without its DNAT, and the entry keeps every retransmission of the same connection on that path (120 s in SYN_SENT, refreshed by each SYN; clients or NATs that reuse the source port stay stuck longer). Clients see connect timeouts to a Service whose endpoints are fine.{withheld}',
    },
  },
  *check({ document, node }) {
    const { table } = document.model;
    const synSent = table.synSentUnreplied;
    if (synSent.total === 0) return;
    const services = new Map<string, ServiceAddress[]>();
    for (const s of serviceAddresses(node)) {
      const list = services.get(s.ip);
      if (list) list.push(s);
      else services.set(s.ip, [s]);
    }
    // Without an iptables dump the table itself can prove an address is a Service: other TCP entries to it WERE DNATed.
    const dnated = new Map<string, ConntrackEntry>();
    for (const e of table.sample) {
      if (e.complete && e.dnat && e.protocol.value === 'tcp' && e.original.dst) {
        const k = addr(e.original.dst.value, e.original.dport?.value === undefined ? undefined : String(e.original.dport.value));
        if (!dnated.has(k)) dnated.set(k, e);
      }
    }
    for (const group of synSent.groups) {
      const first = group.examples[0];
      if (!first) continue;
      // Groups are keyed by the reply source: equal to the original destination means no DNAT.
      const dst = firstField(document.text, first.span, 'dst');
      if (dst !== group.key) continue;
      const portText = firstField(document.text, first.span, 'dport');
      const port = portText !== undefined && /^\d+$/.test(portText) ? portText : undefined;
      const ip = group.key;
      const matches = (services.get(ip) ?? []).filter((s) => (s.protocol === undefined || s.protocol === 'tcp') && (s.port === undefined || port === undefined || s.port === Number(port)));
      const proof = dnated.get(addr(ip, port));
      if (matches.length === 0 && !proof) continue;

      const live = matches.filter((s) => !s.noEndpoints);
      const where = matches[0] ? nodePath(matches[0].document, node) : '';
      const comment = matches[0] ? ruleComment(matches[0].rule) : undefined;
      const n = group.count;
      const evidence = matches.length > 0 ? `KUBE-SERVICES in ${where}${comment ? `: "${comment}"` : ''}` : `other TCP entries to ${addr(ip, port)} in this file were DNATed to ${proof!.reply?.src?.value ?? 'a pod'}`;
      const data = { attempts: `${n} TCP connection attempt${n === 1 ? '' : 's'}`, are: n === 1 ? 'is' : 'are', destination: addr(ip, port), ip, evidence };
      const noEndpointsNow = matches.length > 0 && live.length === 0 && !proof;
      const related: Related[] = [];
      for (const s of matches.slice(0, 2)) {
        related.push({ document: s.document, span: s.span, message: s.noEndpoints ? `${s.ip} has no endpoints (${s.rule.target?.name.value ?? 'rule'})` : `kube-proxy DNATs ${addr(s.ip, s.port === undefined ? undefined : String(s.port))} here` });
      }
      if (proof) related.push({ document, span: proof.reply?.src?.span ?? proof.span, message: `${addr(ip, port)} DNATed to ${proof.reply?.src?.value ?? 'a pod'}` });
      for (const ex of group.examples.slice(1, MAX_RELATED_EXAMPLES + 1)) related.push({ document, span: ex.key, message: `another SYN_SENT entry to ${ip} without DNAT` });
      const g = guarded([['ipAddress', ip]], () => staleSynFix(ip, port));
      const finding: Finding<'noEndpointsNow' | 'stuckWithoutDnat'> = {
        span: first.key,
        messageId: noEndpointsNow ? 'noEndpointsNow' : 'stuckWithoutDnat',
        data: { ...data, withheld: 'fix' in g ? '' : ` ${g.withheld}` },
        ...('fix' in g ? { fixes: [g.fix] } : {}),
        ...(noEndpointsNow ? { severity: 'info' as const } : {}),
        related,
      };
      yield finding;
    }
  },
});
