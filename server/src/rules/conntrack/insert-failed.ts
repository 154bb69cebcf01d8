import type { Severity } from '../../core/severity';
import { downgrade } from '../../core/severity';
import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import { targetName } from '../../formats/iptables/query';
import type { Step } from '../../core/shell';
import { defineRule, type FindingMessage, type Related } from '../rule';
import { note, pipeline, run, safeFix } from '../shared/commands';
import { TELL_KERNEL } from '../../node/questions';
import { percent } from '../shared/phrases';
import { counter, growth, latestTable, total } from '../../formats/conntrack/query';
import { describeGrowth, describeTotal, kernelAtLeast, snatWithoutRandomFully } from './shared';
import { nodePath } from '../../node/nodePath';

/** From 5.10 resolved clashes go to clash_resolve and insert_failed counts real drops only (bc92470413f3). */
const CLASH_RESOLVE_KERNEL = [5, 10];
/** A DNS share of the table above this makes the DNS race the likely cause. */
const DNS_SHARE = 0.1;
const MAX_RELATED_RULES = 5;

interface DnsShare {
  readonly document: ParsedDocument<'conntrack'>;
  readonly udp53: number;
  readonly entries: number;
  readonly dst?: string;
  readonly related?: Related;
}

/** The UDP/53 share of the largest connection table of the node (this file or another conntrack -L dump). */
function dnsShare(document: ParsedDocument<'conntrack'>, node: NodeSnapshot): DnsShare | undefined {
  let best: ParsedDocument<'conntrack'> | undefined;
  for (const d of [document, ...node.ofKind('conntrack').filter((x) => x !== document)]) {
    if (d.model.table.total > 0 && (!best || d.model.table.total > best.model.table.total)) best = d;
  }
  if (!best) return undefined;
  const dns = best.model.table.dns;
  let top = dns.udpByDst.groups[0];
  for (const g of dns.udpByDst.groups) if (g.count > top!.count) top = g;
  const ex = top?.examples[0];
  return {
    document: best,
    udp53: dns.udp,
    entries: best.model.table.total,
    ...(top ? { dst: top.key } : {}),
    ...(top && ex ? { related: { document: best, span: ex.span, message: `${top.count} UDP/53 entries to ${top.key}, e.g. this one` } } : {}),
  };
}

export function insertFailedSteps(dns: boolean, snat: boolean): Step[] {
  const steps = [note('insert_failed counts since boot: run this twice a minute apart and compare insert_failed.'), run('conntrack', '-S')];
  if (dns) {
    steps.push(
      note('DNS race: run NodeLocal DNSCache so pods query a node-local cache without DNAT (and it talks TCP upstream):'),
      note('  https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/'),
      note('glibc clients: add dnsConfig.options [{name: single-request-reopen}] to the pod spec (not honoured by musl/Alpine).'),
      note('Kernels 5.0 and 5.6 fix two of the three races (4e35c1cb9460, 6a757c07e51f).'),
    );
  }
  if (snat) {
    steps.push(
      note('SNAT port race: list MASQUERADE/SNAT rules without --random-fully (see iptables/masquerade-without-random-fully):'),
      pipeline(['iptables', '-t', 'nat', '-S'], [['grep', '-E', '--', '-j (MASQUERADE|SNAT)'], ['grep', '-v', '--', '--random-fully']], { mayFail: true }),
    );
  }
  return steps;
}

export default defineRule({
  meta: {
    id: 'conntrack/insert-failed',
    title: 'conntrack insert_failed > 0: packets lost to the conntrack insertion race (DNS/SNAT)',
    severity: 'warning',
    reads: 'conntrack',
    uses: ['iptables', 'sysctl'],
    fix: 'command',
    messages: {
      // {counted}: the counter and, when chaintoolong explains part of it, that part; {details}: growth, DNS and SNAT evidence (sentences with a leading space).
      racesNewKernel:
        '{counted} lost the race to insert their conntrack entry and had their packet dropped (DNS: a 5 s resolver timeout; TCP: a 1 s+ SYN retransmit). The kernel is 5.10 or later ({kernel}): clashes resolved without loss go to clash_resolve, so insert_failed counts real drops.{details}',
      racesOldKernel:
        '{counted} lost the race to insert their conntrack entry and had their packet dropped (DNS: a 5 s resolver timeout; TCP: a 1 s+ SYN retransmit). Before kernel 5.10 (here {kernel}) insert_failed also counts clashes that were resolved without any loss, so the number overstates the drops.{details}',
      racesKernelUnknown:
        '{counted} lost the race to insert their conntrack entry and had their packet dropped (DNS: a 5 s resolver timeout; TCP: a 1 s+ SYN retransmit). The kernel version is unknown: from 5.10 insert_failed counts real drops only, before 5.10 it also counts clashes resolved without loss (and from 5.15 over-long hash chains); {tellKernel}.{details}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const table = latestTable(model, 'insert_failed');
    if (!table) return;
    const failed = total(table, 'insert_failed') ?? 0;
    const chain = total(table, 'chaintoolong') ?? 0;
    // Since 5.15 a refused over-long hash chain bumps insert_failed too; that part is conntrack/chain-too-long.
    const races = failed - Math.min(failed, chain);
    if (races <= 0) return;
    let at = table.rows.map((r) => ({ f: counter(r, 'insert_failed'), c: counter(r, 'chaintoolong') })).find((x) => x.f && x.f.value.value > (x.c?.value.value ?? 0))?.f;
    at ??= table.rows.map((r) => counter(r, 'insert_failed')).find((c) => c && c.value.value > 0);
    if (!at) return;

    const counted =
      chain > 0
        ? `${describeTotal(table, 'insert_failed', failed)}, of which chaintoolong = ${chain} are insertions refused for over-long hash chains (see conntrack/chain-too-long); the other ${races} are new connections that`
        : `${describeTotal(table, 'insert_failed', failed)}: new connections`;
    const parts: string[] = [];
    let words: FindingMessage<'racesNewKernel' | 'racesOldKernel' | 'racesKernelUnknown'>;

    const kernel = kernelAtLeast(node, CLASH_RESOLVE_KERNEL, table);
    let severity: Severity = 'warning';
    if (kernel.answer === 'yes') {
      words = { messageId: 'racesNewKernel', data: { counted, kernel: kernel.evidence } };
    } else if (kernel.answer === 'no') {
      words = { messageId: 'racesOldKernel', data: { counted, kernel: kernel.evidence } };
      severity = 'info';
    } else {
      words = { messageId: 'racesKernelUnknown', data: { counted, tellKernel: TELL_KERNEL } };
      severity = downgrade(severity);
    }
    const g = growth(model, 'insert_failed');
    if (g) {
      parts.push(describeGrowth('insert_failed', g));
      severity = g.last > g.first ? 'warning' : 'info';
    }

    const related: Related[] = [];
    if (kernel.related) related.push(kernel.related);
    const dns = dnsShare(document, node);
    const dnsLikely = dns !== undefined && dns.udp53 > 0 && dns.udp53 >= DNS_SHARE * dns.entries;
    if (dns && dnsLikely) {
      parts.push(
        `${dns.udp53} of ${dns.entries} table entries (${percent(dns.udp53, dns.entries)}) are UDP/53${dns.dst ? `, mostly to ${dns.dst}` : ''}: the likely cause is the DNS race (glibc sends A and AAAA queries in parallel from one socket; through DNAT they clash).`,
      );
      if (dns.related) related.push(dns.related);
    }
    const snat = snatWithoutRandomFully(node);
    if (snat.length > 0) {
      const first = snat[0]!;
      parts.push(
        `${snat.length} MASQUERADE/SNAT rule${snat.length === 1 ? '' : 's'} without --random-fully (first in ${first.rule.chain.value}, ${nodePath(first.document, node)}) make the SNAT source-port race ${dnsLikely ? 'another' : 'the likely'} cause.`,
      );
      for (const e of snat.slice(0, MAX_RELATED_RULES)) {
        related.push({ document: e.document, span: e.rule.target!.name.span, message: `${targetName(e.rule)} in ${e.rule.chain.value} without --random-fully` });
      }
    }
    // Without evidence for either race, the script covers both.
    const unknownCause = !dnsLikely && snat.length === 0;
    yield {
      span: at.value.span,
      messageId: words.messageId,
      data: { ...words.data, details: parts.map((p) => ` ${p}`).join('') },
      severity,
      related,
      fixes: [safeFix('Check whether insert_failed still grows, then remove the race', insertFailedSteps(dnsLikely || unknownCause, snat.length > 0 || unknownCause))],
    };
  },
});
