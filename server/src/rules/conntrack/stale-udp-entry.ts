import type { ConntrackEntry } from '../../formats/conntrack';
import { ruleComment } from '../../formats/iptables/query';
import { defineRule, type CommandFix, type Finding, type Related } from '../rule';
import { guarded, note, reviewFix, runMayFail } from '../shared/commands';
import { firstField, readEntry } from '../../formats/conntrack/query';
import { serviceAddresses, type ServiceAddress } from './shared';
import { nodePath } from '../../node/nodePath';

const MAX_RELATED_EXAMPLES = 4;
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

/** `10.96.0.10:53` when the port is known. */
const addr = (ip: string, port: number | undefined): string => (port !== undefined ? `${ip}:${port}` : ip);

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

    // Service addresses kube-proxy DNATs (KUBE-SERVICES -d IP/32 rules), by address.
    const services = new Map<string, ServiceAddress[]>();
    for (const s of serviceAddresses(node)) {
      const list = services.get(s.ip);
      if (list) list.push(s);
      else services.set(s.ip, [s]);
    }
    // Without an iptables dump, the table itself can prove an address is a Service: other UDP
    // entries to the same address and port WERE DNATed. Bounded: the parsed sample and DNS examples.
    const dnated = new Map<string, ConntrackEntry>();
    const note = (e: ConntrackEntry | undefined): void => {
      if (e?.complete && e.dnat && e.protocol.value === 'udp' && e.original.dst) {
        const k = addr(e.original.dst.value, e.original.dport?.value);
        if (!dnated.has(k)) dnated.set(k, e);
      }
    };
    for (const e of table.sample) note(e);
    // DNS destinations that also have stale entries: their examples may show the DNATed flows.
    const staleKeys = new Set(stale.groups.map((g) => g.key));
    let budget = PARSE_BUDGET;
    for (const g of table.dns.udpByDst.groups) {
      if (!staleKeys.has(g.key)) continue;
      for (const ex of g.examples) if (budget-- > 0) note(readEntry(document, ex));
    }

    for (const group of stale.groups) {
      const first = group.examples[0];
      if (!first) continue;
      const portText = firstField(document.text, first.span, 'dport');
      const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
      const ip = group.key;
      const matches = (services.get(ip) ?? []).filter((s) => (s.protocol === undefined || s.protocol === 'udp') && (s.port === undefined || port === undefined || s.port === port));
      const proof = dnated.get(addr(ip, port));
      if (matches.length === 0 && !proof) continue;

      const related: Related[] = [];
      const live = matches.filter((s) => !s.noEndpoints);
      const evidence =
        matches.length > 0
          ? `KUBE-SERVICES in ${nodePath(matches[0]!.document, node)}${ruleComment(matches[0]!.rule) ? `: "${ruleComment(matches[0]!.rule)}"` : ''}`
          : `other entries to ${addr(ip, port)} in this file were DNATed to ${proof!.reply?.src?.value ?? 'a pod'}`;
      const data = { entries: `${group.count} UDP ${group.count === 1 ? 'entry' : 'entries'}`, have: group.count === 1 ? 'has' : 'have', destination: addr(ip, port), ip, evidence };
      for (const s of matches.slice(0, 2)) {
        related.push({ document: s.document, span: s.span, message: s.noEndpoints ? `${s.ip} has no endpoints (${s.rule.target?.name.value ?? 'rule'})` : `kube-proxy DNATs ${addr(s.ip, s.port)} here` });
      }
      if (proof) related.push({ document, span: proof.reply?.src?.span ?? proof.span, message: `${addr(ip, port)} DNATed to ${proof.reply?.src?.value ?? 'a pod'}` });
      for (const ex of group.examples.slice(1, MAX_RELATED_EXAMPLES + 1)) related.push({ document, span: ex.key, message: `another entry to ${ip} without DNAT` });

      const noEndpointsNow = matches.length > 0 && live.length === 0 && !proof;
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
