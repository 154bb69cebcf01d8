import type { Located, Span } from '../../core/span';
import { pushAll } from '../../core/arrays';
import { Tk } from './lexer';
import type { NftElement, NftExpr, NftStatement, NftVerdict, Token, VerdictName } from './model';
import { closing, isKw, isPunct, isWord, join, num, plain, type Tok } from './tokens';

/**
 * Rules and element lists, read from a statement's words without recursion: an expression is a
 * chain of primaries joined by binary operators and ` . ` concatenations; an anonymous set's
 * elements are chains of simple primaries (a brace inside an element is kept opaque), so nesting
 * never grows the stack. What this reader does not know is kept as `opaque` / `other`, never an
 * error: a newer nft keeps working.
 */

/** Protocol and meta heads that start a selector, with how many argument words they take. */
const SELECTOR_ARITY: ReadonlyMap<string, number> = new Map([
  ...['ip', 'ip6', 'tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th', 'icmp', 'icmpv6', 'igmp', 'ether', 'vlan', 'arp', 'ah', 'esp', 'comp',
    'gre', 'geneve', 'vxlan', 'dst', 'hbh', 'frag', 'rt', 'rt0', 'mh', 'srh', 'tcpopt', 'ipsec', 'socket', 'osf', 'meta', 'cgroupv2', 'exthdr',
    'ct', 'rt6', 'rt4', 'ipcomp']
    .map((h) => [h, 1] as const),
  // `meta` shorthands: the key alone is the selector.
  ...['mark', 'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid', 'ibriport', 'obriport',
    'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'priority', 'length', 'nfproto', 'l4proto', 'protocol',
    'time', 'day', 'hour', 'sdif', 'sdifname', 'iifkind', 'oifkind']
    .map((h) => [h, 0] as const),
]);

/** `fib saddr . mark . iif oif`: arguments run up to and including its result key. */
const FIB_RESULTS = new Set(['type', 'oif', 'oifname']);

const VERDICTS: ReadonlySet<string> = new Set(['accept', 'drop', 'return', 'continue', 'jump', 'goto', 'queue']);

/** Words that start a statement (never a match's value). */
const STATEMENT_WORDS: ReadonlySet<string> = new Set([
  ...VERDICTS,
  'counter', 'log', 'limit', 'quota', 'dnat', 'snat', 'masquerade', 'redirect', 'reject', 'comment', 'update', 'add', 'delete', 'notrack',
  'flow', 'xt', 'tproxy', 'dup', 'fwd', 'synproxy', 'meter', 'vmap', 'set', 'map', 'ct-helper', 'last',
]);

const OTHER_STATEMENTS: ReadonlySet<string> = new Set(['notrack', 'flow', 'xt', 'tproxy', 'dup', 'fwd', 'synproxy', 'meter', 'last']);

/**
 * Binary operators one operand may chain (`meta mark & 0xff00 | 0x4000`: real rules use one or
 * two). Each nests the expression a level deeper, and whatever walks it recurses per level.
 */
const MAX_OPERATORS = 64;

const RELATIONAL: ReadonlySet<string> = new Set(['==', '!=', '<', '>', '<=', '>=', 'eq', 'ne', 'lt', 'gt', 'le', 'ge']);
const BINARY: ReadonlySet<string> = new Set(['&', '|', '^', '/', 'and', 'or', 'xor', '<<', '>>', 'lshift', 'rshift']);
/**
 * Where a reader reports what nft's grammar rejects. Words it does not know are not reported
 * (a newer nft's expression is kept opaque); what no nft accepts is: a verdict without its chain,
 * a selector without a value, a stray value or table keyword where a statement starts, a
 * counter or limit missing its numbers, an element with words after it that are no option.
 */
export type Report = (span: Span, message: string) => void;
const IGNORE: Report = () => undefined;

/** Words of nft's grammar that never start a statement of a rule. */
const NOT_A_STATEMENT: ReadonlySet<string> = new Set(['table', 'chain', 'hook', 'type', 'typeof', 'priority', 'policy', 'elements', 'map', 'set', 'flags', 'device', 'devices', ':', '.', '=', 'to', 'with', 'packets', 'bytes', 'rate', 'burst']);
/** nft keywords that are never a value (its scanner returns them as tokens, not strings). */
const NOT_A_VALUE: ReadonlySet<string> = new Set(['table', 'chain', 'hook', 'elements', 'policy', 'typeof', 'devices', 'ruleset', 'flowtable', 'flags', 'type']);

/** Table keywords that are no selector field (`ct chain`, `fib priority`). */
const NOT_A_FIELD: ReadonlySet<string> = new Set(['table', 'chain', 'hook', 'elements', 'policy', 'typeof', 'devices', 'ruleset', 'flowtable', 'map', 'set']);

/** A value in a match, an element or a concatenation that is one of nft's table keywords. */
function reportKeywordValues(e: NftExpr, report: Report): void {
  const parts = e.kind === 'concat' ? e.parts : [e];
  for (const p of parts) if (p.kind === 'value' && NOT_A_VALUE.has(p.text)) report(p.span, `\`${p.text}\` is an nft keyword, not a value (quote a name that spells it)`);
}

/** A word that could be a newer nft's keyword (kept opaque), rather than a value out of place. */
const KEYWORD_LIKE = /^[a-z][a-z0-9_-]*$/;

const NAT_FLAGS = /^(?:random|fully-random|persistent|netmap|prefix)(?:,(?:random|fully-random|persistent|netmap|prefix))*$/;

export function isSelectorHead(t: Tok | undefined): boolean {
  return isWord(t) && SELECTOR_ARITY.has(t.value);
}

function isStatementWord(t: Tok | undefined): boolean {
  return isWord(t) && STATEMENT_WORDS.has(t.value);
}

/** A word that can be a selector's field (`daddr`, `l4proto`, `state`), not a value or another statement. */
function isField(t: Tok | undefined): boolean {
  // Meta shorthands (`mark`, `l4proto`) are fields of `meta` / `ct`; protocol heads never are.
  return isWord(t) && /^[a-z][a-z0-9-]*$/.test(t.value) && SELECTOR_ARITY.get(t.value) !== 1 && !STATEMENT_WORDS.has(t.value) && !BINARY.has(t.value);
}

/** Whether the words at `i` start a new match (`tcp dport` after `meta l4proto tcp`), rather than being a value. */
function startsMatch(toks: readonly Tok[], i: number): boolean {
  const t = toks[i];
  if (!isWord(t)) return false;
  const arity = SELECTOR_ARITY.get(t.value);
  if (arity === undefined) return t.value === 'fib' || t.value === 'numgen' || t.value === 'jhash' || t.value === 'symhash';
  return arity === 0 || isField(toks[i + 1]);
}

function spanOfRange(toks: readonly Tok[], from: number, to: number): Span {
  return join(toks[from]!.span, toks[Math.max(from, to - 1)]!.span);
}

class Reader {
  i = 0;
  /** Reading a hash's input: nft hashes selectors, never a hash, and a nested one would recurse per word. */
  private inHash = false;
  constructor(
    readonly toks: readonly Tok[],
    readonly report: Report = IGNORE,
  ) {}

  peek(o = 0): Tok | undefined {
    return this.toks[this.i + o];
  }

  /** `{ … }` or `( … )` from the current position, as opaque tokens. */
  skipBracket(): Tok[] {
    const end = Math.min(closing(this.toks, this.i) + 1, this.toks.length);
    const out = this.toks.slice(this.i, end);
    this.i = end;
    return out;
  }

  number(): Located<number> | undefined {
    const n = num(this.peek());
    if (n) this.i++;
    return n;
  }

  /** A selector (`ip daddr`, `ct original saddr`, `fib saddr . mark type`), or undefined. */
  selector(): NftExpr | undefined {
    const head = this.peek();
    if (!isWord(head)) return undefined;
    if (head.value === 'fib') {
      const from = this.i;
      this.i++;
      const args: Token[] = [];
      let result = false;
      while (this.i < this.toks.length) {
        const t = this.peek()!;
        if (t.kind !== Tk.Word || STATEMENT_WORDS.has(t.value)) break;
        if (NOT_A_FIELD.has(t.value)) this.report(t.span, `\`${t.value}\` is an nft keyword, not a \`fib\` key`);
        args.push(plain(t));
        this.i++;
        if (FIB_RESULTS.has(t.value)) {
          result = true;
          break;
        }
      }
      if (!result) this.report(head.span, '`fib` needs its result: `type`, `oif` or `oifname`');
      return { kind: 'selector', span: spanOfRange(this.toks, from, this.i), head: plain(head), args };
    }
    const arity = SELECTOR_ARITY.get(head.value);
    if (arity === undefined) return undefined;
    const from = this.i;
    this.i++;
    const args: Token[] = [];
    let want = arity;
    if (head.value === 'ct' && isWord(this.peek()) && /^(?:original|reply)$/.test(this.peek()!.value)) want = isWord(this.peek(1)) && /^ip6?$/.test(this.peek(1)!.value) ? 3 : 2;
    while (args.length < want && isField(this.peek())) {
      if (NOT_A_FIELD.has(this.peek()!.value)) this.report(this.peek()!.span, `\`${this.peek()!.value}\` is an nft keyword, not a field of \`${head.value}\``);
      args.push(plain(this.peek()!));
      this.i++;
    }
    return { kind: 'selector', span: spanOfRange(this.toks, from, this.i), head: plain(head), args };
  }

  /** One primary: a selector, `@set`, `{ … }`, `( … )`, numgen / jhash, or a value word. */
  primary(allowSet: boolean): NftExpr | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (isPunct(t, '{')) {
      if (!allowSet) {
        const from = this.i;
        const tokens = this.skipBracket().map(plain);
        return { kind: 'opaque', span: spanOfRange(this.toks, from, this.i), tokens };
      }
      return this.anonSet();
    }
    if (isPunct(t, '(')) {
      const from = this.i;
      const tokens = this.skipBracket().map(plain);
      return { kind: 'opaque', span: spanOfRange(this.toks, from, this.i), tokens };
    }
    if (t.kind === Tk.Punct) return undefined;
    if (t.kind === Tk.Word && t.value.startsWith('@') && t.value.length > 1) {
      this.i++;
      return { kind: 'setRef', span: t.span, name: { value: t.value.slice(1), span: { start: t.span.start + 1, end: t.span.end } } };
    }
    if (isKw(t, 'numgen')) {
      const from = this.i;
      this.i++;
      const mode = isWord(this.peek()) ? plain(this.toks[this.i++]!) : { value: '', span: t.span };
      if (mode.value !== 'random' && mode.value !== 'inc') this.report(mode.span, '`numgen` is `random` or `inc`');
      let mod: Located<number> | undefined;
      let offset: Located<number> | undefined;
      for (;;) {
        if (isKw(this.peek(), 'mod')) (this.i++, (mod = this.number()));
        else if (isKw(this.peek(), 'offset')) (this.i++, (offset = this.number()));
        else break;
      }
      return { kind: 'numgen', span: spanOfRange(this.toks, from, this.i), mode, ...(mod ? { mod } : {}), ...(offset ? { offset } : {}) };
    }
    if ((isKw(t, 'jhash') || isKw(t, 'symhash')) && this.inHash) {
      // `jhash jhash jhash …` would nest a call per word: an inner hash is a stray word, reported where it stands.
      this.report(t.span, `\`${t.value}\` cannot hash another hash: its input is selectors (\`ip saddr . tcp dport\`)`);
      this.i++;
      return { kind: 'value', span: t.span, text: t.value };
    }
    if (isKw(t, 'jhash') || isKw(t, 'symhash')) {
      const from = this.i;
      this.i++;
      this.inHash = true;
      let input: NftExpr | undefined;
      try {
        input = isKw(this.peek(), 'mod') ? undefined : this.chain(false, true);
      } finally {
        this.inHash = false;
      }
      let mod: Located<number> | undefined;
      let offset: Located<number> | undefined;
      let seed: Token | undefined;
      for (;;) {
        if (isKw(this.peek(), 'mod')) (this.i++, (mod = this.number()));
        else if (isKw(this.peek(), 'offset')) (this.i++, (offset = this.number()));
        else if (isKw(this.peek(), 'seed') && this.peek(1)) (this.i++, (seed = plain(this.toks[this.i++]!)));
        else break;
      }
      return { kind: 'hash', span: spanOfRange(this.toks, from, this.i), fn: plain(t), ...(input ? { input } : {}), ...(mod ? { mod } : {}), ...(seed ? { seed } : {}), ...(offset ? { offset } : {}) };
    }
    const sel = startsMatch(this.toks, this.i) || SELECTOR_ARITY.get(t.value) === 0 ? this.selector() : undefined;
    if (sel) return sel;
    this.i++;
    return { kind: 'value', span: t.span, text: t.value };
  }

  /**
   * Primaries joined by binary operators and concatenations, then an optional `map`. `simple`
   * stops before `map`; `noSets` keeps a brace opaque (elements and hash inputs: no nesting).
   */
  chain(allowSet: boolean, simple = false): NftExpr | undefined {
    const from = this.i;
    const parts: NftExpr[] = [];
    let cur = this.primary(allowSet);
    if (!cur) return undefined;
    /** Operators of the current operand: each nests the tree one level deeper (`a & b & c` is `(a & b) & c`). */
    let operators = 0;
    let tooDeep = false;
    for (;;) {
      const t = this.peek();
      if (isWord(t) && BINARY.has(t.value) && this.peek(1) && !isStatementWord(this.peek(1))) {
        this.i++;
        const right = this.primary(allowSet);
        if (!right) {
          this.i--;
          break;
        }
        if (++operators > MAX_OPERATORS) {
          if (!tooDeep) this.report(t.span, `more than ${MAX_OPERATORS} operators in one expression: it is kept as opaque words`);
          tooDeep = true;
          continue;
        }
        cur = { kind: 'binop', span: join(cur.span, right.span), left: cur, op: plain(t), right };
        continue;
      }
      if (isKw(t, '.') && this.peek(1) && !isStatementWord(this.peek(1))) {
        this.i++;
        operators = 0;
        parts.push(cur);
        const next = this.primary(allowSet);
        if (!next) {
          this.i--;
          parts.pop();
          break;
        }
        cur = next;
        continue;
      }
      break;
    }
    // Walkers of the model (the tracer's, hovers') recurse per level: past the limit the expression is words, not a tree.
    if (tooDeep) return { kind: 'opaque', span: spanOfRange(this.toks, from, this.i), tokens: this.toks.slice(from, this.i).map(plain) };
    let expr: NftExpr = parts.length ? { kind: 'concat', span: spanOfRange(this.toks, from, this.i), parts: [...parts, cur] } : cur;
    if (!simple && isKw(this.peek(), 'map') && this.peek(1)) {
      this.i++;
      const mapping = this.primary(true);
      if (mapping) expr = { kind: 'map', span: join(expr.span, mapping.span), key: expr, mapping };
    }
    return expr;
  }

  anonSet(): NftExpr {
    const from = this.i;
    const end = closing(this.toks, this.i);
    const elements = readElements(this.toks, this.i + 1, end, this.report);
    this.i = Math.min(end + 1, this.toks.length);
    return { kind: 'anonSet', span: spanOfRange(this.toks, from, this.i), elements };
  }
}

function verdictAt(toks: readonly Tok[], i: number, report: Report = IGNORE): { verdict: NftVerdict; next: number } | undefined {
  const t = toks[i];
  if (!isWord(t) || !VERDICTS.has(t.value)) return undefined;
  const verdict: Located<VerdictName> = { value: t.value as VerdictName, span: t.span };
  if ((t.value === 'jump' || t.value === 'goto') && toks[i + 1] && toks[i + 1]!.kind !== Tk.Punct) {
    const target = toks[i + 1]!;
    return { verdict: { span: join(t.span, target.span), verdict, target: plain(target) }, next: i + 2 };
  }
  if (t.value === 'jump' || t.value === 'goto') report(t.span, `\`${t.value}\` needs the chain to go to`);
  return { verdict: { span: t.span, verdict }, next: i + 1 };
}

/** The elements between `from` and `to` (exclusive) of a `{ … }`: `key [options] [: value]`, comma separated. */
export function readElements(toks: readonly Tok[], from: number, to: number, report: Report = IGNORE): NftElement[] {
  const out: NftElement[] = [];
  const r = new Reader(toks.slice(from, to), report);
  while (r.i < r.toks.length) {
    if (isPunct(r.peek(), ',') || r.peek()!.kind === Tk.Newline) {
      r.i++;
      continue;
    }
    const start = r.i;
    const key = r.chain(false, true);
    if (!key) {
      report(r.peek()!.span, `unexpected \`${r.peek()!.value}\` in an element list`);
      r.i++;
      continue;
    }
    reportKeywordValues(key, report);
    if (key.kind === 'value' && (key.text === ':' || VERDICTS.has(key.text))) {
      report(key.span, `an element cannot start with \`${key.text}\``);
    }
    let comment: Token | undefined;
    let timeout: Token | undefined;
    let expires: Token | undefined;
    let value: NftExpr | undefined;
    let verdict: NftVerdict | undefined;
    while (r.i < r.toks.length && !isPunct(r.peek(), ',')) {
      const t = r.peek()!;
      const arg = r.peek(1);
      if (isKw(t, 'comment') && arg) (r.i += 2, (comment = plain(arg)));
      else if (isKw(t, 'timeout') && arg) (r.i += 2, (timeout = plain(arg)));
      else if (isKw(t, 'expires') && arg) (r.i += 2, (expires = plain(arg)));
      else if (isKw(t, 'counter')) {
        r.i++;
        while (isKw(r.peek(), 'packets') || isKw(r.peek(), 'bytes')) r.i += 2;
      } else if (isKw(t, ':')) {
        r.i++;
        const v = verdictAt(r.toks, r.i, report);
        if (v) {
          verdict = v.verdict;
          r.i = v.next;
        } else {
          value = r.chain(false, true);
          if (!value) report(r.toks[r.i - 1]!.span, '`:` needs the value the element maps to');
        }
      } else {
        // An unknown option word may be a newer nft's; a verdict, value or bracket here is not.
        if (!KEYWORD_LIKE.test(t.value) || VERDICTS.has(t.value) || t.kind !== Tk.Word || SELECTOR_ARITY.get(t.value) === 1) report(t.span, `unexpected \`${t.value}\` after the element \`${r.toks[start]!.value}\` (a \`,\` or \`:\` is missing?)`);
        r.i++;
      }
    }
    const last = r.toks[Math.max(start, r.i - 1)]!;
    out.push({
      span: join(r.toks[start]!.span, last.span),
      key,
      ...(value ? { value } : {}),
      ...(verdict ? { verdict } : {}),
      ...(comment ? { comment } : {}),
      ...(timeout ? { timeout } : {}),
      ...(expires ? { expires } : {}),
    });
  }
  return out;
}

/** Reads a rule's statements from its words (`toks` holds only the rule, no command prefix). */
export function readStatements(toks: readonly Tok[], report: Report = IGNORE): NftStatement[] {
  const out: NftStatement[] = [];
  const r = new Reader(toks, report);
  while (r.i < toks.length) {
    const t = r.peek()!;
    const from = r.i;
    const span = (): Span => spanOfRange(toks, from, r.i);
    const v = verdictAt(toks, r.i, report);
    if (v && t.value !== 'queue') {
      r.i = v.next;
      out.push({ kind: 'verdict', ...v.verdict });
      continue;
    }
    if (t.kind !== Tk.Word && t.kind !== Tk.String) {
      r.i++;
      if (t.kind === Tk.Punct && (t.value === '{' || t.value === '(')) {
        r.i = from;
        const tokens = r.skipBracket().map(plain);
        out.push({ kind: 'other', span: span(), keyword: plain(t), tokens });
      } else report(t.span, `unexpected \`${t.value}\` in a rule`);
      continue;
    }
    switch (t.value) {
      case 'counter': {
        r.i++;
        if (isKw(r.peek(), 'name') && r.peek(1)) {
          const name = plain(r.peek(1)!);
          if (isStatementWord(r.peek(1))) report(name.span, `\`counter name\` is followed by the counter's name, not \`${name.value}\``);
          r.i += 2;
          out.push({ kind: 'counter', span: span(), name });
          break;
        }
        let packets: Located<number> | undefined;
        let bytes: Located<number> | undefined;
        for (;;) {
          if (isKw(r.peek(), 'packets') && num(r.peek(1))) (r.i++, (packets = r.number()));
          else if (isKw(r.peek(), 'bytes') && num(r.peek(1))) (r.i++, (bytes = r.number()));
          else break;
        }
        if (isKw(r.peek(), 'packets') || isKw(r.peek(), 'bytes')) report(r.peek()!.span, `\`counter ${r.peek()!.value}\` needs a number`);
        out.push({ kind: 'counter', span: span(), ...(packets ? { packets } : {}), ...(bytes ? { bytes } : {}) });
        break;
      }
      case 'log': {
        r.i++;
        const options: Token[] = [];
        let prefix: Token | undefined;
        let level: Token | undefined;
        let group: Token | undefined;
        while (isWord(r.peek()) && /^(?:prefix|level|group|snaplen|queue-threshold|flags)$/.test(r.peek()!.value) && r.peek(1)) {
          const key = r.peek()!.value;
          const arg = plain(r.peek(1)!);
          options.push(plain(r.peek()!), arg);
          r.i += 2;
          if (key === 'prefix') prefix = arg;
          else if (key === 'level') level = arg;
          else if (key === 'group') group = arg;
        }
        out.push({ kind: 'log', span: span(), options, ...(prefix ? { prefix } : {}), ...(level ? { level } : {}), ...(group ? { group } : {}) });
        break;
      }
      case 'limit': {
        r.i++;
        const options: Token[] = [];
        let over = false;
        let rate: Token | undefined;
        let burst: Token | undefined;
        if (isKw(r.peek(), 'name') && r.peek(1)) {
          options.push(plain(r.peek()!), plain(r.peek(1)!));
          r.i += 2;
        } else {
          if (isKw(r.peek(), 'rate')) r.i++;
          else report(t.span, '`limit` needs `rate` (or `name`)');
          if (isKw(r.peek(), 'over') || isKw(r.peek(), 'until')) (r.i++, (over = toks[r.i - 1]!.value === 'over'));
          if (isWord(r.peek()) && !isStatementWord(r.peek())) {
            rate = plain(r.peek()!);
            r.i++;
            // `limit rate 10 mbytes/second`: a unit word follows a bare number.
            if (/^\d+$/.test(rate.value) && isWord(r.peek()) && /\//.test(r.peek()!.value)) {
              rate = { value: `${rate.value} ${r.peek()!.value}`, span: join(rate.span, r.peek()!.span) };
              r.i++;
            }
          }
          if (isKw(r.peek(), 'burst') && r.peek(1)) {
            burst = plain(r.peek(1)!);
            r.i += 2;
            if (isKw(r.peek(), 'packets') || isKw(r.peek(), 'bytes') || isKw(r.peek(), 'kbytes') || isKw(r.peek(), 'mbytes')) r.i++;
          }
        }
        out.push({ kind: 'limit', span: span(), over, options, ...(rate ? { rate } : {}), ...(burst ? { burst } : {}) });
        break;
      }
      case 'quota': {
        r.i++;
        if (isKw(r.peek(), 'name') && r.peek(1)) {
          const name = plain(r.peek(1)!);
          if (isStatementWord(r.peek(1))) report(name.span, `\`quota name\` is followed by the quota's name, not \`${name.value}\``);
          r.i += 2;
          out.push({ kind: 'quota', span: span(), name, options: [] });
          break;
        }
        const options: Token[] = [];
        while (isWord(r.peek()) && /^(?:over|until|used|\d+|bytes|kbytes|mbytes|gbytes)$/.test(r.peek()!.value)) options.push(plain(toks[r.i++]!));
        out.push({ kind: 'quota', span: span(), options });
        break;
      }
      case 'dnat':
      case 'snat':
      case 'masquerade':
      case 'redirect': {
        r.i++;
        const type = { value: t.value, span: t.span } as Located<'dnat' | 'snat' | 'masquerade' | 'redirect'>;
        let family: Token | undefined;
        let to: NftExpr | undefined;
        if (isWord(r.peek()) && /^(?:ip6?|inet)$/.test(r.peek()!.value) && isKw(r.peek(1), 'to')) family = plain(toks[r.i++]!);
        if (isKw(r.peek(), 'to') && !r.peek(1)) report(r.peek()!.span, '`to` needs an address or port');
        if (isKw(r.peek(), 'to') && r.peek(1)) {
          r.i++;
          to = r.chain(true);
        } else if ((t.value === 'dnat' || t.value === 'snat') && r.peek() && !isStatementWord(r.peek()) && !startsMatch(toks, r.i) && !NAT_FLAGS.test(r.peek()!.value) && r.peek()!.kind !== Tk.Punct) {
          // nft still reads the old `dnat 10.0.0.1:80` without `to`.
          to = r.chain(true);
        }
        const flags: Token[] = [];
        while (isWord(r.peek()) && NAT_FLAGS.test(r.peek()!.value)) flags.push(plain(toks[r.i++]!));
        out.push({ kind: 'nat', span: span(), type, flags, ...(family ? { family } : {}), ...(to ? { to } : {}) });
        break;
      }
      case 'reject': {
        r.i++;
        const w: Token[] = [];
        if (isKw(r.peek(), 'with')) {
          w.push(plain(toks[r.i++]!));
          if (!/^(?:icmp|icmpv6|icmpx|tcp)$/.test(r.peek()?.value ?? '')) report(w[0]!.span, '`reject with` is followed by icmp, icmpv6, icmpx or tcp');
          for (let k = 0; k < 2 && isWord(r.peek()) && !isStatementWord(r.peek()); k++) {
            if (NOT_A_VALUE.has(r.peek()!.value)) report(r.peek()!.span, `\`${r.peek()!.value}\` is an nft keyword, not a reject type or code`);
            w.push(plain(toks[r.i++]!));
          }
        }
        out.push({ kind: 'reject', span: span(), with: w });
        break;
      }
      case 'comment': {
        r.i++;
        const text = r.peek();
        if (text) r.i++;
        out.push({ kind: 'comment', span: span(), text: text ? plain(text) : { value: '', span: t.span } });
        break;
      }
      case 'update':
      case 'add':
      case 'delete': {
        const ref = r.peek(1);
        if (isWord(ref) && ref.value.startsWith('@')) {
          r.i += 2;
          const set = { value: ref.value.slice(1), span: { start: ref.span.start + 1, end: ref.span.end } };
          const key = isPunct(r.peek(), '{') ? r.anonSet() : undefined;
          out.push({ kind: 'setUpdate', span: span(), op: plain(t), set, options: [], ...(key ? { key } : {}) });
          break;
        }
        r.i++;
        out.push({ kind: 'other', span: span(), keyword: plain(t), tokens: [] });
        break;
      }
      default: {
        if (OTHER_STATEMENTS.has(t.value) || t.value === 'queue') {
          r.i++;
          const tokens: Token[] = [];
          while (r.i < toks.length && !isStatementWord(r.peek()) && !startsMatch(toks, r.i)) {
            if (isPunct(r.peek(), '{') || isPunct(r.peek(), '(')) pushAll(tokens, r.skipBracket().map(plain));
            else tokens.push(plain(toks[r.i++]!));
          }
          out.push({ kind: 'other', span: span(), keyword: plain(t), tokens });
          break;
        }
        out.push(readMatch(r, toks, from, report));
      }
    }
  }
  return out;
}

/** A match, a `vmap` lookup or a `set` statement: `LEFT [op] [RIGHT]`, `KEY vmap MAP`, `TARGET set VALUE`. */
function readMatch(r: Reader, toks: readonly Tok[], from: number, report: Report): NftStatement {
  const first = toks[r.i]!;
  const left = r.chain(true);
  if (!left) {
    const t = toks[r.i++]!;
    report(t.span, `unexpected \`${t.value}\` where a statement starts`);
    return { kind: 'other', span: t.span, keyword: plain(t), tokens: [] };
  }
  // A word that is no selector this reader knows (a newer nft's expression): kept, one word at a time.
  // A value or a table keyword where a statement starts is no expression of any nft.
  if (left.kind === 'value') {
    if (first.kind !== Tk.Word || !KEYWORD_LIKE.test(left.text) || NOT_A_STATEMENT.has(left.text)) report(left.span, `unexpected \`${left.text}\` where a statement starts`);
    return { kind: 'other', span: left.span, keyword: { value: left.text, span: left.span }, tokens: [] };
  }
  const span = (): Span => spanOfRange(toks, from, r.i);
  const next = r.peek();
  // `KEY vmap`, `KEY set`, `KEY ==` with nothing after: the rule was cut.
  if ((isKw(next, 'vmap') || isKw(next, 'set') || (isWord(next) && RELATIONAL.has(next.value))) && !r.peek(1)) report(next!.span, `\`${next!.value}\` needs what follows it`);
  if (isKw(next, 'vmap') && r.peek(1)) {
    r.i++;
    const map = r.primary(true);
    if (map && map.kind !== 'setRef' && map.kind !== 'anonSet' && !(map.kind === 'value' && map.text.startsWith('$'))) report(map.span, '`vmap` needs `@map` or `{ … }`');
    if (map) return { kind: 'vmap', span: span(), key: left, map };
  }
  if (isKw(next, 'set') && r.peek(1)) {
    r.i++;
    const value = r.chain(true);
    if (value) {
      reportKeywordValues(value, report);
      return { kind: 'set', span: span(), target: left, value };
    }
  }
  if (isWord(next) && RELATIONAL.has(next.value) && r.peek(1)) {
    r.i++;
    const right = r.chain(true);
    if (right) {
      reportKeywordValues(right, report);
      return { kind: 'match', span: span(), left, op: plain(next), right };
    }
    r.i--;
  }
  // `ct status dnat`, `ct status snat`: status bits that share a name with a statement.
  const ctStatus = left.kind === 'selector' && left.head.value === 'ct' && left.args[0]?.value === 'status' && isWord(next);
  if (next && (ctStatus || !isStatementWord(next)) && !startsMatch(toks, r.i) && (next.kind === Tk.Word || next.kind === Tk.String || isPunct(next, '{') || isPunct(next, '('))) {
    const right = r.chain(true);
    if (right) {
      reportKeywordValues(right, report);
      // `KEY { 0 : goto a }` without `vmap` / `map`: nft's "mapping outside of map context".
      if (right.kind === 'anonSet' && right.elements.some((e) => e.value || e.verdict)) report(right.span, 'elements with `:` need `vmap` or `map` before the braces');
      return { kind: 'match', span: span(), left, right };
    }
  }
  if (left.kind === 'opaque') return { kind: 'other', span: left.span, keyword: { value: '', span: left.span }, tokens: left.tokens };
  // `ip daddr` with nothing to compare: no nft reads a bare selector, hash or concatenation as a statement.
  if (left.kind === 'selector' || left.kind === 'concat' || left.kind === 'hash' || left.kind === 'numgen' || left.kind === 'binop') report(left.span, `\`${toks.slice(from, r.i).map((t) => t.value).join(' ')}\` needs a value to compare with`);
  return { kind: 'match', span: span(), left };
}
