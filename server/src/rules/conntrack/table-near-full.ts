import type { Severity } from '../../core/severity';
import { downgrade } from '../../core/severity';
import type { Span } from '../../core/span';
import type { ConntrackModel } from '../../formats/conntrack';
import { defineRule, type Finding, type Related } from '../rule';
import { percent } from '../shared/phrases';
import { counter, latestTable } from '../../formats/conntrack/query';
import { BUCKETS_KEYS, COUNT_KEYS, KUBE_PROXY_CONNTRACK_MIN, MAX_KEYS, raiseMaxFix, sysctlNumber, sysctlRelated, where } from './shared';
import { nodePath } from '../../node/nodePath';

export const WARNING_RATIO = 0.8;
export const ERROR_RATIO = 0.95;

/** A number of table entries this document shows, and where. */
interface CountEvidence {
  readonly value: number;
  readonly span: Span;
  readonly what: string;
}

/**
 * Every count of entries the document gives: the `entries` column of /proc/net/stat/nf_conntrack
 * (exact), `conntrack -C` (exact), the `N flow entries have been shown` summary and the listed
 * entries themselves (lower bounds: the listing may be filtered or cut). The largest one wins.
 */
function bestCount(model: ConntrackModel): CountEvidence | undefined {
  const found: CountEvidence[] = [];
  const t = latestTable(model, 'entries');
  const entries = t?.rows[0] ? counter(t.rows[0], 'entries') : undefined;
  if (entries) found.push({ value: entries.value.value, span: entries.value.span, what: 'the entries column of /proc/net/stat/nf_conntrack' });
  const c = model.counts[model.counts.length - 1];
  if (c) found.push({ value: c.value, span: c.span, what: 'conntrack -C' });
  for (const s of model.summaries) {
    if (s.count && s.what === 'entries' && s.action === 'shown') found.push({ value: s.count.value, span: s.count.span, what: 'the conntrack -L summary' });
  }
  const listed = model.table.total + model.table.incomplete;
  const first = model.table.sample.find((e) => !e.event);
  if (listed > 0 && first) found.push({ value: listed, span: first.span, what: `the ${listed} entries listed in this file` });
  let best: CountEvidence | undefined;
  for (const f of found) if (!best || f.value > best.value) best = f;
  return best;
}

const ratioSeverity = (ratio: number): Severity | undefined => (ratio >= ERROR_RATIO ? 'error' : ratio >= WARNING_RATIO ? 'warning' : undefined);

export default defineRule({
  meta: {
    id: 'conntrack/table-near-full',
    title: 'conntrack table near nf_conntrack_max (new connections are dropped when it is full)',
    severity: 'warning',
    reads: 'conntrack',
    uses: ['sysctl'],
    fix: 'command',
    messages: {
      // {measured}: the entry count and where it was read.
      nearMax:
        'The conntrack table holds {measured}, {share} of nf_conntrack_max = {max} ({maxFrom}). When the table is full the kernel evicts entries not yet assured (early_drop) and otherwise drops the first packet of every new connection ("nf_conntrack: table full, dropping packet"): new connections and Service/NAT traffic fail while established ones keep working.',
      nearKubeProxyFloor:
        'The conntrack table holds {measured}, {share} of {floor}, the smallest nf_conntrack_max kube-proxy sets (max(conntrack.maxPerCore x CPUs, conntrack.min)); without kube-proxy the kernel default is nf_conntrack_buckets (4 x buckets on older kernels), which is sized by RAM. nf_conntrack_max itself is unknown: add sysctl -a output to this node folder. When the table is full the kernel evicts entries not yet assured (early_drop) and otherwise drops the first packet of every new connection ("nf_conntrack: table full, dropping packet"): new connections and Service/NAT traffic fail while established ones keep working.',
    },
  },
  *check({ document, node }) {
    const count = bestCount(document.model);
    if (!count) return;
    const max = sysctlNumber(node, MAX_KEYS);
    const live = sysctlNumber(node, COUNT_KEYS);
    const buckets = sysctlNumber(node, BUCKETS_KEYS);
    // nf_conntrack_count from sysctl -a is exact at the time of that dump; use it when it is larger.
    const fromSysctl = live !== undefined && live.value > count.value;
    const n = fromSysctl ? live.value : count.value;
    const related: Related[] = [];
    if (max) related.push(sysctlRelated(max, `nf_conntrack_max = ${max.value}`));
    if (live) related.push(sysctlRelated(live, `nf_conntrack_count = ${live.value}`));
    const measured = fromSysctl ? `nf_conntrack_count = ${n} (${where(live, node)}; this file shows ${count.value} from ${count.what})` : `${n} entries (from ${count.what})`;

    if (max) {
      const ratio = n / max.value;
      const severity = ratioSeverity(ratio);
      if (!severity) return;
      const finding: Finding<'nearMax'> = {
        span: count.span,
        messageId: 'nearMax',
        data: { measured, share: percent(n, max.value), max: max.value, maxFrom: nodePath(max.document, node) },
        severity,
        related,
        fixes: [raiseMaxFix(max.value, n, buckets?.value)],
      };
      yield finding;
      return;
    }

    // The limit is unknown: compare with kube-proxy's floor, the smallest value it ever sets.
    const severity = ratioSeverity(n / KUBE_PROXY_CONNTRACK_MIN);
    if (!severity) return;
    yield {
      span: count.span,
      messageId: 'nearKubeProxyFloor',
      data: { measured, share: percent(n, KUBE_PROXY_CONNTRACK_MIN), floor: KUBE_PROXY_CONNTRACK_MIN },
      severity: downgrade(severity),
      related,
      fixes: [raiseMaxFix(undefined, n, buckets?.value)],
    };
  },
});
