import { holdsPlaceholder } from '../../core/redaction';
import type { Severity } from '../../core/severity';
import type { IptRule } from '../../formats/iptables/model';
import { targetName, ruleKey } from '../../formats/iptables/query';
import { tripsGate } from '../../formats/iptables/versionGates';
import type { ListingRule } from '../../formats/iptables/listing/types';
import { defineRule, type Fix, type Related } from '../rule';
import { guarded, note, reviewFix, run } from '../shared/commands';
import { deleteLinesEdits, iptablesCommand, POSITION_REVIEW } from './support';
import { ChainMemo } from '../shared/chainMemo';

/** Targets after which the chain is left: a later identical copy can never match. */
const TERMINATING = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'NOTRACK', 'QUEUE', 'NFQUEUE']);
/** Targets that change what later rules match on. */
const MARKING = new Set(['MARK', 'CONNMARK']);
/** Duplicates across a document at which the rule set is clearly growing without bound. */
const RUNAWAY = 100;
/** Line numbers a message lists before it says "and N more". */
const LINES_IN_MESSAGE = 8;
/** Copies listed as related information (each a link in the editor); a runaway chain can have thousands. */
const MAX_RELATED = 200;

/**
 * Chain, target and the addresses: equal for every pair of identical rules, and read without the
 * rule's matches and options (which an iptables-save model reads from the line on first access).
 */
function cheapKey(rule: IptRule): string {
  return `${rule.chain.value}\u0000${rule.target?.name.value ?? ''}\u0000${rule.source?.value.value ?? ''}\u0000${rule.destination?.value.value ?? ''}`;
}

/** Chains up to this many rules are compared pairwise; longer ones through a set of their targets. */
const SMALL_CHAIN = 16;

/**
 * Whether two rules of a chain that the check compares may share a cheap key: chain (one per
 * list), target, source and destination equal. When not, the chain has no copies, and the maps
 * and key strings of the check (most of its time on a kube-proxy dump, whose thousands of chains
 * have rules with different targets) are not built. A value with a NUL (the keys' separator)
 * could make different values one key: such a chain is checked the full way, and so is a long
 * chain with a shared target.
 */
function mayRepeat(rules: readonly IptRule[], postrouting: boolean): boolean {
  const n = rules.length;
  // Targets first (a save rule's come from its columns): in a kube-proxy chain they nearly always differ.
  const targets = new Array<string | undefined>(n);
  const seen = n > SMALL_CHAIN ? new Set<string>() : undefined;
  let shared = false;
  for (let k = 0; k < n; k++) {
    const rule = rules[k]!;
    const target = compared(rule, postrouting) ? (targetName(rule) ?? '') : undefined;
    targets[k] = target;
    if (target === undefined || shared) continue;
    if (target.includes('\u0000')) shared = true;
    else if (seen !== undefined) {
      shared = seen.has(target);
      seen.add(target);
    } else for (let j = 0; j < k && !shared; j++) shared = targets[j] === target;
  }
  if (!shared) return false;
  if (seen !== undefined) return true;
  for (let k = 0; k < n; k++) {
    const target = targets[k];
    if (target === undefined) continue;
    const rule = rules[k]!;
    const source = rule.source?.value.value ?? '';
    const destination = rule.destination?.value.value ?? '';
    if (source.includes('\u0000') || destination.includes('\u0000') || target.includes('\u0000')) return true;
    for (let j = 0; j < k; j++) {
      if (targets[j] !== target) continue;
      const other = rules[j]!;
      if ((other.source?.value.value ?? '') === source && (other.destination?.value.value ?? '') === destination) return true;
    }
  }
  return false;
}

/** Whether the check compares this rule (it skips KUBE-POSTROUTING jumps in nat POSTROUTING and listing rows without interface columns). */
function compared(rule: IptRule, postrouting: boolean): boolean {
  return !(postrouting && targetName(rule) === 'KUBE-POSTROUTING') && showsInterfaces(rule);
}

/** No copies in a chain (shared: most chains have none). */
const NO_GROUPS: readonly Group[] = Object.freeze([]);

/** Each chain's groups with copies, kept across edits of other chains. */
const memo = new ChainMemo<readonly Group[]>((chain, rules, t) => (rules.length < 2 ? NO_GROUPS : chainGroups(rules, t.name.value === 'nat' && chain === 'POSTROUTING')));

/**
 * The groups of identical rules with copies in one chain (`postrouting`: nat POSTROUTING, whose
 * jumps to KUBE-POSTROUTING are left out), in the order their first copies appear. No offsets
 * are kept: positions are counted within the chain.
 */
function chainGroups(rules: readonly IptRule[], postrouting: boolean): readonly Group[] {
  if (!mayRepeat(rules, postrouting)) return NO_GROUPS;
  const groups: Group[] = [];
  const seen = new Map<string, Group>();
  // Building the full text key of every rule dominates on big dumps, where nearly every rule is
  // unique. A cheap key (chain, target, shape) separates almost all of them; the full key is
  // only built for rules that share a cheap key with another.
  const unkeyed = new Map<string, Group>();
  const fullKeyed = new Set<string>();
  // Per rule: its 1-based position in its chain and how many marking rules precede it there.
  let n = 0;
  let marks = 0;
  for (const rule of rules) {
    n++;
    const at = marks;
    if (MARKING.has(targetName(rule) ?? '')) marks++;
    // Repeated jumps to KUBE-POSTROUTING are reported by iptables/kube-postrouting-stale-rule.
    if (postrouting && targetName(rule) === 'KUBE-POSTROUTING') continue;
    // Never compare what the dump cannot show: a listing without -v has no in/out columns, so
    // Docker's `-i docker0 -j ACCEPT` and `-o docker0 -j ACCEPT` print the same row.
    if (!showsInterfaces(rule)) continue;
    const cheap = cheapKey(rule);
    if (!fullKeyed.has(cheap)) {
      const alone = unkeyed.get(cheap);
      if (!alone) {
        unkeyed.set(cheap, { first: rule, n, marks: at, copies: [], positions: [] });
        continue;
      }
      unkeyed.delete(cheap);
      fullKeyed.add(cheap);
      seen.set(ruleKey(alone.first), alone);
    }
    const key = ruleKey(rule);
    const g = seen.get(key);
    if (g) {
      // A copy only where the dump shows the values: two rules with a blanked-out value
      // (`--mac-source XX:XX:XX:XX:XX:XX`) were different rules before the dump was anonymised.
      if (holdsPlaceholder(key, 0, key.length)) continue;
      if (g.copies.length === 0) groups.push(g);
      g.copies.push(rule);
      g.positions.push({ n, marks: at });
    } else seen.set(key, { first: rule, n, marks: at, copies: [], positions: [] });
  }
  return groups.length === 0 ? NO_GROUPS : groups;
}

/**
 * NET-IPT-005: the same rule more than once in a chain. Components check with `iptables -C`
 * before appending; a broken `-C` (iptables-nft 1.8.0–1.8.2, regression in 1.8.10) makes them append
 * again on every resync and the rule set grows until rule programming and packet processing slow down.
 * One finding per repeated rule, on its second occurrence, with the other copies as related
 * information and one fix that deletes every extra copy: a leak of 170 copies is one problem.
 */
export default defineRule({
  meta: {
    id: 'iptables/duplicate-rule',
    title: 'The same rule appears more than once in a chain',
    severity: 'warning',
    reads: 'iptables',
    fix: 'edit',
    messages: {
      // {elsewhere}: '; N extra copies of rules in this dump' or nothing; {details}: what the target, the count and the iptables version mean, and what to do (sentences with a leading space).
      copy: 'This rule is a copy of the rule on line {firstLine} (2 identical rules in {where}{elsewhere}).{details}',
      copies: 'This rule appears {count} times in {where}: first on line {firstLine}, again on {lines}{elsewhere}.{details}',
    },
  },
  *check({ document }) {
    const { model } = document;
    const h = model.header;
    const buggy =
      h?.version && tripsGate(h, 'broken-check')
        ? `iptables ${h.version.value} (nf_tables) has a broken "iptables -C" (1.8.0–1.8.2, fixed in 1.8.3; regression in 1.8.10), which makes components append their rules again on every resync`
        : undefined;
    // Only groups with copies are kept. Rules are compared chain by chain (a copy is in the same
    // chain), so the keys and groups of one chain are dropped before the next: a 200 MB dump's
    // 1.3 million keys and groups never live at once (they grew the CLI's old heap by hundreds of MB).
    // In the editor a chain's groups are kept until the chain is edited (shared/chainMemo.ts).
    const groups: Group[] = [];
    let total = 0;
    for (const t of model.tables) {
      for (const part of memo.parts(t)) {
        for (const g of part) {
          groups.push(g);
          total += g.copies.length;
        }
      }
    }
    if (total === 0) return;
    const cmd = iptablesCommand(model);
    for (const { first, copies, marks, positions } of groups) {
      const count = copies.length + 1;
      // Three or more copies are the growth signature; a single repeat is usually a hand edit.
      let severity: Severity = count >= 3 ? 'warning' : 'info';
      if (count >= 3 && (total >= RUNAWAY || buggy)) severity = 'error';
      const t = model.tables.find((x) => x.name.value === first.table) ?? model.tables[0]!;
      const where = `${first.chain.value} of table ${t.name.value}`;
      const elsewhere = total > copies.length ? `; ${total} extra copies of rules in this dump` : '';
      const parts: string[] = [];
      const terminating = TERMINATING.has(targetName(first) ?? '');
      if (terminating) parts.push(`A later copy never matches anything the first did not already decide.`);
      else parts.push(`Its target (${targetName(first) ?? 'none: a counting rule'}) does not end the chain, so every copy runs again for each packet.`);
      if (count >= 3) parts.push('Three or more copies usually mean a component appends its rules on every resync instead of once.');
      if (buggy) parts.push(`${buggy}; upgrade iptables in that component (kube-proxy, kube-router, k3s or the host package).`);
      parts.push('Delete the extra copies, or flush the chain and let its owner re-create it.');
      // Deleting is a no-op only for a terminating rule with nothing in between that changes the packet mark.
      const safe = terminating && positions.every((p) => p.marks === marks);
      const title = count === 2 ? 'Delete this copy of the rule' : `Delete the ${copies.length} extra copies of this rule`;
      // Highest position first, so every number still names the rule it was read from.
      const numbers = copies.map((c, k) => c.number ?? positions[k]!.n).sort((a, b) => b - a);
      const fixes: Fix[] = [];
      if (model.variant === 'save') fixes.push({ kind: 'edit', title, edits: deleteLinesEdits(document, copies), safe });
      else {
        // The chain name comes from the dump; positions from a snapshot always need review.
        const g = guarded(
          [
            ['iptablesTable', t.name.value],
            ['chain', first.chain.value],
          ],
          () =>
            reviewFix(title, POSITION_REVIEW, [
              note(`Delete ${count === 2 ? 'the copy by its position' : 'the copies by position, highest first,'} in the chain; check the numbers first with:`),
              note(`  ${cmd} -t ${t.name.value} -L ${first.chain.value} -n -v --line-numbers`),
              ...numbers.map((n) => run(cmd, '-t', t.name.value, '-D', first.chain.value, String(n))),
            ]),
        );
        if ('fix' in g) fixes.push(g.fix);
        else parts.push(g.withheld);
      }
      const related: Related[] = [{ document, span: first.span, message: 'first copy of this rule' }];
      for (let k = 1; k < copies.length && k <= MAX_RELATED; k++) related.push({ document, span: spanOf(copies[k]!), message: `copy ${k + 2} of ${count}` });
      const details = parts.map((p) => ` ${p}`).join('');
      const data = { firstLine: first.line + 1, where, elsewhere, details };
      yield {
        span: spanOf(copies[0]!),
        ...(count === 2 ? { messageId: 'copy' as const, data } : { messageId: 'copies' as const, data: { ...data, count, lines: lineList(copies) } }),
        severity,
        related,
        fixes,
      };
    }
  },
});

/** Copies of one rule within a chain, with the positions the fix and its safety need. */
interface Group {
  readonly first: IptRule;
  /** 1-based position of the first copy in its chain, and how many marking rules precede it. */
  readonly n: number;
  readonly marks: number;
  readonly copies: IptRule[];
  readonly positions: { readonly n: number; readonly marks: number }[];
}

/** "line 7", "lines 7 and 9", "lines 7, 9, 11 and 13", "lines 7, 9, ... and 95 more". */
function lineList(copies: readonly IptRule[]): string {
  const nums = copies.map((c) => String(c.line + 1));
  if (nums.length === 1) return `line ${nums[0]}`;
  if (nums.length <= LINES_IN_MESSAGE) return `lines ${nums.slice(0, -1).join(', ')} and ${nums[nums.length - 1]}`;
  return `lines ${nums.slice(0, LINES_IN_MESSAGE).join(', ')} and ${nums.length - LINES_IN_MESSAGE} more`;
}

/** The rule without its counters: from the command (save) or the whole row (listing). */
/** Whether the dump shows the rule's in/out interfaces: always in iptables-save, only with -v in a listing. */
function showsInterfaces(rule: IptRule): boolean {
  return !('columns' in rule) || (rule as ListingRule).columns.in !== undefined;
}

function spanOf(rule: IptRule): { start: number; end: number } {
  return rule.command.span.end > rule.command.span.start ? { start: rule.command.span.start, end: rule.span.end } : rule.span;
}
