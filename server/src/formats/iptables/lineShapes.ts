import type { Span } from '../../core/span';
import { addressList, natRange, targetExtension, type ExtOption, type Family } from './extensions/index';
import type { Counters, IptBasicMatch, IptOption, IptRule } from './model';
import { hasWhitespace, isPlainWord, STANDARD_TARGETS, valueError, type Chains, type DeclaredChain, type RuleReader } from './rule';
import { NO_OPTIONS, SaveOption, SaveTarget, type ReadLine } from './saveModel';
import type { SaveToken } from './tokenize';

/**
 * Rule lines read again by their shape. A kube-proxy dump is tens of thousands of `-A` lines in a
 * handful of shapes (`-A KUBE-SEP-… -s ADDR -m comment --comment TEXT -j KUBE-MARK-MASQ`, …) that
 * differ only in chain names, addresses, ports and comments. Once the reader (rule.ts) has read a
 * line of a shape without a problem, the shape is kept as a plan: which word is which (an option
 * word, a match or protocol name, the chain, an address, an option value with its check, a jump to
 * a chain), and a later line of the same shape is taken from its words by the plan: every word
 * that steers the reader (option words, `!`, module, protocol and target names, built-in chain
 * names) must be the same, and every other word must pass exactly the check the reader makes of it
 * (so the line has no problem either: any check failing, or anything the plan does not know, and
 * the line is read by the reader as always). What a plan gives is what `RuleStore.add` takes from
 * the reader: the chain, the basic matches, the target (name, span, options), the comment.
 */

/** Whether the save parse takes lines by their shape, and how many it took (tests compare it with reading every line). */
export const LINE_SHAPES = { enabled: true, taken: 0 };

/** How a word of a planned line is checked. */
const LITERAL = 0;
/** The `-A` chain (not one whose name the reader checks `-i` / `-o` against). */
const CHAIN = 1;
/** `-s` / `-d` value: `addressList` finds nothing wrong. */
const ADDRESS = 2;
/** `-i` / `-o` value: at most 15 characters. */
const INTERFACE = 3;
/** `-j` to a chain declared before the line. */
const TARGET_CHAIN = 4;
/** An extension option's value: its check finds nothing wrong. */
const VALUE = 5;

interface Slot {
  readonly role: number;
  /** LITERAL: the word. */
  readonly literal: string;
  /** VALUE: the option and which of its values. */
  readonly option: ExtOption | undefined;
  readonly j: number;
}

type BasicKey = 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol';
const BASIC_KEYS: readonly BasicKey[] = ['source', 'destination', 'inInterface', 'outInterface', 'protocol'];
/** The spellings of each basic option the plans take (no prefixes, no attached values). */
const BASIC_WORDS: Readonly<Record<BasicKey, readonly string[]>> = {
  source: ['-s', '--source', '--src'],
  destination: ['-d', '--destination', '--dst'],
  inInterface: ['-i', '--in-interface'],
  outInterface: ['-o', '--out-interface'],
  protocol: ['-p', '--protocol'],
};
/** Chains the reader checks `-i` / `-o` against: kept as words in a plan. */
const isCheckedChain = (v: string): boolean => v === 'INPUT' || v === 'OUTPUT' || v === 'PREROUTING' || v === 'POSTROUTING';

interface PlannedOption {
  readonly name: number;
  readonly label: string;
  readonly negation: number;
  readonly values: readonly number[];
}

interface PlannedTarget {
  /** Word indexes: `-j`, the name, and the last word of the target (its span's end). */
  readonly jump: number;
  readonly name: number;
  readonly end: number;
  /** The target name the reader keeps (the table's string), undefined for a jump to a chain (the chain's name). */
  readonly value: string | undefined;
  readonly options: readonly PlannedOption[];
}

interface Plan {
  readonly slots: readonly Slot[];
  /** Indexes of the LITERAL slots, then of the others (words compared first: they reject other shapes). */
  readonly literals: readonly number[];
  readonly checked: readonly number[];
  readonly chain: number;
  readonly basics: readonly { readonly key: BasicKey; readonly value: number; readonly negation: number }[];
  readonly target: PlannedTarget | undefined;
  readonly comment: number;
  /** DNAT/SNAT: the first value of --to-destination and --to-source (-1: none), and whether one named a port (the reader's port/protocol check). */
  readonly nat: readonly number[];
  readonly natPort: boolean;
}

/** Plans kept per table and word count (a dump has a few dozen shapes; more are not learned). */
const MAX_PER_COUNT = 12;
const MAX_PLANS = 400;
const MAX_WORDS = 64;

/** A planned line, as `RuleStore.add` reads it (the reader's `ReadLine`). */
class PlannedLine implements ReadLine {
  source: IptBasicMatch | undefined = undefined;
  destination: IptBasicMatch | undefined = undefined;
  inInterface: IptBasicMatch | undefined = undefined;
  outInterface: IptBasicMatch | undefined = undefined;
  protocol: IptBasicMatch | undefined = undefined;
  readonly fragment: IptRule['fragment'] = undefined;
  counters: Counters | undefined = undefined;
  target: SaveTarget | undefined = undefined;
  targetChain: DeclaredChain | undefined = undefined;
  commentToken: SaveToken | undefined = undefined;

  comment(): SaveToken | undefined {
    return this.commentToken;
  }
}

export class LineShapes {
  /** By table name, then word count. */
  private readonly plans = new Map<string, Plan[][]>();
  private count = 0;
  private readonly line = new PlannedLine();

  constructor(private readonly family: Family) {}

  /**
   * The line's words `tokens[0, n)` taken by a plan of `table`: the chain token, with `line`
   * holding what the reader would hold; undefined when no plan takes the line (read it).
   */
  take(tokens: readonly SaveToken[], n: number, table: string, chains: Chains, chainsSeen: number, counters: Counters | undefined): { chain: SaveToken; line: ReadLine } | undefined {
    const byCount = this.plans.get(table)?.[n];
    if (byCount === undefined) return undefined;
    for (const plan of byCount) {
      const declared = this.fits(plan, tokens, chains, chainsSeen);
      if (declared === false) continue;
      LINE_SHAPES.taken++;
      return { chain: tokens[plan.chain]!, line: this.build(plan, tokens, declared, counters) };
    }
    return undefined;
  }

  /** Whether the words fit the plan: false, or the declared chain its target jumps to (undefined: none). */
  private fits(plan: Plan, tokens: readonly SaveToken[], chains: Chains, chainsSeen: number): DeclaredChain | undefined | false {
    const slots = plan.slots;
    for (const k of plan.literals) if (tokens[k]!.value !== slots[k]!.literal) return false;
    let declared: DeclaredChain | undefined;
    for (const k of plan.checked) {
      const slot = slots[k]!;
      const v = tokens[k]!.value;
      // Every value the reader takes with `required` reads '!' as the old negation form.
      if (v === '!') return false;
      switch (slot.role) {
        case CHAIN:
          // Compared, not looked up: a set would hash each line's fresh chain name.
          if (v.length <= 11 && isCheckedChain(v)) return false;
          break;
        case ADDRESS:
          if (addressList(v, this.family) !== undefined) return false;
          break;
        case INTERFACE:
          if (v.length > 15) return false;
          break;
        case TARGET_CHAIN: {
          if (v.length === 0 || v.length > 28 || hasWhitespace(v) || targetExtension(v) !== undefined || STANDARD_TARGETS.has(v)) return false;
          const d = chains.get(v);
          if (d === undefined || d.order >= chainsSeen) return false;
          declared = d;
          break;
        }
        case VALUE:
          if (slot.j > 0 && !isPlainWord(v)) return false;
          if (valueError(slot.option!, slot.j, v, this.family) !== undefined) return false;
          break;
        default:
          return false;
      }
    }
    if (plan.nat.length > 0 && natPort(plan.nat, tokens, this.family) !== plan.natPort) return false;
    return declared;
  }

  private build(plan: Plan, tokens: readonly SaveToken[], declared: DeclaredChain | undefined, counters: Counters | undefined): ReadLine {
    const line = this.line;
    line.source = line.destination = line.inInterface = line.outInterface = line.protocol = undefined;
    for (const b of plan.basics) {
      const value = tokens[b.value]!;
      const match: IptBasicMatch = b.negation < 0 ? { value } : { value, negation: spanOf(tokens[b.negation]!) };
      // A switch, not line[b.key]: a keyed store by a changing name is V8's slow path.
      switch (b.key) {
        case 'source':
          line.source = match;
          break;
        case 'destination':
          line.destination = match;
          break;
        case 'inInterface':
          line.inInterface = match;
          break;
        case 'outInterface':
          line.outInterface = match;
          break;
        case 'protocol':
          line.protocol = match;
          break;
      }
    }
    line.counters = counters;
    line.targetChain = undefined;
    line.target = undefined;
    const t = plan.target;
    if (t !== undefined) {
      const name = tokens[t.name]!;
      if (t.value !== undefined) name.value = t.value;
      else {
        name.value = declared!.name.value;
        line.targetChain = declared;
      }
      const target = new SaveTarget('jump', name, tokens[t.jump]!.start, tokens[t.end]!.end);
      if (t.options.length > 0) {
        const options: IptOption[] = [];
        for (const o of t.options) {
          const word = tokens[o.name]!;
          word.value = o.label;
          const values: SaveToken[] = [];
          for (const k of o.values) values.push(tokens[k]!);
          options.push(new SaveOption(word, o.negation < 0 ? undefined : spanOf(tokens[o.negation]!), values));
        }
        target.opts = options;
      } else target.opts = NO_OPTIONS;
      line.target = target;
    }
    line.commentToken = plan.comment < 0 ? undefined : tokens[plan.comment];
    return line;
  }

  /**
   * Keeps the shape of the line the reader has just read without a problem (`reader` as `read`
   * left it, `tokens[0, n)` its words), if every word's part in it is known.
   */
  learn(reader: RuleReader, tokens: readonly SaveToken[], n: number, table: string, counters: Counters | undefined): void {
    if (this.count >= MAX_PLANS || n > MAX_WORDS) return;
    let byTable = this.plans.get(table);
    if (byTable === undefined) this.plans.set(table, (byTable = []));
    const byCount = (byTable[n] ??= []);
    if (byCount.length >= MAX_PER_COUNT) return;
    const plan = planOf(reader, tokens, n, counters, this.family);
    if (plan === undefined) return;
    byCount.push(plan);
    this.count++;
  }
}

function spanOf(t: SaveToken): Span {
  return { start: t.start, end: t.end };
}

/** The reader's port/protocol check for DNAT/SNAT: whether --to-destination's or --to-source's first value names a port. */
function natPort(nat: readonly number[], tokens: readonly SaveToken[], family: Family): boolean {
  for (const k of nat) if (k >= 0 && natRange(tokens[k]!.value, family).hasPort) return true;
  return false;
}

const literal = (word: string): Slot => ({ role: LITERAL, literal: word, option: undefined, j: 0 });
const checkedSlot = (role: number, option?: ExtOption, j = 0): Slot => ({ role, literal: '', option, j });

/** The plan of a line the reader read without a problem, or undefined when a word's part in it is not known. */
function planOf(reader: RuleReader, tokens: readonly SaveToken[], n: number, counters: Counters | undefined, family: Family): Plan | undefined {
  if (reader.commandLetter !== 'A' || reader.newChain !== undefined || reader.fragment !== undefined || reader.counters !== counters) return undefined;
  const slots = new Array<Slot | undefined>(n).fill(undefined);
  const indexOf = (t: SaveToken | undefined): number => {
    for (let k = 0; k < n; k++) if (tokens[k] === t) return k;
    return -1;
  };
  const startingAt = (start: number): number => {
    for (let k = 0; k < n; k++) if (tokens[k]!.start === start) return k;
    return -1;
  };
  const assign = (k: number, slot: Slot): boolean => {
    if (k < 0 || k >= n || slots[k] !== undefined) return false;
    slots[k] = slot;
    return true;
  };
  const negationAt = (span: Span | undefined): number | undefined => {
    if (span === undefined) return -1;
    const k = startingAt(span.start);
    return k >= 0 && tokens[k]!.value === '!' && tokens[k]!.end === span.end && assign(k, literal('!')) ? k : undefined;
  };

  const command = indexOf(reader.commandToken);
  if (!assign(command, literal(tokens[command]?.value ?? ''))) return undefined;
  const chain = indexOf(reader.chain);
  const chainName = tokens[chain]?.value ?? '';
  if (!assign(chain, isCheckedChain(chainName) ? literal(chainName) : checkedSlot(CHAIN))) return undefined;

  const basics: { key: BasicKey; value: number; negation: number }[] = [];
  for (const key of BASIC_KEYS) {
    const b = reader[key];
    if (b === undefined) continue;
    const value = indexOf(b.value as SaveToken);
    if (value < 1 || !BASIC_WORDS[key].includes(tokens[value - 1]!.value) || !assign(value - 1, literal(tokens[value - 1]!.value))) return undefined;
    const role = key === 'protocol' ? literal(tokens[value]!.value) : checkedSlot(key === 'source' || key === 'destination' ? ADDRESS : INTERFACE);
    if (!assign(value, role)) return undefined;
    const negation = negationAt(b.negation);
    if (negation === undefined) return undefined;
    basics.push({ key, value, negation });
  }

  const optionsOf = (opts: readonly IptOption[], byLabel: ReadonlyMap<string, ExtOption> | undefined): PlannedOption[] | undefined => {
    const out: PlannedOption[] = [];
    for (const o of opts) {
      const ext = byLabel?.get(o.name.value);
      const name = indexOf(o.name as SaveToken);
      if (ext === undefined || !assign(name, literal(tokens[name]?.value ?? ''))) return undefined;
      const negation = negationAt(o.negation);
      if (negation === undefined) return undefined;
      const values: number[] = [];
      for (let j = 0; j < o.values.length; j++) {
        const k = indexOf(o.values[j] as SaveToken);
        if (k !== name + 1 + j || !assign(k, checkedSlot(VALUE, ext, j))) return undefined;
        values.push(k);
      }
      out.push({ name, label: ext.label, negation, values });
    }
    return out;
  };

  const protocolWord = basics.find((b) => b.key === 'protocol')?.value ?? -1;
  for (let m = 0; m < reader.nMatches; m++) {
    const match = reader.matches[m]!;
    const name = indexOf(match.name);
    if (match.explicit) {
      if (name < 1 || (tokens[name - 1]!.value !== '-m' && tokens[name - 1]!.value !== '--match')) return undefined;
      if (!assign(name - 1, literal(tokens[name - 1]!.value)) || !assign(name, literal(tokens[name]!.value))) return undefined;
    } else if (name !== protocolWord) return undefined;
    if (optionsOf(match.opts, reader.matchExts[m]?.byLabel) === undefined) return undefined;
  }

  let target: PlannedTarget | undefined;
  let nat: number[] = [];
  let natPortOf = false;
  const t = reader.target;
  if (t !== undefined) {
    if (t.kind !== 'jump') return undefined;
    const name = indexOf(t.name);
    const jump = startingAt(t.start);
    if (name < 1 || jump !== name - 1 || (tokens[jump]!.value !== '-j' && tokens[jump]!.value !== '--jump')) return undefined;
    if (!assign(jump, literal(tokens[jump]!.value))) return undefined;
    const ext = reader.targetExt;
    const toChain = ext === undefined && reader.targetIsChain && reader.targetChain !== undefined && !STANDARD_TARGETS.has(t.name.value);
    // A name that is neither an extension, a standard target nor a declared chain could become a chain declared later: not planned.
    if (!toChain && ext === undefined && !STANDARD_TARGETS.has(t.name.value)) return undefined;
    if (!assign(name, toChain ? checkedSlot(TARGET_CHAIN) : literal(tokens[name]!.value))) return undefined;
    const options = optionsOf(t.opts ?? NO_OPTIONS, ext?.byLabel);
    if (options === undefined) return undefined;
    let end = -1;
    for (let k = name; k < n; k++) if (tokens[k]!.end === t.end) end = k;
    if (end < name) return undefined;
    target = { jump, name, end, value: toChain ? undefined : t.name.value, options };
    if (ext !== undefined && (ext.spec.name === 'DNAT' || ext.spec.name === 'SNAT')) {
      const first = (label: string): number => options.find((o) => o.label === label)?.values[0] ?? -1;
      nat = [first('--to-destination'), first('--to-source')];
      natPortOf = natPort(nat, tokens, family);
    }
  }

  const commentToken = reader.comment();
  const comment = commentToken === undefined ? -1 : indexOf(commentToken);
  if (commentToken !== undefined && comment < 0) return undefined;
  if (slots.some((s) => s === undefined)) return undefined;
  const all = slots as Slot[];
  const literals: number[] = [];
  const checked: number[] = [];
  for (let k = 0; k < n; k++) (all[k]!.role === LITERAL ? literals : checked).push(k);
  return { slots: all, literals, checked, chain, basics, target, comment, nat, natPort: natPortOf };
}
