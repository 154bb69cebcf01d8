import { findMatch, matchOption } from '../../formats/iptables/query';
import type { Step } from '../../core/shell';
import { defineRule, type Related } from '../rule';
import { note, run, safeFix } from '../shared/commands';
import { percent } from '../shared/phrases';
import { firstNonZero, growth, latestTable, total } from '../../formats/conntrack/query';
import { describeGrowth, describeTotal, sysctlNumber, sysctlRelated } from './shared';
import { nodePath } from '../../node/nodePath';

/** The catalogue's ratio: invalid above 1 % of found + insert ... */
export const RATIO = 0.01;
/** ... when those count every lookup (old kernels); below this the denominator means nothing. */
export const MIN_DENOMINATOR = 10000;
/** Newer kernels count neither found nor insert for every packet: then only a large absolute count fires. */
export const ABSOLUTE = 10000;

export const INVALID_STEPS: readonly Step[] = [
  note('Log the packets conntrack marks INVALID (6 = TCP; 255 = all protocols) for a while, then read them with dmesg:'),
  run('sysctl', '-w', 'net.netfilter.nf_conntrack_log_invalid=6'),
  note('Turn the logging off again afterwards:'),
  note('sysctl -w net.netfilter.nf_conntrack_log_invalid=0'),
  note('If the cause is benign TCP window tracking (heavy loss or reordering), kube-proxy 1.29+ can set'),
  note('conntrack.tcpBeLiberal: true (net.netfilter.nf_conntrack_tcp_be_liberal = 1) and then omits its INVALID drop rule.'),
];

export default defineRule({
  meta: {
    id: 'conntrack/invalid-high',
    title: 'conntrack invalid counter high (packets conntrack could not classify)',
    severity: 'info',
    reads: 'conntrack',
    uses: ['sysctl', 'iptables'],
    fix: 'command',
    messages: {
      // {details}: growth and be_liberal evidence (sentences with a leading space).
      highShare:
        '{counter} is {share} of found + insert ({denominator}). INVALID packets are ones conntrack cannot place in a flow (out-of-window TCP after loss or reordering, retransmissions of flows whose entry expired, bad checksums); kube-proxy drops forwarded INVALID packets so they do not reach pods un-NATed and provoke resets, but legitimate traffic with odd windows then stalls. Some INVALID traffic is normal (ICMP errors, scans).{details}',
      highSinceBoot:
        '{counter} since boot. INVALID packets are ones conntrack cannot place in a flow (out-of-window TCP after loss or reordering, retransmissions of flows whose entry expired, bad checksums); kube-proxy drops forwarded INVALID packets so they do not reach pods un-NATed and provoke resets, but legitimate traffic with odd windows then stalls. Some INVALID traffic is normal (ICMP errors, scans).{details}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const table = latestTable(model, 'invalid');
    if (!table) return;
    const invalid = total(table, 'invalid') ?? 0;
    if (invalid === 0) return;
    const denominator = (total(table, 'found') ?? 0) + (total(table, 'insert') ?? 0);
    const byRatio = denominator >= MIN_DENOMINATOR && invalid > RATIO * denominator;
    if (!byRatio && invalid < ABSOLUTE) return;
    const at = firstNonZero(table, 'invalid')!;
    const counter = describeTotal(table, 'invalid', invalid);
    const parts: string[] = [];
    const g = growth(model, 'invalid');
    parts.push(g ? describeGrowth('invalid', g) : 'Compare two conntrack -S snapshots to see how fast it grows.');
    const related: Related[] = [];
    const liberal = sysctlNumber(node, ['net.netfilter.nf_conntrack_tcp_be_liberal']);
    if (liberal) {
      related.push(sysctlRelated(liberal, `nf_conntrack_tcp_be_liberal = ${liberal.value}`));
      if (liberal.value !== 0) parts.push(`nf_conntrack_tcp_be_liberal is ${liberal.value} (${nodePath(liberal.document, node)}): only out-of-window RSTs are INVALID there, so look beyond TCP windows.`);
    }
    for (const d of node.ofKind('iptables')) {
      const rule = d.model.tables
        .find((t) => t.name.value === 'filter')
        ?.rules.find((r) => r.chain.value === 'KUBE-FORWARD' && r.target?.name.value === 'DROP' && findMatch(r, 'conntrack') && /INVALID/.test(matchOption(r, 'conntrack', '--ctstate')?.values[0]?.value ?? ''));
      if (rule) {
        related.push({ document: d, span: rule.span, message: 'kube-proxy drops forwarded INVALID packets here' });
        break;
      }
    }
    yield {
      span: at.value.span,
      ...(byRatio
        ? { messageId: 'highShare' as const, data: { counter, share: percent(invalid, denominator), denominator, details: parts.map((p) => ` ${p}`).join('') } }
        : { messageId: 'highSinceBoot' as const, data: { counter, details: parts.map((p) => ` ${p}`).join('') } }),
      related,
      fixes: [safeFix('Log INVALID packets to find their source', INVALID_STEPS)],
    };
  },
});
