import type { Severity } from '../../core/severity';
import { downgrade } from '../../core/severity';
import type { Span } from '../../core/span';
import { describeFact } from '../../node/facts';
import type { ConntrackEntry } from '../../formats/conntrack';
import type { KernelGate } from '../../node/kernelVerdict';
import { kernelAgainst, kernelRelated, TELL_KERNEL } from '../../node/questions';
import type { Step } from '../../core/shell';
import { defineRule, type FindingMessage, type Related } from '../rule';
import { note, run, safeFix } from '../shared/commands';
import { percent } from '../shared/phrases';
import { firstField, readEntry } from '../../formats/conntrack/query';

/**
 * The last of the three conntrack clash fixes: "allow insertion of clashing entries" (6a757c07e51f,
 * 5.6) lets parallel A/AAAA queries DNATed to different backends both through. 4.19 (ed07d9a021df)
 * and 5.0 (4e35c1cb9460) fixed the same-tuple and NAT same-origin cases.
 */
export const DNS_RACE_GATE: KernelGate = {
  bug: 'conntrack drops one of two parallel UDP packets of a new flow when their entries clash (fixed by 6a757c07e51f)',
  mainline: [5, 6],
  stable: [],
};

/** At least this many DNATed UDP/53 entries without a reply ... */
export const MIN_UNREPLIED = 5;
/** ... making up at least this share of the UDP/53 entries. */
export const SHARE = 0.1;
/** Entries re-parsed at most while looking for an unanswered query to point at (rules run on every keystroke). */
const PARSE_BUDGET = 100;

export const DNS_STEPS: readonly Step[] = [
  note('Confirm lost inserts: insert_failed in conntrack -S grows with every lost race.'),
  run('conntrack', '-S'),
  note('Fix: run NodeLocal DNSCache so pods query a node-local cache without DNAT (and it talks TCP upstream):'),
  note('  https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/'),
  note('glibc clients: add dnsConfig.options [{name: single-request-reopen}] to the pod spec (not honoured by musl/Alpine).'),
  note('Lasting fix: a kernel with 4e35c1cb9460 (5.0) and 6a757c07e51f (5.6).'),
];

const isUnrepliedDnatDns = (e: ConntrackEntry | undefined): boolean =>
  e !== undefined && e.complete && e.dnat && e.unreplied !== undefined && e.protocol.value === 'udp' && e.original.dport?.value === 53;

export default defineRule({
  meta: {
    id: 'conntrack/dns-udp-race',
    title: 'Unanswered UDP/53 entries through DNAT on a kernel with the conntrack DNS race',
    severity: 'warning',
    reads: 'conntrack',
    uses: ['sysctl'],
    fix: 'command',
    messages: {
      // {busiest}: ' (the busiest DNS address is A with N entries)' or nothing.
      lostQueries:
        '{unreplied} of {total} UDP/53 entries ({share}) were DNATed to a DNS backend and never got a reply{busiest}: DNS queries through the node are being lost, which clients see as 5 s resolver timeouts. On kernels before 5.6 a further known source of 5 s DNS timeouts is the conntrack race between the A and AAAA queries glibc sends in parallel from one socket: both create an entry, one insertion fails and its packet is dropped. That packet leaves no entry behind, so confirm the race with insert_failed in conntrack -S (conntrack/insert-failed). Kernel 4.19 and 5.0 fixed the same-tuple and NAT cases, 5.6 the case where the two queries are DNATed to different DNS pods. Here: {kernel}; {verdict}. Unanswered entries themselves point at lost replies: DNS pods overloaded, or unreachable across nodes (see conntrack/syn-sent-unreplied).',
      lostQueriesKernelUnknown:
        '{unreplied} of {total} UDP/53 entries ({share}) were DNATed to a DNS backend and never got a reply{busiest}: DNS queries through the node are being lost, which clients see as 5 s resolver timeouts. On kernels before 5.6 a further known source of 5 s DNS timeouts is the conntrack race between the A and AAAA queries glibc sends in parallel from one socket: both create an entry, one insertion fails and its packet is dropped. That packet leaves no entry behind, so confirm the race with insert_failed in conntrack -S (conntrack/insert-failed). Kernel 4.19 and 5.0 fixed the same-tuple and NAT cases, 5.6 the case where the two queries are DNATed to different DNS pods. The kernel version is unknown (kernels before 5.6 are affected; {tellKernel}). Unanswered entries themselves point at lost replies: DNS pods overloaded, or unreachable across nodes (see conntrack/syn-sent-unreplied).',
    },
  },
  *check({ document, node }) {
    const { table } = document.model;
    const dns = table.dns;
    if (dns.udpUnreplied === 0) return;
    // Unreplied UDP/53 entries WITHOUT DNAT are stale Service entries (conntrack/stale-udp-entry) or
    // queries to resolvers outside the cluster: not this race. Groups are keyed by destination; one
    // example says whether the destination is a DNS server.
    let plain = 0;
    for (const g of table.udpUnrepliedNoDnat.groups) {
      const ex = g.examples[0];
      if (ex && firstField(document.text, ex.span, 'dport') === '53') plain += g.count;
    }
    const unreplied = Math.max(0, dns.udpUnreplied - plain);
    if (unreplied < MIN_UNREPLIED || unreplied < SHARE * dns.udp) return;

    const answer = kernelAgainst(node, DNS_RACE_GATE);
    const kernel = answer.kernel;
    const verdict = kernel ? answer : undefined;
    if (verdict?.verdict === 'fixed') return;

    // Point at the destination of an unanswered DNATed query: the parsed sample first, then the examples of the DNS groups.
    let span: Span | undefined = table.sample.find(isUnrepliedDnatDns)?.original.dst?.span;
    let top = dns.udpByDst.groups[0];
    for (const g of dns.udpByDst.groups) if (g.count > top!.count) top = g;
    if (!span) {
      let budget = PARSE_BUDGET;
      outer: for (const g of [top!, ...dns.udpByDst.groups]) {
        for (const ex of g.examples) {
          if (budget-- <= 0) break outer;
          if (isUnrepliedDnatDns(readEntry(document, ex))) {
            span = ex.key;
            break outer;
          }
        }
      }
    }
    span ??= top?.examples[0]?.key;
    if (!span) return;

    const data = { unreplied, total: dns.udp, share: percent(unreplied, dns.udp), busiest: top ? ` (the busiest DNS address is ${top.key} with ${top.count} entries)` : '' };
    let words: FindingMessage<'lostQueries' | 'lostQueriesKernelUnknown'>;
    let severity: Severity = 'warning';
    const related: Related[] = [];
    if (kernel && verdict) {
      words = { messageId: 'lostQueries', data: { ...data, kernel: describeFact(kernel, (v) => `kernel ${v.text}`), verdict: verdict.reason } };
      const k = kernelRelated(node);
      if (k) related.push(k);
      if (verdict.verdict === 'unknown') severity = downgrade(severity);
    } else {
      words = { messageId: 'lostQueriesKernelUnknown', data: { ...data, tellKernel: TELL_KERNEL } };
      severity = downgrade(severity);
    }
    yield {
      span,
      ...words,
      severity,
      related,
      fixes: [safeFix('Confirm the race and move DNS off the racy path', DNS_STEPS)],
    };
  },
});
