import { bomLength, bomProblem } from '../../core/bom';
import { forEachLine, type Line } from '../../core/lines';
import { foldTruncated, forEachPasteLine, readPaste } from '../paste';
import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import { isBuiltinChain, type IptBasicMatch, type IptRule, type IptTarget, type Token } from './model';
import { parsePhrases } from './listing/phrases';
import { COUNTER, guessLayout, readHeader, readRow, type Cell, type Layout } from './listing/row';
import { HOOK_ORDER, inferTable } from './listing/tableInference';
import type { IptablesListingModel, ListingChain, ListingColumns, ListingCounters, ListingRule, ListingTable } from './listing/types';
import { nextToken, scanWords } from './listing/words';
import { pushAll } from '../../core/arrays';

export type {
  IptablesListingModel, ListingChain, ListingColumns, ListingCounters, ListingRule, ListingTable, TableInference,
} from './listing/types';

const CODE = 'parse/iptables-listing' as const;
const LEGACY_WARNING = /^#?\s*Warning: iptables-legacy tables present/;
/** `iptables v1.8.7 (nf_tables): chain 'X' in table 'nat' is incompatible, use 'nft' tool.` */
const TOOL_MESSAGE = /^(?:ip6?tables|xtables)[\w-]*(?: v\d[\w.]*)?(?: \(\w+\))?: /;
const ANY_IFACE = new Set(['*', 'any']);
const ANY_ADDRESS = new Set(['0.0.0.0/0', '::/0', 'anywhere']);
const ANY_PROTOCOL = new Set(['all', '0']);
/** Newer iptables prints protocol numbers under -n; the save format (and rules) use names. */
const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '1': 'icmp', '2': 'igmp', '6': 'tcp', '17': 'udp', '33': 'dccp', '41': 'ipv6', '47': 'gre', '50': 'esp', '51': 'ah',
  '58': 'ipv6-icmp', '132': 'sctp', '135': 'mh', '136': 'udplite',
};
const SUFFIX: Readonly<Record<string, number>> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

type RuleDraft = Omit<ListingRule, 'table'>;

interface ChainDraft {
  readonly name: Token;
  readonly span: Span;
  readonly policy?: Token;
  readonly counters?: ListingCounters;
  readonly references?: number;
  /** False when the `(...)` part is missing or unreadable: fall back to the name to tell built-ins. */
  readonly readable: boolean;
  layout?: Layout;
  readonly rules: RuleDraft[];
}

interface Segment {
  readonly command?: { readonly table?: Located<string>; readonly span: Span };
  readonly chains: ChainDraft[];
  readonly names: Set<string>;
  lastHook: number;
  sawUserChain: boolean;
  /** Lines were cut out of it (an elision marker in the paste): not the whole table. */
  elided: boolean;
}

/**
 * A pasted `iptables -L` command line is the listing's own: it says which table follows (`-t nat`).
 * The paste layer leaves such a prompt line to the reader instead of setting it aside.
 */
const isListCommand = (line: string): boolean => line.includes('tables') && readCommand(line, 0, line.length, 0) !== undefined;

/**
 * Parses `iptables [-t T] -L -n [-v] [-x] [--line-numbers]` output (also ip6tables, legacy and
 * nft) into the same model as `iptables-save`. The listing differs from the save format only in
 * presentation, so the mapping is:
 *  - columns `prot opt in out source destination` become the basic matches, and "any" values
 *    (`all`/`0`, `--`, `*`, `0.0.0.0/0`, `::/0`) are left out exactly as iptables-save leaves out
 *    their `-p`/`-f`/`-i`/`-o`/`-s`/`-d`;
 *  - the free-form text becomes match modules and target options with save-style option names
 *    (see listing/phrases.ts); unknown text is kept as a match named `?`, never reported;
 *  - the table is not printed; it is inferred (listing/tableInference.ts) and the reason recorded.
 * Rules have no `-A` in a listing: `command` is a synthetic `-A` token with an EMPTY span at the
 * start of the row, so no hover or fix ever points at text that is not there. `chain` is the
 * chain name token of the `Chain X (...)` line the row belongs to.
 * Total: never throws; unreadable structure yields `parse/iptables-listing` problems.
 */
/** Problems read before the text is taken for something else (as core/readBudget.ts does for the other formats). */
const MAX_PROBLEMS = 1000;

export function parseIptablesListing(text: string): IptablesListingModel {
  const problems: ParseProblem[] = [];
  const tables: ListingTable[] = [];
  let legacyTablesWarning: Span | undefined;
  let seg: Segment = newSegment(undefined);
  let chain: ChainDraft | undefined;
  let lastLayout: Layout | undefined;
  // Problems past MAX_PROBLEMS are counted, not kept; `clean` counts lines that added none.
  let unlisted = 0;
  let firstUnlisted: Span | undefined;
  let clean = 0;
  let seenTotal = 0;
  const problem = (message: string, s: Span, severity?: ParseProblem['severity']): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ code: CODE, message, span: s, ...(severity ? { severity } : {}) });
    else {
      unlisted++;
      firstUnlisted ??= s;
    }
  };

  // A row cut short (the paste ends mid-row, or a terminal chopped it): one truncation note per file at the end (paste.ts foldTruncated).
  // Its table is then not whole (rules that need a complete table stay silent on it).
  const cut = (message: string, s: Span): void => {
    seg.elided = true;
    if (problems.length < MAX_PROBLEMS) problems.push({ code: 'parse/iptables-truncated', message, span: s, severity: 'info' });
  };

  const close = (): void => {
    if (seg.chains.length > 0) tables.push(buildTable(seg));
    chain = undefined;
  };

  const bom = bomLength(text);
  if (bom > 0) problems.push(bomProblem(CODE, 'iptables never prints one, so this listing went through an editor', 'info'));
  // Prompts, kubectl noise, fences and a quote's indentation are read around by the shared paste
  // layer (one note per cause); an elision marker cuts the table it is in.
  const paste = readPaste(text, { code: 'parse/paste', ownLine: isListCommand });
  const visit = ({ text: line, start, number }: Line): boolean | void => {
    const total = problems.length + unlisted;
    if (total === seenTotal) clean++;
    seenTotal = total;
    // Mostly unreadable text (random bytes after a header once gave 160,000 findings) stops the
    // reader at MAX_PROBLEMS problems; a real listing with many bad rows among its good ones is read
    // to the end, its further problems counted (as the iptables-save reader does).
    if (problems.length >= MAX_PROBLEMS && clean < total) {
      const more = unlisted > 0 ? ` (${unlisted.toLocaleString('en-US')} more problems are not listed)` : '';
      problems.push({ code: CODE, message: `kube-netlint stopped reading at line ${number + 1}: ${MAX_PROBLEMS.toLocaleString('en-US')} problems so far${more}, so this is most likely not an iptables listing; the rest is not checked`, span: { start, end: start + line.length }, severity: 'info' });
      unlisted = 0;
      return false;
    }
    let lead = 0;
    while (lead < line.length && (line[lead] === ' ' || line[lead] === '\t')) lead++;
    let end = line.length;
    while (end > lead && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
    if (lead >= end) return;
    const t = line.slice(lead, end);
    const lineSpan = { start: start + lead, end: start + end };

    if (LEGACY_WARNING.test(t)) {
      legacyTablesWarning ??= lineSpan;
      return;
    }
    const command = t.length < 1000 && t.includes('tables') ? readCommand(line, lead, end, start) : undefined;
    if (command) {
      close();
      seg = newSegment(command);
      return;
    }
    if (t[0] === '#') return;
    if (t.startsWith('Chain ') || t.startsWith('Chain\t') || t === 'Chain') {
      const d = readChainLine(line, lead, end, start, problem);
      if (!d) return;
      const builtin = d.policy !== undefined;
      if (seg.chains.length > 0) {
        const hook = HOOK_ORDER[d.name.value];
        const stepBack = builtin && hook !== undefined && hook <= seg.lastHook;
        if (seg.names.has(d.name.value) || stepBack || (builtin && seg.sawUserChain)) {
          close();
          seg = newSegment(undefined);
        }
      }
      seg.chains.push(d);
      seg.names.add(d.name.value);
      if (builtin) seg.lastHook = Math.max(seg.lastHook, HOOK_ORDER[d.name.value] ?? -1);
      else seg.sawUserChain = true;
      chain = d;
      return;
    }
    const header = readHeader(line, lead);
    if (header) {
      if (!chain) problem(`a column header before any 'Chain' line: the paste seems to start in the middle of a listing`, lineSpan);
      else chain.layout = header;
      lastLayout = header;
      return;
    }
    if (TOOL_MESSAGE.test(t)) {
      problem(`iptables printed this message instead of listing rules; it is not part of the listing`, lineSpan, 'info');
      return;
    }
    if (!chain) {
      problem(`'${t.slice(0, 40)}' appears before any 'Chain' line: a listing starts with a line like 'Chain INPUT (policy ACCEPT)'`, lineSpan);
      return;
    }
    const layout = chain.layout ?? lastLayout ?? guessLayout(line, lead);
    const rule = readRule(text, line, lead, end, start, number, layout, chain, problem, cut);
    if (rule) chain.rules.push(rule);
  };
  if (!paste) forEachLine(text, visit, bom);
  else
    forEachPasteLine(
      paste,
      (l) => (l.start < bom ? visit({ ...l, text: l.text.slice(bom - l.start), start: bom }) : visit(l)),
      () => {
        seg.elided = true;
      },
    );
  if (unlisted > 0 && firstUnlisted) {
    // Read to the end (or one last row of 100,000 bad options went over): one note counts the rest.
    problems.push({ code: CODE, message: `${unlisted.toLocaleString('en-US')} more problems like the ones above are not listed (only the first ${MAX_PROBLEMS.toLocaleString('en-US')} are), from here on; the rest of the listing was read`, span: firstUnlisted, severity: 'info' });
  }
  close();
  foldTruncated(problems, 'parse/iptables-truncated');
  if (paste) pushAll(problems, paste.notes);
  return { variant: 'listing', ...(legacyTablesWarning ? { legacyTablesWarning } : {}), tables, problems };
}

function newSegment(command: Segment['command']): Segment {
  return { ...(command ? { command } : {}), chains: [], names: new Set(), lastHook: -1, sawUserChain: false, elided: false };
}

function buildTable(seg: Segment): ListingTable {
  const first = seg.chains[0]!;
  const targets: Located<string>[] = [];
  for (const c of seg.chains) for (const r of c.rules) if (r.target) targets.push(r.target.name);
  const { name, inference } = inferTable({
    ...(seg.command ? { command: seg.command } : {}),
    builtins: seg.chains.filter((c) => c.policy).map((c) => c.name),
    chains: seg.chains.map((c) => c.name),
    targets,
  });
  const rules: ListingRule[] = [];
  const chains: ListingChain[] = seg.chains.map((c) => {
    const chainRules: ListingRule[] = c.rules.map((r) => ({ table: name, ...r }));
    pushAll(rules, chainRules);
    return {
      name: c.name,
      table: name,
      builtin: c.policy !== undefined || (!c.readable && isBuiltinChain(name, c.name.value)),
      ...(c.policy ? { policy: c.policy } : {}),
      ...(c.counters ? { counters: c.counters } : {}),
      ...(c.references !== undefined ? { references: c.references } : {}),
      span: c.span,
      rules: chainRules,
    };
  });
  // The listing never names the table: the name token is an empty span at the first Chain line
  // unless a pasted command line (`-t nat`) named it.
  const tableName = seg.command?.table ?? { value: name, span: { start: first.span.start, end: first.span.start } };
  return { name: { value: name, span: tableName.span }, span: first.span, chains, rules, inference, ...(seg.elided ? { complete: false } : {}) };
}

/** `iptables -t nat -L -n -v` (any prompt before it): which table the following chains are. */
function readCommand(line: string, lead: number, end: number, base: number): Segment['command'] {
  const toks: Cell[] = [];
  for (let pos = lead; toks.length < 40; ) {
    const t = nextToken(line, pos);
    if (!t || t.start >= end) break;
    toks.push(t);
    pos = t.end;
  }
  const k = toks.findIndex((t) => t.text.length < 200 && /^(?:\S*\/)?ip6?tables(?:-legacy|-nft)?$/.test(t.text));
  if (k < 0) return undefined;
  let list = false;
  let table: Located<string> | undefined;
  const loc = (c: Cell, from = 0): Located<string> => ({ value: c.text.slice(from), span: { start: base + c.start + from, end: base + c.end } });
  for (let i = k + 1; i < toks.length; i++) {
    const a = toks[i]!.text;
    if (a === '-L' || a === '--list' || /^-[a-zA-Z]*L[a-zA-Z]*$/.test(a)) list = true;
    const next = toks[i + 1];
    if ((a === '-t' || a === '--table' || /^-[a-zA-Z]*t$/.test(a)) && next) table = loc(next);
    else if (a.startsWith('--table=')) table = loc(toks[i]!, 8);
    else if (/^-t[a-z]+$/.test(a)) table = loc(toks[i]!, 2);
  }
  if (!list) return undefined;
  return { ...(table ? { table } : {}), span: { start: base + lead, end: base + end } };
}

function readChainLine(
  line: string,
  lead: number,
  end: number,
  base: number,
  problem: (message: string, s: Span) => void,
): ChainDraft | undefined {
  const abs = (c: Cell): Token => ({ value: c.text, span: { start: base + c.start, end: base + c.end } });
  const lineSpan = { start: base + lead, end: base + end };
  const chainWord = nextToken(line, lead)!;
  const name = nextToken(line, chainWord.end);
  if (!name || name.start >= end) {
    problem(`a 'Chain' line needs a chain name`, lineSpan);
    return undefined;
  }
  const rest: Cell[] = [];
  for (let pos = name.end; rest.length < 8; ) {
    const t = nextToken(line, pos);
    if (!t) break;
    rest.push(t);
    pos = t.end;
  }
  const draft = { name: abs(name), span: lineSpan, rules: [] as RuleDraft[] };
  const unreadable = (message: string, at: Span): ChainDraft => {
    problem(message, at);
    return { ...draft, readable: false };
  };
  const r0 = rest[0];
  if (!r0) return unreadable(`the 'Chain ${name.text}' line is cut short: expected '(policy ACCEPT)' or '(N references)' after the name`, lineSpan);
  const restSpan = { start: base + r0.start, end: base + end };
  if (r0.text === '(policy') {
    const p = rest[1];
    if (!p) return unreadable(`the policy of chain ${name.text} is missing after '(policy'`, restSpan);
    if (p.text.endsWith(')')) {
      if (rest.length > 2) return unreadable(`unexpected text after the policy of chain ${name.text}`, restSpan);
      return { ...draft, policy: abs({ text: p.text.slice(0, -1), start: p.start, end: p.end - 1 }), readable: true };
    }
    const policy = abs(p);
    const [pk, pw, bk, bw] = [rest[2], rest[3], rest[4], rest[5]];
    if (pk && bk && pw?.text === 'packets,' && bw?.text === 'bytes)' && rest.length === 6 && COUNTER.test(pk.text) && COUNTER.test(bk.text)) {
      const counters = makeCounters(pk, bk, base);
      return { ...draft, policy, counters: { ...counters, span: { start: base + pk.start, end: base + bw.end - 1 } }, readable: true };
    }
    problem(`the policy counters of chain ${name.text} should read '(policy ${p.text} N packets, N bytes)'`, restSpan);
    return { ...draft, policy, readable: false };
  }
  const refs = /^\((\d+)$/.exec(r0.text);
  if (refs && rest[1]?.text === 'references)' && rest.length === 2) return { ...draft, references: Number(refs[1]), readable: true };
  if (r0.text === '(ERROR' && rest.length === 3 && rest[2]!.text === 'refs)') return { ...draft, readable: true };
  return unreadable(`the 'Chain ${name.text}' line should end in '(policy ACCEPT ...)' or '(N references)'`, restSpan);
}

function makeCounters(p: Cell, b: Cell, base: number): ListingCounters {
  const value = (c: Cell): number => {
    const m = COUNTER.exec(c.text)!;
    return Number(m[1]) * SUFFIX[m[2]!]!;
  };
  const tok = (c: Cell): Token => ({ value: c.text, span: { start: base + c.start, end: base + c.end } });
  return {
    packets: value(p),
    bytes: value(b),
    span: { start: base + p.start, end: base + b.end },
    packetsText: tok(p),
    bytesText: tok(b),
    approximate: /[KMGT]$/.test(p.text) || /[KMGT]$/.test(b.text),
  };
}

function readRule(
  text: string,
  line: string,
  lead: number,
  end: number,
  base: number,
  number: number,
  layout: Layout,
  chain: ChainDraft,
  problem: (message: string, s: Span) => void,
  cut: (message: string, s: Span) => void,
): RuleDraft | undefined {
  const rowSpan = { start: base + lead, end: base + end };
  const r = readRow(line.slice(0, end), lead, layout);
  const abs = (c: Cell): Token => ({ value: c.text, span: { start: base + c.start, end: base + c.end } });
  if (!r.ok) {
    (r.cut ? cut : problem)(r.message, r.at ? abs(r.at).span : rowSpan);
    return undefined;
  }
  const c = r.cells;
  const basic = (cell: Cell | undefined, any: ReadonlySet<string>, names?: Readonly<Record<string, string>>): IptBasicMatch | undefined => {
    if (!cell || any.has(cell.text)) return undefined;
    const negated = cell.text.startsWith('!');
    const raw = negated ? cell.text.slice(1) : cell.text;
    const value = { value: names?.[raw] ?? raw, span: { start: base + cell.start + (negated ? 1 : 0), end: base + cell.end } };
    return negated ? { value, negation: { start: base + cell.start, end: base + cell.start + 1 } } : { value };
  };
  const counters = c.pkts && c.bytes ? makeCounters(c.pkts, c.bytes, base) : undefined;
  const source = basic(c.source, ANY_ADDRESS);
  const destination = basic(c.destination, ANY_ADDRESS);
  const inInterface = basic(c.in, ANY_IFACE);
  const outInterface = basic(c.out, ANY_IFACE);
  const protocol = basic(c.prot, ANY_PROTOCOL, PROTOCOL_NAMES);
  let fragment: IptRule['fragment'];
  if (c.opt && c.opt.text[1] === 'f') {
    const s = abs(c.opt).span;
    fragment = c.opt.text[0] === '!' ? { span: s, negation: { start: s.start, end: s.start + 1 } } : { span: s };
  }

  const words = scanWords(line.slice(0, end), c.textStart, base);
  const phrases = parsePhrases(text, words, c.target?.text);
  for (const w of phrases.unterminated) {
    cut(
      w.kind === 'comment'
        ? `this comment is not closed by ' */': the row looks cut short (truncated paste?)`
        : `this quoted text is not closed by '"': the row looks cut short (truncated paste?)`,
      { start: w.start, end: w.end },
    );
  }
  let target: IptTarget | undefined;
  if (c.target) {
    const name = abs(c.target);
    let tEnd = name.span.end;
    for (const o of phrases.targetOptions) tEnd = Math.max(tEnd, o.span.end);
    target = { kind: phrases.goto ? 'goto' : 'jump', name, options: phrases.targetOptions, span: { start: name.span.start, end: tEnd } };
  }
  const columns: ListingColumns = {
    ...(c.num ? { num: abs(c.num) } : {}),
    ...(c.pkts ? { pkts: abs(c.pkts) } : {}),
    ...(c.bytes ? { bytes: abs(c.bytes) } : {}),
    ...(c.target ? { target: abs(c.target) } : {}),
    prot: abs(c.prot),
    ...(c.opt ? { opt: abs(c.opt) } : {}),
    ...(c.in ? { in: abs(c.in) } : {}),
    ...(c.out ? { out: abs(c.out) } : {}),
    source: abs(c.source),
    destination: abs(c.destination),
    ...(c.textStart < end ? { text: { value: line.slice(c.textStart, end), span: { start: base + c.textStart, end: base + end } } } : {}),
  };
  return {
    chain: chain.name,
    // Synthetic: a listing has no `-A`; the empty span keeps hovers and fixes off absent text.
    command: { value: '-A', span: { start: rowSpan.start, end: rowSpan.start } },
    ...(counters ? { counters } : {}),
    ...(source ? { source } : {}),
    ...(destination ? { destination } : {}),
    ...(inInterface ? { inInterface } : {}),
    ...(outInterface ? { outInterface } : {}),
    ...(protocol ? { protocol } : {}),
    ...(fragment ? { fragment } : {}),
    matches: phrases.matches,
    ...(target ? { target } : {}),
    span: rowSpan,
    line: number,
    ...(c.num ? { number: Number(c.num.text) } : {}),
    columns,
  };
}
