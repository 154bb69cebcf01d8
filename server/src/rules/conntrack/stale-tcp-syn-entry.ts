import { defineRule, type CommandFix, type Finding } from '../rule';
import { guarded, note, reviewFix, runMayFail } from '../shared/commands';
import { firstField } from '../../formats/conntrack/query';
import { dnatedByDestination, servicesByIp, undnatedServiceEntries } from './shared';

/**
 * The TCP twin of conntrack/stale-udp-entry: `SYN_SENT [UNREPLIED]` entries to a Service or
 * load-balancer address whose reply side shows no DNAT (reply src == original dst). conntrack/
 * syn-sent-unreplied covers the DNATed ones (SYNs lost on the way to a pod); these never reached
 * kube-proxy's DNAT at all.
 */
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
    // Without an iptables dump the table itself can prove an address is a Service: other TCP entries to it WERE DNATed.
    const q = { document, node, protocol: 'tcp', services: servicesByIp(node), dnated: dnatedByDestination('tcp', table.sample), entries: 'TCP entries', example: 'SYN_SENT entry' } as const;
    for (const group of synSent.groups) {
      const first = group.examples[0];
      // Groups are keyed by the reply source: equal to the original destination means no DNAT.
      if (!first || firstField(document.text, first.span, 'dst') !== group.key) continue;
      const found = undnatedServiceEntries(q, group);
      if (!found) continue;
      const { ip, port, destination, evidence, noEndpointsNow, related } = found;
      const n = group.count;
      const data = { attempts: `${n} TCP connection attempt${n === 1 ? '' : 's'}`, are: n === 1 ? 'is' : 'are', destination, ip, evidence };
      const g = guarded([['ipAddress', ip]], () => staleSynFix(ip, port === undefined ? undefined : String(port)));
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
