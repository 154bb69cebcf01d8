import type { Severity } from '../../core/severity';
import { compareVersions } from '../../core/version';
import type { NftRule, NftStatement, NftTable } from '../../formats/nftables/model';
import { defineRule, type Fix, type TextEdit } from '../rule';
import { note, reviewFix } from '../shared/commands';
import { isIptablesNft, nftablesMode, podNetwork, textOf, thirdPartyTables } from './shared';
import { selectorText, tableLabel } from '../../formats/nftables/query';
import { cidrRelation } from './cidr';
import { TELL_KERNEL } from '../../node/questions';

type NatStatement = Extract<NftStatement, { kind: 'nat' }>;

/** `random` picks ports with full randomisation from kernel 5.0 (as iptables' --random). */
const RANDOM_IS_FULLY = [5, 0];

/**
 * The nft form of the SNAT port race: `masquerade` / `snat` of pod traffic without `fully-random`
 * lets two connections leaving at the same moment get the same source port; the second conntrack
 * insert fails and its packet is dropped (1 s+ connect delays, `insert_failed`). kube-proxy's own
 * `masquerade fully-random` is always fully random; this looks at every other table.
 */
export default defineRule({
  meta: {
    id: 'nftables/masquerade-without-fully-random',
    title: 'masquerade/snat of pod traffic without fully-random outside kube-proxy (SNAT port race)',
    severity: 'info',
    reads: 'nftables',
    uses: ['k8s', 'iptables', 'sysctl'],
    fix: 'edit',
    messages: {
      // {random}: ' It has `random`, ...' when it has, or nothing.
      podNetwork:
        '{nat} in {chain} (table {table}) picks source ports without fully-random: two connections NATed at the same moment can get the same port, the second conntrack insert fails and its packet is dropped (1 s+ connect delays, insert_failed in conntrack -S). kube-proxy\'s own masquerade is always fully-random; this rule is another component\'s. It applies to the pod network {pods} ({podsFrom}).{random}',
      anySource:
        '{nat} in {chain} (table {table}) picks source ports without fully-random: two connections NATed at the same moment can get the same port, the second conntrack insert fails and its packet is dropped (1 s+ connect delays, insert_failed in conntrack -S). kube-proxy\'s own masquerade is always fully-random; this rule is another component\'s. It matches no source address, so it applies to pod traffic too.{random}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const pods = podNetwork(node);
    const kube = nftablesMode(node) !== undefined || pods !== undefined;
    if (!kube) return;
    // iptables-nft tables are what iptables-save shows: iptables/masquerade-without-random-fully reports them there.
    const iptablesDump = node.ofKind('iptables').length > 0;
    const kernel = node.facts.kernel;
    const randomIsFully = kernel !== undefined && compareVersions(kernel.value.parts, RANDOM_IS_FULLY) >= 0;
    const third = new Set(thirdPartyTables(model));
    const tables = model.tables.filter((t) => third.has(t) || (!iptablesDump && isIptablesNft(model, t)));
    for (const t of tables) {
      for (const c of t.chains) {
        for (const r of c.rules) {
          const nat = r.statements.find((s): s is NatStatement => s.kind === 'nat' && (s.type.value === 'masquerade' || s.type.value === 'snat'));
          if (!nat) continue;
          const flags = nat.flags.flatMap((f) => f.value.split(','));
          if (flags.includes('fully-random') || (flags.includes('random') && randomIsFully)) continue;
          const scope = podScope(r, pods?.cidr);
          if (scope === 'no') continue;
          let severity: Severity | undefined;
          let random = '';
          if (flags.includes('random')) {
            random = ' It has `random`, which is as good on kernel 5.0 or later; the kernel version is unknown (' + TELL_KERNEL + ').';
            severity = 'hint';
          }
          const data = { nat: nat.type.value, chain: c.name.value, table: tableLabel(t), random };
          const words = scope === 'pods' ? { messageId: 'podNetwork' as const, data: { ...data, pods: pods!.cidr, podsFrom: pods!.describe } } : { messageId: 'anySource' as const, data };
          const fixes: Fix[] = [];
          const edit = addFullyRandom(nat);
          if (model.variant === 'script') fixes.push({ kind: 'edit', title: `Add fully-random to this ${nat.type.value}`, edits: [edit], safe: node.facts.vxlanDevice === undefined });
          else fixes.push(replaceNote(t, r, textOf(document, r.span), edit, r.span.start));
          yield { span: nat.type.span, ...words, ...(severity ? { severity } : {}), fixes };
        }
      }
    }
  },
});

/** Whether the rule NATs pod traffic: its `ip saddr` is (inside) the pod network, it has none, or it excludes pods. */
function podScope(r: NftRule, pods: string | undefined): 'pods' | 'any' | 'no' {
  for (const s of r.statements) {
    if (s.kind !== 'match' || selectorText(s.left) !== 'ip saddr' || s.right?.kind !== 'value') continue;
    if (s.op?.value === '!=') return 'no';
    if (!pods) return 'no';
    return cidrRelation(s.right.text, pods) === 'disjoint' ? 'no' : 'pods';
  }
  if (r.statements.some((s) => s.kind === 'match' && selectorText(s.left) === 'ip6 saddr')) return 'no';
  return 'any';
}

/** `masquerade` → `masquerade fully-random`; `masquerade persistent` → `masquerade persistent,fully-random`. */
function addFullyRandom(nat: NatStatement): TextEdit {
  const last = nat.flags[nat.flags.length - 1];
  return last ? { span: { start: last.span.end, end: last.span.end }, newText: ',fully-random' } : { span: { start: nat.span.end, end: nat.span.end }, newText: ' fully-random' };
}

/** A listing is not re-applied: the rule, rewritten, for `nft replace rule` by hand (never run: the text is the dump's). */
function replaceNote(t: NftTable, r: NftRule, text: string, edit: TextEdit, base: number): Fix {
  const at = edit.span.start - base;
  const fixed = text.slice(0, at) + edit.newText + text.slice(at);
  const where = r.handle ? `handle ${r.handle.value}` : 'its handle (nft -a list chain …)';
  return reviewFix('Replace the rule with a fully-random one', 'it replaces a rule of another component, which may write it back; change that component\'s configuration too', [
    note(`Replace rule ${where} of chain ${r.chain} in table ${tableLabel(t)} with:`),
    note(`  ${fixed}`),
    note(`e.g. nft replace rule ${tableLabel(t)} <chain> handle <N> <rule>, after checking it with nft -a list table ${tableLabel(t)}`),
  ]);
}
