import { defineRule, type CommandFix, type Finding } from '../rule';
import { guarded, note, reviewFix, runMayFail } from '../shared/commands';
import { readEntry } from '../../formats/conntrack/query';
import { dnatedByDestination, servicesByIp, undnatedServiceEntries } from './shared';

/** Entries re-parsed at most for in-table proof (rules run on every keystroke). */
const PARSE_BUDGET = 50;

/** Why deleting entries waits for review: it is destructive and the dump is a snapshot. */
export const STALE_REVIEW = 'it deletes every UDP conntrack entry to this address (working ones are re-created on their next packet), and the dump is a snapshot: check first that the stale entries are still there (conntrack -L -p udp --orig-dst ADDRESS)';

/** `ip` comes from the dump: the caller checks it is an IP address first. */
export function staleFix(ip: string): CommandFix {
  return reviewFix(`Delete the stale UDP entries to ${ip}`, STALE_REVIEW, [
    note(`Delete the UDP entries to ${ip} (kube-proxy runs the same command when a UDP Service's endpoints change);`),
    note('conntrack exits non-zero when nothing matched, hence "|| true":'),
    runMayFail('conntrack', '-D', '-p', 'udp', '--orig-dst', ip),
    note('If such entries keep coming back, upgrade kube-proxy or restart it on this node (a restart clears them).'),
  ]);
}

export default defineRule({
  meta: {
    id: 'conntrack/stale-udp-entry',
    title: 'Stale UDP conntrack entry to a Service address without DNAT (traffic pinned to nothing)',
    severity: 'warning',
    reads: 'conntrack',
    uses: ['iptables'],
    fix: 'command',
    messages: {
      // {entries}/{have}: 'N UDP entries'/'have' or '1 UDP entry'/'has'; {evidence}: why the address is a Service's; {withheld}: why no command is offered (leading space) or nothing.
      noEndpointsNow:
        '{entries} to {destination} {have} no DNAT and no reply (the reply would come from {ip} itself), yet {ip} is a Service address ({evidence}). The Service has no endpoints right now (kube-proxy rejects its traffic), which is why the flow was not DNATed; once endpoints appear, this entry keeps the client pinned to nothing for as long as it keeps sending, unless kube-proxy deletes it.{withheld}',
      pinnedToNothing:
        '{entries} to {destination} {have} no DNAT and no reply (the reply would come from {ip} itself), yet {ip} is a Service address ({evidence}). The flow was created while the Service had no endpoints (or before kube-proxy programmed its rules); every packet from the same source port refreshes the entry (30 s, 120 s once it is a stream), so this client (DNS, syslog, StatsD) never reaches the endpoints. kube-proxy deletes such entries when endpoints change; entries that survive that point at a kube-proxy bug (k/k#48370; 1.32 reconciler regressions).{withheld}',
    },
  },
  *check({ document, node }) {
    const { table } = document.model;
    const stale = table.udpUnrepliedNoDnat;
    if (stale.total === 0) return;

    // Without an iptables dump, the table itself can prove an address is a Service: other UDP
    // entries to the same address and port WERE DNATed. Bounded: the parsed sample and DNS examples
    // of destinations that also have stale entries (their examples may show the DNATed flows).
    const staleKeys = new Set(stale.groups.map((g) => g.key));
    const dnsExamples = table.dns.udpByDst.groups.filter((g) => staleKeys.has(g.key)).flatMap((g) => g.examples).slice(0, PARSE_BUDGET);
    const dnated = dnatedByDestination('udp', [...table.sample, ...dnsExamples.map((ex) => readEntry(document, ex))]);
    const q = { document, node, protocol: 'udp', services: servicesByIp(node), dnated, entries: 'entries', example: 'entry' } as const;

    for (const group of stale.groups) {
      const first = group.examples[0];
      const found = first && undnatedServiceEntries(q, group);
      if (!first || !found) continue;
      const { ip, destination, evidence, noEndpointsNow, related } = found;
      const data = { entries: `${group.count} UDP ${group.count === 1 ? 'entry' : 'entries'}`, have: group.count === 1 ? 'has' : 'have', destination, ip, evidence };
      const g = guarded([['ipAddress', ip]], () => staleFix(ip));
      // On the Service address (original destination) of the first stale entry.
      const finding: Finding<'noEndpointsNow' | 'pinnedToNothing'> = {
        span: first.key,
        messageId: noEndpointsNow ? 'noEndpointsNow' : 'pinnedToNothing',
        data: { ...data, withheld: 'fix' in g ? '' : ` ${g.withheld}` },
        ...('fix' in g ? { fixes: [g.fix] } : {}),
        ...(noEndpointsNow ? { severity: 'info' as const } : {}),
        related,
      };
      yield finding;
    }
  },
});
