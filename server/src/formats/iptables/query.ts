import type { IptMatch, IptOption, IptRule, IptablesModel, IptTable } from './model';
import { ruleIndex } from './navigation';
import { SaveRule } from './saveModel';

/**
 * Questions rules ask of an iptables rule, answered the same way for every spelling iptables
 * uses (kube-proxy's `--or-mark 0x4000`, iptables-save's `--set-xmark 0x4000/0x4000`, the
 * listing's `MARK or 0x4000` are one operation).
 */

export function table(model: IptablesModel, name: string): IptTable | undefined {
  return model.tables.find((t) => t.name.value === name);
}

/**
 * True when `t` is the whole table: written with its `*table` line, closed by COMMIT (save
 * format) and without lines cut out. A rule whose verdict needs the whole table (a chain, a rule
 * or an endpoint that is missing) asks this first: in a fragment or a truncated paste, missing
 * only means not shown.
 */
export function isComplete(model: IptablesModel, t: IptTable): boolean {
  if (t.complete === false) return false;
  return model.variant !== 'save' || t.commit !== undefined;
}

/** The table `name` when the dump holds all of it, else undefined (see isComplete). */
export function completeTable(model: IptablesModel, name: string): IptTable | undefined {
  const t = table(model, name);
  return t && isComplete(model, t) ? t : undefined;
}

export function targetName(rule: IptRule): string | undefined {
  // A save rule answers from its columns, without making a target and its token.
  return rule instanceof SaveRule ? rule.targetName : rule.target?.name.value;
}

/** The rule's chain name (a save rule's from its columns, without making its token). */
export function chainName(rule: IptRule): string {
  return rule instanceof SaveRule ? rule.chainName : rule.chain.value;
}

/** Where the rule's text starts, to put rules in text order (a save rule's from its row, without making its span). */
export function ruleStart(rule: IptRule): number {
  return rule instanceof SaveRule ? rule.lineStart : rule.span.start;
}

export function targetOption(rule: IptRule, name: string): IptOption | undefined {
  return rule.target?.options.find((o) => o.name.value === name);
}

export function findMatch(rule: IptRule, name: string): IptMatch | undefined {
  return rule.matches.find((m) => m.name.value === name);
}

export function matchOption(rule: IptRule, module: string, option: string): IptOption | undefined {
  for (const m of rule.matches) {
    if (m.name.value !== module) continue;
    const o = m.options.find((x) => x.name.value === option);
    if (o) return o;
  }
  return undefined;
}

/** The `-m comment --comment` text, if the rule has one. */
export function ruleComment(rule: IptRule): string | undefined {
  // A save rule keeps its comment in its store's columns: no line read again.
  if (rule instanceof SaveRule) return rule.comment;
  for (const m of matchesOnce(rule)) {
    if (m.name.value !== 'comment') continue;
    const o = m.options.find((x) => x.name.value === '--comment');
    if (o) return o.values[0]?.value;
  }
  return undefined;
}

/**
 * A rule's matches for a look that keeps only plain values (strings, numbers) from them: a save
 * rule reads them from its line without keeping them (saveModel.ts `peek`) unless they are kept already.
 */
export function matchesOnce(rule: IptRule): readonly IptMatch[] {
  return rule instanceof SaveRule ? rule.peek().matches : rule.matches;
}

/** A rule's target options, for a look like `matchesOnce`. */
export function targetOptionsOnce(rule: IptRule): readonly IptOption[] {
  return rule instanceof SaveRule ? rule.peek().targetOptions : (rule.target?.options ?? []);
}

/** A mark change as the kernel applies it: `mark = (mark & ~clear) ^ xor`. */
export interface MarkChange {
  readonly clear: number;
  readonly xor: number;
}

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || !/^(?:0x[0-9a-f]+|\d+)$/i.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n >>> 0 : undefined;
};

/** Splits `0x4000/0x4000` into value and mask (mask defaults to all ones). */
export function valueMask(text: string): { value: number; mask: number } | undefined {
  const [v, m] = text.split('/');
  const value = num(v);
  const mask = m === undefined ? 0xffffffff : num(m);
  return value === undefined || mask === undefined ? undefined : { value, mask };
}

/** What a `-j MARK` target does to the packet mark, whatever the spelling. */
export function markChange(rule: IptRule): MarkChange | undefined {
  if (targetName(rule) !== 'MARK') return undefined;
  for (const o of rule.target!.options) {
    const arg = o.values[0]?.value;
    if (arg === undefined) continue;
    const vm = valueMask(arg);
    const n = num(arg);
    switch (o.name.value) {
      case '--set-xmark':
        if (vm) return { clear: vm.mask, xor: vm.value };
        break;
      case '--set-mark':
        if (vm) return { clear: vm.mask, xor: vm.value };
        break;
      case '--or-mark':
        if (n !== undefined) return { clear: n, xor: n };
        break;
      case '--xor-mark':
        if (n !== undefined) return { clear: 0, xor: n };
        break;
      case '--and-mark':
        if (n !== undefined) return { clear: ~n >>> 0, xor: 0 };
        break;
    }
  }
  return undefined;
}

/** A `-m mark [!] --mark value/mask` condition. */
export interface MarkCondition {
  readonly value: number;
  readonly mask: number;
  readonly negated: boolean;
}

export function markCondition(rule: IptRule): MarkCondition | undefined {
  const o = matchOption(rule, 'mark', '--mark');
  const vm = o?.values[0] && valueMask(o.values[0].value);
  return o && vm ? { ...vm, negated: o.negation !== undefined } : undefined;
}

/** Rules of one chain, in file order. */
export function chainRules(t: IptTable | undefined, chain: string): readonly IptRule[] {
  return t ? (ruleIndex(t).inChain.get(chain) ?? []) : [];
}

/** `-m mark --mark B/B` (not negated): the rule only matches packets carrying the mark bit. */
export function matchesMarked(rule: IptRule, mark: number): boolean {
  const c = markCondition(rule);
  return c !== undefined && !c.negated && (c.mask & mark) !== 0 && (c.value & mark) !== 0;
}

/** `-m mark ! --mark B/B -j RETURN`: unmarked packets leave the chain. */
export function isUnmarkedReturn(rule: IptRule, mark: number): boolean {
  const c = markCondition(rule);
  return targetName(rule) === 'RETURN' && c !== undefined && c.negated && (c.mask & mark) !== 0 && (c.value & mark) !== 0;
}

/** A `-j MARK` that clears the bit on a packet that has it (`--xor-mark B`, `--set-xmark B/0x0`, `--and-mark ~B`). */
export function clearsMark(rule: IptRule, mark: number): boolean {
  const change = markChange(rule);
  if (!change) return false;
  return ((((mark & ~change.clear) ^ change.xor) & mark) >>> 0) === 0;
}

/** The old KUBE-POSTROUTING form: MASQUERADE of packets carrying the masquerade mark, mark left in place. */
export function isMarkedMasquerade(rule: IptRule, mark: number): boolean {
  return targetName(rule) === 'MASQUERADE' && matchesMarked(rule, mark);
}

/**
 * A stable identity for a rule regardless of spelling details: chain, basic matches, match modules
 * with their options, target with its options (counters, spacing and quoting ignored).
 */
export function ruleKey(rule: IptRule): string {
  // Plain concatenation: this runs once per rule of dumps with thousands of rules.
  const SEP = '\u0000';
  let key = rule.chain.value;
  const basic = (flag: string, m: IptRule['source']): void => {
    if (m) key += SEP + (m.negation ? '! ' : '') + flag + ' ' + m.value.value;
  };
  basic('-s', rule.source);
  basic('-d', rule.destination);
  basic('-i', rule.inInterface);
  basic('-o', rule.outInterface);
  basic('-p', rule.protocol);
  if (rule.fragment) key += SEP + (rule.fragment.negation ? '! -f' : '-f');
  const options = (list: readonly IptOption[]): void => {
    for (const o of list) {
      key += SEP + (o.negation ? '! ' : '') + o.name.value;
      for (const v of o.values) key += ' ' + v.value;
    }
  };
  // A string out: a save rule's details are read for this key only, not kept on every rule compared.
  for (const m of matchesOnce(rule)) {
    key += SEP + '-m ' + m.name.value;
    options(m.options);
  }
  if (rule.target) {
    key += SEP + (rule.target.kind === 'goto' ? '-g ' : '-j ') + rule.target.name.value;
    options(targetOptionsOnce(rule));
  }
  return key;
}
