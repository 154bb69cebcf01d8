import type { Step } from '../../core/shell';
import { defineRule, type Related } from '../rule';
import { note, run, safeFix, write } from '../shared/commands';
import { counter, firstNonZero, growth, latestTable, total } from '../../formats/conntrack/query';
import { BUCKETS_KEYS, describeGrowth, describeTotal, MAX_KEYS, sysctlNumber, sysctlRelated } from './shared';

/** nf_conntrack_max / nf_conntrack_buckets above this lengthens chains (kube-proxy targets 4, the kernel default is 1). */
export const RATIO = 8;

/** Grow the hash table: to max/4 when the limit is known and the table is smaller, else double it. */
export function hashsizeSteps(max: number | undefined, buckets: number | undefined): Step[] {
  let value: number | undefined;
  if (max !== undefined && (buckets === undefined || buckets < max / 4)) value = Math.max(1, Math.floor(max / 4));
  else if (buckets !== undefined) value = buckets * 2;
  const why = note('Grow the conntrack hash table (root network namespace only; kube-proxy also raises it to nf_conntrack_max/4 at start-up):');
  if (value === undefined) {
    // Neither value is in the dump: show them and leave the arithmetic to the reader.
    return [
      why,
      run('sysctl', 'net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_buckets'),
      note('Then write a quarter of nf_conntrack_max to /sys/module/nf_conntrack/parameters/hashsize, and persist it:'),
      note('  echo "options nf_conntrack hashsize=<that value>" > /etc/modprobe.d/nf_conntrack.conf'),
    ];
  }
  return [
    why,
    write('/sys/module/nf_conntrack/parameters/hashsize', String(value)),
    note('Persist it for the next module load / boot:'),
    write('/etc/modprobe.d/nf_conntrack.conf', `options nf_conntrack hashsize=${value}`),
  ];
}

export default defineRule({
  meta: {
    id: 'conntrack/chain-too-long',
    title: 'conntrack hash chains too long (chaintoolong > 0 or nf_conntrack_max/buckets > 8)',
    severity: 'warning',
    reads: 'conntrack',
    uses: ['sysctl'],
    fix: 'command',
    messages: {
      // {ratio}: 'nf_conntrack_max / nf_conntrack_buckets = a / b = r'; {growth}: how the counter grew between captures (leading space) or nothing.
      refusedSmallTable:
        '{refused}: the kernel (5.15+) refused to insert new entries because their hash chain was too long, and dropped the packet (insert_failed grows with it). {ratio}: the hash table is small for the limit, so chains are long when the table fills.{growth}',
      refusedRatioFine:
        '{refused}: the kernel (5.15+) refused to insert new entries because their hash chain was too long, and dropped the packet (insert_failed grows with it). {ratio}: the ratio is not high, so suspect hash-flooding traffic or a table far over its usual size.{growth}',
      refusedRatioUnknown:
        '{refused}: the kernel (5.15+) refused to insert new entries because their hash chain was too long, and dropped the packet (insert_failed grows with it). Each entry is hashed twice, so chains grow with nf_conntrack_max / nf_conntrack_buckets; add sysctl -a output to this node folder to see both.{growth}',
      smallHashTable:
        '{ratio}: every entry is hashed twice, so with a full table the average hash chain is about {chain} entries long (kube-proxy sizes the table at max/4, the kernel default at max); lookups cost CPU on every packet, and kernels 5.15+ refuse insertions into over-long chains (chaintoolong).',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const max = sysctlNumber(node, MAX_KEYS);
    const buckets = sysctlNumber(node, BUCKETS_KEYS);
    const related: Related[] = [];
    if (max) related.push(sysctlRelated(max, `nf_conntrack_max = ${max.value}`));
    if (buckets) related.push(sysctlRelated(buckets, `nf_conntrack_buckets = ${buckets.value}`));
    const ratio = max && buckets && buckets.value > 0 ? max.value / buckets.value : undefined;
    const ratioText = ratio !== undefined ? `nf_conntrack_max / nf_conntrack_buckets = ${max!.value} / ${buckets!.value} = ${Number.isInteger(ratio) ? ratio : ratio.toFixed(1)}` : undefined;
    const fixes = [safeFix('Grow the conntrack hash table now and persistently', hashsizeSteps(max?.value, buckets?.value))];

    const table = latestTable(model, 'chaintoolong');
    const refused = table ? (total(table, 'chaintoolong') ?? 0) : 0;
    if (table && refused > 0) {
      const at = firstNonZero(table, 'chaintoolong')!;
      const g = growth(model, 'chaintoolong');
      const data = { refused: describeTotal(table, 'chaintoolong', refused), growth: g ? ` ${describeGrowth('chaintoolong', g)}` : '' };
      const words = ratioText
        ? { messageId: ratio! > RATIO ? ('refusedSmallTable' as const) : ('refusedRatioFine' as const), data: { ...data, ratio: ratioText } }
        : { messageId: 'refusedRatioUnknown' as const, data };
      yield { span: at.value.span, ...words, ...(g && g.last <= g.first ? { severity: 'info' as const } : {}), related, fixes };
      return;
    }

    // No refusals (or a kernel without the counter): an undersized hash table still costs CPU on every lookup.
    if (ratio === undefined || ratio <= RATIO || model.stats.length === 0) return;
    const last = model.stats[model.stats.length - 1]!;
    const row = last.rows[0];
    const c = row ? (counter(row, 'chaintoolong') ?? counter(row, 'search_restart')) : undefined;
    const span = c?.value.span ?? row?.span ?? last.span;
    yield {
      span,
      messageId: 'smallHashTable',
      data: { ratio: ratioText!, chain: Math.round(2 * ratio) },
      severity: 'info',
      related,
      fixes,
    };
  },
});
