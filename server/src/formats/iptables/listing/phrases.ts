import type { Span } from '../../../core/span';
import type { IptMatch, IptOption, Token } from '../model';
import type { Word } from './types';
import { pushAll } from '../../../core/arrays';

/**
 * Maps the free-form text iptables prints after the address columns (each extension's `print`
 * function, see iptables/extensions/libxt_*.c) back to the structure `iptables-save` gives:
 * match modules with `--options`, and target options. Option names are the save spellings
 * (`dpt:80` -> `--dport 80`); the name token's span covers the listing keyword that stands for
 * it, values cover exactly their text. Text no phrase recognises becomes a match named `?` whose
 * single option holds the raw text, so nothing is lost and nothing is reported: listing text is
 * open-ended (every extension prints its own).
 */

export interface PhraseResult {
  readonly matches: IptMatch[];
  readonly targetOptions: IptOption[];
  /** `[goto]` was printed: the rule uses `-g`, not `-j`. */
  readonly goto?: Span;
  /** Unterminated comment / quoted prefix (the row was cut short). */
  readonly unterminated: Word[];
}

interface Step {
  /** Index of the first word not consumed. */
  readonly next: number;
  readonly match?: IptMatch;
  readonly targetOptions?: IptOption[];
  readonly goto?: Span;
}

type Parser = (w: readonly Word[], i: number, neg: Word | undefined) => Step | undefined;

const span = (start: number, end: number): Span => ({ start, end });
const tok = (value: string, start: number, end: number): Token => ({ value, span: span(start, end) });
/**
 * A word as a value token. Quoted strings follow the save parser (value unquoted, span over the
 * quotes); a comment's value covers only its text (the `/* *\/` are not part of any value).
 */
const wordTok = (w: Word): Token =>
  w.kind === 'comment' && w.inner ? tok(w.inner.value, w.inner.start, w.inner.end) : tok(w.inner ? w.inner.value : w.text, w.start, w.end);

function option(name: string, nameSpan: Span, values: readonly Token[], negation?: Span): IptOption {
  let start = nameSpan.start;
  let end = nameSpan.end;
  for (const v of values) {
    if (v.span.start < start) start = v.span.start;
    if (v.span.end > end) end = v.span.end;
  }
  if (negation) {
    start = Math.min(start, negation.start);
    end = Math.max(end, negation.end);
  }
  return negation
    ? { name: { value: name, span: nameSpan }, negation, values, span: span(start, end) }
    : { name: { value: name, span: nameSpan }, values, span: span(start, end) };
}

function match(name: string, nameSpan: Span, options: readonly IptOption[], start: number, end: number): IptMatch {
  let s = start;
  let e = end;
  for (const o of options) {
    if (o.span.start < s) s = o.span.start;
    if (o.span.end > e) e = o.span.end;
  }
  return { name: { value: name, span: nameSpan }, explicit: false, options: [...options], span: span(s, e) };
}

const negSpan = (neg: Word | undefined): Span | undefined => (neg ? span(neg.start, neg.end) : undefined);
/** A plain word (not a comment or quoted string); the intersection keeps narrowing sound in `else` branches. */
type Plain = Word & { readonly kind: 'word' };
const isWord = (w: Word | undefined, text: string): w is Plain => w !== undefined && w.kind === 'word' && w.text === text;
const plain = (w: Word | undefined): w is Plain => w !== undefined && w.kind === 'word';

/** Splits `key:value` / `key:!value` words (`dpt:80`, `spts:!1:2`). */
function keyed(w: Word, keyLen: number): { value: Token; negation?: Span } {
  const sep = w.start + keyLen + 1;
  const rest = w.text.slice(keyLen + 1);
  if (rest.startsWith('!')) return { value: tok(rest.slice(1), sep + 1, w.end), negation: span(sep, sep + 1) };
  return { value: tok(rest, sep, w.end) };
}

/** A value word that may carry a glued `!` (`!LOCAL`, `!80,443`). */
function bangValue(w: Word): { value: Token; negation?: Span } {
  if (w.kind === 'word' && w.text.startsWith('!') && w.text.length > 1) {
    return { value: tok(w.text.slice(1), w.start + 1, w.end), negation: span(w.start, w.start + 1) };
  }
  return { value: wordTok(w) };
}

// ---------------------------------------------------------------------------------------------
// Match phrases

const comment: Parser = (w, i, neg) => {
  const c = w[i]!;
  if (c.kind !== 'comment') return undefined;
  const nameSpan = span(c.start, c.start + 2);
  const o = option('--comment', nameSpan, [wordTok(c)], negSpan(neg));
  // The option covers the whole `/* ... */`, closing delimiter included.
  const whole: IptOption = { ...o, span: span(o.span.start, Math.max(o.span.end, c.end)) };
  return { next: i + 1, match: match('comment', nameSpan, [whole], c.start, c.end) };
};

const PORT_PROTOS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);
const PORT_KEY = /^(spts?|dpts?):/;
const TCP_FLAGS = /^flags:(!?)([^/]+)\/(.+)$/;
const TCP_OPTION = /^option=(!?)(\d+)$/;

/** `tcp spt:53 dpts:1024:65535 flags:!0x17/0x02 option=5` (libxt_tcp / libxt_udp print). */
const ports: Parser = (w, i, neg) => {
  const head = w[i]!;
  if (!plain(head) || !PORT_PROTOS.has(head.text)) return undefined;
  const opts: IptOption[] = [];
  let j = i + 1;
  let first = true;
  for (; j < w.length; j++) {
    const x = w[j]!;
    if (!plain(x)) break;
    const negation = first ? negSpan(neg) : undefined;
    const pk = PORT_KEY.exec(x.text);
    if (pk) {
      const key = pk[1]!;
      const k = keyed(x, key.length);
      const name = key.startsWith('s') ? '--sport' : '--dport';
      opts.push(option(name, span(x.start, x.start + key.length), [k.value], k.negation ?? negation));
    } else if (TCP_FLAGS.test(x.text)) {
      const m = TCP_FLAGS.exec(x.text)!;
      const bang = m[1]!.length;
      const maskStart = x.start + 6 + bang;
      const mask = tok(m[2]!, maskStart, maskStart + m[2]!.length);
      const cmp = tok(m[3]!, mask.span.end + 1, x.end);
      opts.push(option('--tcp-flags', span(x.start, x.start + 5), [mask, cmp], bang ? span(x.start + 6, x.start + 7) : negation));
    } else if (TCP_OPTION.test(x.text)) {
      const m = TCP_OPTION.exec(x.text)!;
      const bang = m[1]!.length;
      opts.push(option('--tcp-option', span(x.start, x.start + 6), [tok(m[2]!, x.start + 7 + bang, x.end)], bang ? span(x.start + 7, x.start + 8) : negation));
    } else break;
    first = false;
  }
  return { next: j, match: match(head.text, span(head.start, head.end), opts, neg ? neg.start : head.start, head.end) };
};

const ICMP_NAME = /^!?[a-z][a-z0-9-]*$/;
/** Target keywords that may follow a bare `icmp` protocol word; never ICMP type names. */
const NOT_ICMP_NAMES = new Set(['reject-with', 'random', 'random-fully', 'persistent']);

/** `icmptype 8 code 0`, `icmp !type 3`, `icmp echo-request`, `ipv6-icmptype 1 code 0`. */
const icmp: Parser = (w, i, neg) => {
  const head = w[i]!;
  if (!plain(head)) return undefined;
  const v6 = head.text.startsWith('ipv6-');
  const base = v6 ? head.text.slice(5) : head.text;
  const mname = v6 ? 'icmp6' : 'icmp';
  const oname = v6 ? '--icmpv6-type' : '--icmp-type';
  let typeWord: Word | undefined;
  let negation = negSpan(neg);
  let j = i + 1;
  const nameSpan = span(head.start, head.end);
  if (base === 'icmptype') {
    typeWord = w[j];
    j++;
  } else if (base === 'icmp') {
    const nx = w[j];
    if (isWord(nx, 'type') || isWord(nx, '!type')) {
      if (nx.text.startsWith('!')) negation = span(nx.start, nx.start + 1);
      typeWord = w[j + 1];
      j += 2;
    } else if (plain(nx) && ICMP_NAME.test(nx.text) && !NOT_ICMP_NAMES.has(nx.text)) {
      const b = bangValue(nx);
      return { next: j + 1, match: match(mname, nameSpan, [option(oname, nameSpan, [b.value], b.negation ?? negation)], neg ? neg.start : head.start, nx.end) };
    } else return undefined;
  } else return undefined;
  if (!plain(typeWord) || !/^\d+$/.test(typeWord.text)) return undefined;
  let value = tok(typeWord.text, typeWord.start, typeWord.end);
  const code = w[j];
  const codeValue = w[j + 1];
  if ((isWord(code, 'code') || isWord(code, 'codes')) && plain(codeValue)) {
    value = tok(`${typeWord.text}/${codeValue.text.replace('-', ':')}`, typeWord.start, codeValue.end);
    j += 2;
  }
  return { next: j, match: match(mname, nameSpan, [option(oname, nameSpan, [value], negation)], neg ? neg.start : head.start, value.span.end) };
};

/** `multiport dports 80,443` / `multiport sports  !1000:2000`. */
const multiport: Parser = (w, i, neg) => {
  const head = w[i]!;
  const kind = w[i + 1];
  if (!isWord(head, 'multiport') || !plain(kind) || !['sports', 'dports', 'ports'].includes(kind.text)) return undefined;
  let j = i + 2;
  let negation = negSpan(neg);
  if (isWord(w[j], '!')) {
    negation = span(w[j]!.start, w[j]!.end);
    j++;
  }
  const list = w[j];
  if (!plain(list)) return undefined;
  const b = bangValue(list);
  const o = option(`--${kind.text}`, span(kind.start, kind.end), [b.value], b.negation ?? negation);
  return { next: j + 1, match: match('multiport', span(head.start, head.end), [o], neg ? neg.start : head.start, list.end) };
};

/** `statistic mode random probability 0.33333333349` / `statistic mode nth every 3 packet 0`. */
const statistic: Parser = (w, i, neg) => {
  const head = w[i]!;
  if (!isWord(head, 'statistic')) return undefined;
  const opts: IptOption[] = [];
  let j = i + 1;
  let negation = negSpan(neg);
  const KEYS: Record<string, string> = { mode: '--mode', probability: '--probability', every: '--every', packet: '--packet' };
  while (j < w.length) {
    const x = w[j]!;
    if (isWord(x, '!')) {
      negation = span(x.start, x.end);
      j++;
      continue;
    }
    const name = plain(x) ? KEYS[x.text] : undefined;
    const v = w[j + 1];
    if (!name || !plain(v)) break;
    const isProbe = name !== '--mode';
    opts.push(option(name, span(x.start, x.end), [tok(v.text, v.start, v.end)], isProbe ? negation : undefined));
    if (isProbe) negation = undefined;
    j += 2;
  }
  if (opts.length === 0) return undefined;
  return { next: j, match: match('statistic', span(head.start, head.end), opts, neg ? neg.start : head.start, head.end) };
};

/** `recent: CHECK seconds: 10800 reap name: KUBE-SEP-X side: source mask: 255.255.255.255`. */
const recent: Parser = (w, i, neg) => {
  const head = w[i]!;
  if (!isWord(head, 'recent:')) return undefined;
  const FLAGS: Record<string, string> = { SET: '--set', CHECK: '--rcheck', UPDATE: '--update', REMOVE: '--remove', reap: '--reap', 'TTL-Match': '--rttl' };
  const VALUED: Record<string, string> = { 'seconds:': '--seconds', 'hit_count:': '--hitcount', 'name:': '--name', 'mask:': '--mask' };
  const opts: IptOption[] = [];
  let negation = negSpan(neg);
  let j = i + 1;
  while (j < w.length) {
    const x = w[j]!;
    if (!plain(x)) break;
    const flag = FLAGS[x.text];
    if (flag) {
      const isOp = flag !== '--reap' && flag !== '--rttl';
      opts.push(option(flag, span(x.start, x.end), [], isOp ? negation : undefined));
      if (isOp) negation = undefined;
      j++;
      continue;
    }
    const v = w[j + 1];
    if (x.text === 'side:' && plain(v) && (v.text === 'source' || v.text === 'dest')) {
      opts.push(option(v.text === 'source' ? '--rsource' : '--rdest', span(x.start, v.end), []));
      j += 2;
      continue;
    }
    const valued = VALUED[x.text];
    if (valued && plain(v)) {
      opts.push(option(valued, span(x.start, x.end - 1), [tok(v.text, v.start, v.end)]));
      j += 2;
      continue;
    }
    break;
  }
  return { next: j, match: match('recent', span(head.start, head.end - 1), opts, neg ? neg.start : head.start, head.end) };
};

/** `ADDRTYPE match src-type !LOCAL dst-type LOCAL limit-in`. */
const addrtype: Parser = (w, i, neg) => {
  const head = w[i]!;
  const m = w[i + 1];
  if (!isWord(head, 'ADDRTYPE') || !isWord(m, 'match')) return undefined;
  const opts: IptOption[] = [];
  let negation = negSpan(neg);
  let j = i + 2;
  while (j < w.length) {
    const x = w[j]!;
    if (isWord(x, '!') && (isWord(w[j + 1], 'src-type') || isWord(w[j + 1], 'dst-type'))) {
      negation = span(x.start, x.end);
      j++;
      continue;
    }
    if ((isWord(x, 'src-type') || isWord(x, 'dst-type')) && plain(w[j + 1])) {
      const b = bangValue(w[j + 1]!);
      opts.push(option(`--${x.text}`, span(x.start, x.end), [b.value], b.negation ?? negation));
      negation = undefined;
      j += 2;
      continue;
    }
    if (isWord(x, 'limit-in') || isWord(x, 'limit-out')) {
      opts.push(option(x.text === 'limit-in' ? '--limit-iface-in' : '--limit-iface-out', span(x.start, x.end), []));
      j++;
      continue;
    }
    break;
  }
  return { next: j, match: match('addrtype', span(head.start, m.end), opts, neg ? neg.start : head.start, m.end) };
};

/** `match-set KUBE-CLUSTER-IP dst,dst [return-nomatch] [! update-counters] [packets-gt 5]`. */
const matchSet: Parser = (w, i, neg) => {
  const head = w[i]!;
  const name = w[i + 1];
  const flags = w[i + 2];
  if (!isWord(head, 'match-set') || !plain(name) || !plain(flags)) return undefined;
  const nameSpan = span(head.start, head.end);
  const opts: IptOption[] = [option('--match-set', nameSpan, [tok(name.text, name.start, name.end), tok(flags.text, flags.start, flags.end)], negSpan(neg))];
  let j = i + 3;
  const COUNTER = /^(packets|bytes)-(eq|lt|gt)$/;
  while (j < w.length) {
    const x = w[j]!;
    const nx = w[j + 1];
    if (isWord(x, 'return-nomatch')) {
      opts.push(option('--return-nomatch', span(x.start, x.end), []));
      j++;
    } else if (isWord(x, '!') && (isWord(nx, 'update-counters') || isWord(nx, 'update-subcounters'))) {
      opts.push(option(`--${nx.text}`, span(nx.start, nx.end), [], span(x.start, x.end)));
      j += 2;
    } else if (isWord(x, '!') && plain(nx) && COUNTER.test(nx.text) && plain(w[j + 2])) {
      const v = w[j + 2]!;
      opts.push(option(`--${nx.text}`, span(nx.start, nx.end), [tok(v.text, v.start, v.end)], span(x.start, x.end)));
      j += 3;
    } else if (plain(x) && COUNTER.test(x.text) && plain(nx)) {
      opts.push(option(`--${x.text}`, span(x.start, x.end), [tok(nx.text, nx.start, nx.end)]));
      j += 2;
    } else break;
  }
  return { next: j, match: match('set', nameSpan, opts, neg ? neg.start : head.start, flags.end) };
};

/** `PHYSDEV match ! --physdev-is-in --physdev-out eth0` (physdev prints save-style options). */
const physdev: Parser = (w, i, neg) => {
  const head = w[i]!;
  const m = w[i + 1];
  if (!isWord(head, 'PHYSDEV') || !isWord(m, 'match')) return undefined;
  const opts: IptOption[] = [];
  let negation = negSpan(neg);
  let j = i + 2;
  while (j < w.length) {
    const x = w[j]!;
    if (isWord(x, '!') && plain(w[j + 1]) && w[j + 1]!.text.startsWith('--physdev-')) {
      negation = span(x.start, x.end);
      j++;
      continue;
    }
    if (!plain(x) || !x.text.startsWith('--physdev-')) break;
    const valued = x.text === '--physdev-in' || x.text === '--physdev-out';
    const v = w[j + 1];
    if (valued && !plain(v)) break;
    opts.push(option(x.text, span(x.start, x.end), valued ? [tok(v!.text, v!.start, v!.end)] : [], negation));
    negation = undefined;
    j += valued ? 2 : 1;
  }
  return { next: j, match: match('physdev', span(head.start, m.end), opts, neg ? neg.start : head.start, m.end) };
};

/** `mark match ! 0x4000/0x4000` (also the old `MARK match`), `connmark match 0x1`. */
const markMatch: Parser = (w, i, neg) => {
  const head = w[i]!;
  const m = w[i + 1];
  if (!plain(head) || !isWord(m, 'match')) return undefined;
  const module = head.text === 'mark' || head.text === 'MARK' ? 'mark' : head.text === 'connmark' ? 'connmark' : undefined;
  if (!module) return undefined;
  let j = i + 2;
  let negation = negSpan(neg);
  if (isWord(w[j], '!')) {
    negation = span(w[j]!.start, w[j]!.end);
    j++;
  }
  const v = w[j];
  if (!plain(v)) return undefined;
  const nameSpan = span(head.start, m.end);
  return { next: j + 1, match: match(module, nameSpan, [option('--mark', nameSpan, [tok(v.text, v.start, v.end)], negation)], neg ? neg.start : head.start, v.end) };
};

/** `state RELATED,ESTABLISHED` (the conntrack alias prints `state`). */
const state: Parser = (w, i, neg) => {
  const head = w[i]!;
  const v = w[i + 1];
  if (!isWord(head, 'state') || !plain(v)) return undefined;
  const b = bangValue(v);
  const nameSpan = span(head.start, head.end);
  return { next: i + 2, match: match('state', nameSpan, [option('--state', nameSpan, [b.value], b.negation ?? negSpan(neg))], neg ? neg.start : head.start, v.end) };
};

const CT_KEYS = new Set([
  'ctstate', 'ctproto', 'ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'ctorigsrcport', 'ctorigdstport',
  'ctreplsrcport', 'ctrepldstport', 'ctstatus', 'ctexpire', 'ctdir',
]);

/** `ctstate RELATED,ESTABLISHED ! ctstatus CONFIRMED ctdir ORIGINAL` (libxt_conntrack). */
const conntrack: Parser = (w, i, neg) => {
  const head = w[i]!;
  if (!plain(head) || !CT_KEYS.has(head.text)) return undefined;
  const opts: IptOption[] = [];
  let negation = negSpan(neg);
  let j = i;
  let end = head.end;
  while (j < w.length) {
    const x = w[j]!;
    if (j > i && isWord(x, '!') && plain(w[j + 1]) && CT_KEYS.has(w[j + 1]!.text)) {
      negation = span(x.start, x.end);
      j++;
      continue;
    }
    const v = w[j + 1];
    if (!plain(x) || !CT_KEYS.has(x.text) || !plain(v)) break;
    opts.push(option(`--${x.text}`, span(x.start, x.end), [tok(v.text, v.start, v.end)], negation));
    negation = undefined;
    end = v.end;
    j += 2;
  }
  if (opts.length === 0) return undefined;
  return { next: j, match: match('conntrack', span(head.start, head.end), opts, neg ? neg.start : head.start, end) };
};

/** `limit: avg 1/sec burst 5`. */
const limit: Parser = (w, i, neg) => {
  const head = w[i]!;
  const avg = w[i + 1];
  const rate = w[i + 2];
  if (!isWord(head, 'limit:') || !isWord(avg, 'avg') || !plain(rate)) return undefined;
  const opts = [option('--limit', span(avg.start, avg.end), [tok(rate.text, rate.start, rate.end)], negSpan(neg))];
  let j = i + 3;
  const b = w[j + 1];
  if (isWord(w[j], 'burst') && plain(b)) {
    opts.push(option('--limit-burst', span(w[j]!.start, w[j]!.end), [tok(b.text, b.start, b.end)]));
    j += 2;
  }
  return { next: j, match: match('limit', span(head.start, head.end - 1), opts, neg ? neg.start : head.start, head.end) };
};

const IPVS_KEYS = new Set(['ipvs', 'vproto', 'vaddr', 'vport', 'vdir', 'vmethod', 'vportctl']);

/** `vaddr 10.0.0.1 vport 80 vdir ORIGINAL` (libxt_ipvs). */
const ipvs: Parser = (w, i, neg) => {
  const head = w[i]!;
  if (!plain(head) || !IPVS_KEYS.has(head.text)) return undefined;
  const opts: IptOption[] = [];
  let negation = negSpan(neg);
  let j = i;
  while (j < w.length) {
    const x = w[j]!;
    if (j > i && isWord(x, '!') && plain(w[j + 1]) && IPVS_KEYS.has(w[j + 1]!.text)) {
      negation = span(x.start, x.end);
      j++;
      continue;
    }
    if (!plain(x) || !IPVS_KEYS.has(x.text)) break;
    if (x.text === 'ipvs') {
      opts.push(option('--ipvs', span(x.start, x.end), [], negation));
      j++;
    } else {
      const v = w[j + 1];
      if (!plain(v)) break;
      opts.push(option(`--${x.text}`, span(x.start, x.end), [tok(v.text, v.start, v.end)], negation));
      j += 2;
    }
    negation = undefined;
  }
  if (opts.length === 0) return undefined;
  return { next: j, match: match('ipvs', span(head.start, head.end), opts, neg ? neg.start : head.start, head.end) };
};

/** `nfacct-name  localhost_nps_accepted_pkts`. */
const nfacct: Parser = (w, i) => {
  const head = w[i]!;
  const v = w[i + 1];
  if (!isWord(head, 'nfacct-name') || !plain(v)) return undefined;
  const nameSpan = span(head.start, head.end);
  return { next: i + 2, match: match('nfacct', nameSpan, [option('--nfacct-name', nameSpan, [tok(v.text, v.start, v.end)])], head.start, v.end) };
};

/** `rpfilter loose validmark accept-local invert`. */
const rpfilter: Parser = (w, i) => {
  const head = w[i]!;
  if (!isWord(head, 'rpfilter')) return undefined;
  const opts: IptOption[] = [];
  let j = i + 1;
  while (j < w.length && plain(w[j]) && ['loose', 'validmark', 'accept-local', 'invert'].includes(w[j]!.text)) {
    opts.push(option(`--${w[j]!.text}`, span(w[j]!.start, w[j]!.end), []));
    j++;
  }
  return { next: j, match: match('rpfilter', span(head.start, head.end), opts, head.start, head.end) };
};

const gotoMarker: Parser = (w, i, neg) => {
  const x = w[i]!;
  if (neg || !isWord(x, '[goto]')) return undefined;
  return { next: i + 1, goto: span(x.start, x.end) };
};

const MATCH_PARSERS: readonly Parser[] = [
  comment, gotoMarker, ports, icmp, multiport, statistic, recent, addrtype, matchSet, physdev, markMatch, state,
  conntrack, limit, ipvs, nfacct, rpfilter,
];

// ---------------------------------------------------------------------------------------------
// Target phrases (only tried for the rule's own target)

type TargetParser = (w: readonly Word[], i: number) => { next: number; options: IptOption[] } | undefined;

const flag = (name: string, x: Word): IptOption => option(name, span(x.start, x.end), []);

/** `to:10.244.1.5:8080 random persistent` (DNAT, SNAT, NETMAP), `random-fully` (SNAT). */
function natTarget(toName: string): TargetParser {
  return (w, i) => {
    const x = w[i]!;
    if (!plain(x)) return undefined;
    if (x.text.startsWith('to:') && x.text.length > 3) {
      return { next: i + 1, options: [option(toName, span(x.start, x.start + 2), [tok(x.text.slice(3), x.start + 3, x.end)])] };
    }
    if (x.text === 'random' || x.text === 'persistent' || (toName === '--to-source' && x.text === 'random-fully')) {
      return { next: i + 1, options: [flag(`--${x.text}`, x)] };
    }
    return undefined;
  };
}

/** `masq ports: 1024-65535 random random-fully` (MASQUERADE), `redir ports 8080` (REDIRECT). */
function portsTarget(lead: string, portsWord: string): TargetParser {
  return (w, i) => {
    const x = w[i]!;
    const p = w[i + 1];
    const v = w[i + 2];
    if (isWord(x, lead) && isWord(p, portsWord) && plain(v)) {
      return { next: i + 3, options: [option('--to-ports', span(x.start, p.end), [tok(v.text, v.start, v.end)])] };
    }
    if (isWord(x, 'random') || isWord(x, 'random-fully')) return { next: i + 1, options: [flag(`--${x.text}`, x)] };
    return undefined;
  };
}

const MARK_OPS: Record<string, string> = { set: '--set-mark', xset: '--set-xmark', or: '--or-mark', xor: '--xor-mark', and: '--and-mark' };

/** `MARK or 0x4000`, `MARK xset 0x4000/0xffffffff`; `CONNMARK save`, `CONNMARK set 0x1`. */
function markTarget(keyword: string): TargetParser {
  return (w, i) => {
    const x = w[i]!;
    const op = w[i + 1];
    if (!isWord(x, keyword) || !plain(op)) return undefined;
    const name = MARK_OPS[op.text];
    const v = w[i + 2];
    if (name && plain(v)) return { next: i + 3, options: [option(name, span(op.start, op.end), [tok(v.text, v.start, v.end)])] };
    if (keyword === 'CONNMARK' && (op.text === 'save' || op.text === 'restore')) {
      const options = [flag(`--${op.text}-mark`, op)];
      let j = i + 2;
      while (j + 1 < w.length && plain(w[j]) && ['mask', 'nfmask', 'ctmask'].includes(w[j]!.text) && plain(w[j + 1])) {
        options.push(option(`--${w[j]!.text}`, span(w[j]!.start, w[j]!.end), [tok(w[j + 1]!.text, w[j + 1]!.start, w[j + 1]!.end)]));
        j += 2;
      }
      return { next: j, options };
    }
    return undefined;
  };
}

const reject: TargetParser = (w, i) => {
  const x = w[i]!;
  const v = w[i + 1];
  if (!isWord(x, 'reject-with') || !plain(v)) return undefined;
  return { next: i + 2, options: [option('--reject-with', span(x.start, x.end), [tok(v.text, v.start, v.end)])] };
};

const LOG_FLAG_BITS: readonly [number, string][] = [
  [0x01, '--log-tcp-sequence'], [0x02, '--log-tcp-options'], [0x04, '--log-ip-options'], [0x08, '--log-uid'], [0x20, '--log-macdecode'],
];
const LOG_FLAG_WORDS: Record<string, string> = {
  'tcp-sequence': '--log-tcp-sequence', 'tcp-options': '--log-tcp-options', 'ip-options': '--log-ip-options', uid: '--log-uid', macdecode: '--log-macdecode',
};

/** `LOG flags 0 level 4 prefix "x"` (numeric) or `LOG level warning tcp-options prefix "x"`. */
const log: TargetParser = (w, i) => {
  const x = w[i]!;
  if (!isWord(x, 'LOG')) return undefined;
  const options: IptOption[] = [];
  let j = i + 1;
  while (j < w.length) {
    const k = w[j]!;
    const v = w[j + 1];
    if (isWord(k, 'flags') && plain(v) && /^\d+$/.test(v.text)) {
      const bits = Number(v.text);
      for (const [bit, name] of LOG_FLAG_BITS) if (bits & bit) options.push(option(name, span(k.start, v.end), []));
      j += 2;
    } else if (isWord(k, 'level') && plain(v)) {
      options.push(option('--log-level', span(k.start, k.end), [tok(v.text, v.start, v.end)]));
      j += 2;
    } else if (isWord(k, 'prefix') && v && (v.kind === 'quoted' || v.kind === 'word')) {
      options.push(option('--log-prefix', span(k.start, k.end), [wordTok(v)]));
      j += 2;
    } else if (plain(k) && LOG_FLAG_WORDS[k.text]) {
      options.push(flag(LOG_FLAG_WORDS[k.text]!, k));
      j++;
    } else break;
  }
  return { next: j, options };
};

/** `nflog-prefix "x" nflog-group 2 nflog-threshold 1`. */
const nflog: TargetParser = (w, i) => {
  const x = w[i]!;
  const v = w[i + 1];
  if (!plain(x) || !/^nflog-(prefix|group|range|size|threshold)$/.test(x.text) || !v || v.kind === 'comment') return undefined;
  return { next: i + 2, options: [option(`--${x.text}`, span(x.start, x.end), [wordTok(v)])] };
};

/** `CT notrack`, `CT zone 1 helper ftp`. */
const ct: TargetParser = (w, i) => {
  const x = w[i]!;
  if (!isWord(x, 'CT')) return undefined;
  const options: IptOption[] = [];
  let j = i + 1;
  while (j < w.length) {
    const k = w[j]!;
    const v = w[j + 1];
    if (isWord(k, 'notrack')) {
      options.push(flag('--notrack', k));
      j++;
    } else if (plain(k) && ['zone', 'helper', 'timeout', 'ctevents', 'expevents'].includes(k.text) && plain(v)) {
      options.push(option(`--${k.text}`, span(k.start, k.end), [tok(v.text, v.start, v.end)]));
      j += 2;
    } else break;
  }
  return options.length > 0 ? { next: j, options } : undefined;
};

/** `TCPMSS clamp to PMTU`, `TCPMSS set 1360`. */
const tcpmss: TargetParser = (w, i) => {
  const x = w[i]!;
  if (!isWord(x, 'TCPMSS')) return undefined;
  const a = w[i + 1];
  const b = w[i + 2];
  const c = w[i + 3];
  if (isWord(a, 'clamp') && isWord(b, 'to') && isWord(c, 'PMTU')) return { next: i + 4, options: [option('--clamp-mss-to-pmtu', span(a.start, c.end), [])] };
  if (isWord(a, 'set') && plain(b)) return { next: i + 3, options: [option('--set-mss', span(a.start, a.end), [tok(b.text, b.start, b.end)])] };
  return undefined;
};

const TARGET_PARSERS: Readonly<Record<string, TargetParser>> = {
  DNAT: natTarget('--to-destination'),
  SNAT: natTarget('--to-source'),
  NETMAP: natTarget('--to'),
  MASQUERADE: portsTarget('masq', 'ports:'),
  REDIRECT: portsTarget('redir', 'ports'),
  MARK: markTarget('MARK'),
  CONNMARK: markTarget('CONNMARK'),
  REJECT: reject,
  LOG: log,
  NFLOG: nflog,
  CT: ct,
  TCPMSS: tcpmss,
};

/**
 * Reads the words after the destination column (`text` is the document, for raw unknown text). `target` is the rule's target column (its phrase
 * parser is tried first: target text comes last, after every match).
 */
export function parsePhrases(text: string, words: readonly Word[], target: string | undefined): PhraseResult {
  const matches: IptMatch[] = [];
  const targetOptions: IptOption[] = [];
  const unterminated: Word[] = [];
  const targetParser = target ? TARGET_PARSERS[target] : undefined;
  let goto: Span | undefined;
  let unknown: Word[] = [];
  let neg: Word | undefined;

  const flushUnknown = (): void => {
    if (unknown.length === 0) return;
    const first = unknown[0]!;
    const last = unknown[unknown.length - 1]!;
    const at = span(first.start, first.start);
    const raw = tok(text.slice(first.start, last.end), first.start, last.end);
    matches.push({
      name: { value: '?', span: at },
      explicit: false,
      options: [{ name: { value: '?', span: at }, values: [raw], span: raw.span }],
      span: raw.span,
    });
    unknown = [];
  };

  let i = 0;
  while (i < words.length) {
    const x = words[i]!;
    if (x.unterminated) unterminated.push(x);
    if (isWord(x, '!')) {
      if (neg) unknown.push(neg);
      neg = x;
      i++;
      continue;
    }
    let step: Step | undefined;
    if (!neg && targetParser) {
      const t = targetParser(words, i);
      if (t && t.next > i) step = { next: t.next, targetOptions: t.options };
    }
    if (!step) {
      for (const p of MATCH_PARSERS) {
        step = p(words, i, neg);
        if (step && step.next > i) break;
        step = undefined;
      }
    }
    if (!step) {
      if (neg) unknown.push(neg);
      neg = undefined;
      unknown.push(x);
      i++;
      continue;
    }
    flushUnknown();
    if (step.match) matches.push(step.match);
    if (step.targetOptions) pushAll(targetOptions, step.targetOptions);
    if (step.goto) goto = step.goto;
    neg = undefined;
    for (let k = i + 1; k < step.next; k++) if (words[k]!.unterminated) unterminated.push(words[k]!);
    i = step.next;
  }
  if (neg) unknown.push(neg);
  flushUnknown();
  return { matches, targetOptions, ...(goto ? { goto } : {}), unterminated };
}
