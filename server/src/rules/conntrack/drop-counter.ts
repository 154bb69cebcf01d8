import type { Severity } from '../../core/severity';
import { pushAll } from '../../core/arrays';
import { defineRule, type Related } from '../rule';
import { percent } from '../shared/phrases';
import { counter, firstNonZero, growth, latestTable, total } from '../../formats/conntrack/query';
import { BUCKETS_KEYS, COUNT_KEYS, describeGrowth, describeTotal, MAX_KEYS, raiseMaxFix, sysctlNumber, sysctlRelated, where } from './shared';
import { nodePath } from '../../node/nodePath';

export default defineRule({
  meta: {
    id: 'conntrack/drop-counter',
    title: 'conntrack drop / early_drop > 0: the table was full at some point since boot',
    severity: 'warning',
    reads: 'conntrack',
    uses: ['sysctl'],
    fix: 'command',
    messages: {
      // {details}: races and evictions, the table's fill, and the counters' growth (sentences with a leading space).
      tableFullDrops:
        '{counter}: packets were dropped because no conntrack entry could be allocated, i.e. the table was full and nothing could be evicted ("nf_conntrack: table full, dropping packet"); new connections failed.{details}',
      earlyDrops:
        '{counter}: entries not yet assured were evicted to make room, so the table reached nf_conntrack_max at some point since boot; evicted flows lose their state (their next packets start over or are dropped as INVALID).{details}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const table = latestTable(model, 'drop') ?? latestTable(model, 'early_drop');
    if (!table) return;
    const drop = total(table, 'drop') ?? 0;
    const early = total(table, 'early_drop') ?? 0;
    const failed = total(table, 'insert_failed');
    const chain = total(table, 'chaintoolong') ?? 0;
    // A lost insertion race (nf_ct_resolve_clash) bumps drop AND insert_failed; an over-long chain
    // bumps insert_failed but not drop. Drops up to insert_failed - chaintoolong may be races, not a full table.
    const races = failed === undefined ? 0 : Math.max(0, failed - chain);
    const unexplained = drop - Math.min(drop, races);

    const max = sysctlNumber(node, MAX_KEYS);
    const live = sysctlNumber(node, COUNT_KEYS);
    const buckets = sysctlNumber(node, BUCKETS_KEYS);
    const related: Related[] = [];
    const now: string[] = [];
    if (max) related.push(sysctlRelated(max, `nf_conntrack_max = ${max.value}`));
    if (live) {
      related.push(sysctlRelated(live, `nf_conntrack_count = ${live.value}`));
      now.push(max ? `The table now holds ${live.value} of ${max.value} entries (${percent(live.value, max.value)}).` : `The table now holds ${live.value} entries (${where(live, node)}).`);
    } else if (max) now.push(`nf_conntrack_max is ${max.value} (${nodePath(max.document, node)}).`);
    const fixes = [raiseMaxFix(max?.value, live?.value, buckets?.value)];

    let severity: Severity;
    const parts: string[] = [];
    let at;
    let head: { messageId: 'tableFullDrops' | 'earlyDrops'; counter: string };
    if (unexplained > 0) {
      at = table.rows.map((r) => counter(r, 'drop')).find((c) => c && c.value.value > 0)!;
      severity = 'warning';
      head = { messageId: 'tableFullDrops', counter: describeTotal(table, 'drop', drop) };
      if (races > 0) parts.push(`Up to ${Math.min(drop, races)} of them may instead be lost insertion races (insert_failed, see conntrack/insert-failed).`);
      if (early > 0) parts.push(`early_drop = ${early}: entries were also evicted to make room.`);
    } else if (early > 0) {
      at = firstNonZero(table, 'early_drop')!;
      severity = 'info';
      head = { messageId: 'earlyDrops', counter: describeTotal(table, 'early_drop', early) };
    } else return;
    pushAll(parts, now);
    const g = growth(model, unexplained > 0 ? 'drop' : 'early_drop');
    if (g) {
      parts.push(describeGrowth(unexplained > 0 ? 'drop' : 'early_drop', g));
      if (g.last <= g.first) severity = 'info';
    } else parts.push('The counters count since boot; take a second conntrack -S to see whether they still grow.');
    yield { span: at.value.span, messageId: head.messageId, data: { counter: head.counter, details: parts.map((p) => ` ${p}`).join('') }, severity, related, fixes };
  },
});
