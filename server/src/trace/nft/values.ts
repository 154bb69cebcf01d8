import type { NftExpr } from '../../formats/nftables/model';
import type { Flow } from '../flow';
import { inPrefix, parseIpv4, parsePrefix, parseRange } from '../ip';
import type { MatchEnv } from '../match/types';
import { PROTOCOL_NUMBER, type Protocol } from '../packet';

/**
 * What an nftables expression reads from the packet, and how a value written in the ruleset
 * compares with it. Selectors are a table (`ip daddr`, `th dport`, `ct state`, `meta mark`,
 * `fib daddr type`, ...); a selector without a model is `unknown`, and the walker assumes and
 * says so. Total: any text in, an answer out.
 */

export type NftValue =
  | { readonly kind: 'addr'; readonly n: number }
  | { readonly kind: 'port'; readonly n: number }
  | { readonly kind: 'proto'; readonly n: number }
  | { readonly kind: 'iface'; readonly s: string }
  | { readonly kind: 'int'; readonly n: number }
  | { readonly kind: 'word'; readonly s: string }
  /** `ct state`, `ct status`: the words that hold. */
  | { readonly kind: 'words'; readonly s: readonly string[] }
  /** `fib … type`: local or not, undefined when the node's addresses are unknown. */
  | { readonly kind: 'fib'; readonly local: boolean | undefined; readonly what: string }
  /** The packet has no such field (a port of an ICMP packet; `tcp dport` of a UDP packet): never equal. */
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly note: string };

const PORT_FIELD = /^(?:th|tcp|udp|sctp|udplite|dccp)$/;

const PROTO_BY_NAME: Readonly<Record<string, number>> = { ...PROTOCOL_NUMBER, icmpv6: 58, ipv6: 41, gre: 47, esp: 50, ah: 51, udplite: 136, dccp: 33 };

/** Well-known service names nft prints for ports (`/etc/services`, the ones kube-proxy and hosts use). */
const SERVICES: Readonly<Record<string, number>> = { ssh: 22, domain: 53, http: 80, https: 443, 'http-alt': 8080, ntp: 123, bootps: 67, bootpc: 68, kerberos: 88, ldap: 389, ldaps: 636 };

const words = (e: NftExpr): string => (e.kind === 'selector' ? [e.head.value, ...e.args.map((a) => a.value)].join(' ') : '');

export function selectorName(e: NftExpr): string {
  return words(e);
}

/** The packet's value for a selector expression (or a binop on one: `meta mark & 0x4000`). */
export function selectorValue(e: NftExpr, flow: Flow, env: MatchEnv): NftValue {
  if (e.kind === 'binop') {
    const left = selectorValue(e.left, flow, env);
    const right = e.right.kind === 'value' ? intOf(e.right.text) : undefined;
    if (left.kind !== 'int' || right === undefined) return { kind: 'unknown', note: `expression ${exprText(e)} is not simulated` };
    return { kind: 'int', n: binop(left.n, e.op.value, right) ?? left.n };
  }
  if (e.kind !== 'selector') return { kind: 'unknown', note: `expression ${exprText(e)} is not simulated` };
  const name = words(e);
  const head = e.head.value;
  const field = e.args[0]?.value;
  if (PORT_FIELD.test(head) && (field === 'dport' || field === 'sport') && e.args.length === 1) {
    if (head !== 'th' && head !== flow.protocol) return { kind: 'none' };
    const n = field === 'dport' ? flow.dport : flow.sport;
    return n === undefined ? { kind: 'none' } : { kind: 'port', n };
  }
  switch (name) {
    case 'ip saddr':
      return { kind: 'addr', n: flow.src };
    case 'ip daddr':
      return { kind: 'addr', n: flow.dst };
    case 'ip protocol':
    case 'meta l4proto':
      return { kind: 'proto', n: PROTOCOL_NUMBER[flow.protocol as Protocol] };
    case 'meta nfproto':
    case 'meta protocol':
      return { kind: 'word', s: name === 'meta nfproto' ? 'ipv4' : 'ip' };
    case 'meta mark':
    case 'mark':
      return { kind: 'int', n: flow.mark };
    case 'ct mark':
      return { kind: 'int', n: flow.ctmark };
    case 'ct state':
      return { kind: 'words', s: [flow.ctstate.toLowerCase()] };
    case 'ct status':
      return { kind: 'words', s: [...(flow.dnatDone ? ['dnat'] : []), ...(flow.snatDone ? ['snat'] : []), ...(flow.ctstate === 'ESTABLISHED' ? ['seen-reply', 'assured', 'confirmed'] : [])] };
    case 'iifname':
    case 'meta iifname':
    case 'iif':
    case 'meta iif':
      return { kind: 'iface', s: flow.inIface };
    case 'oifname':
    case 'meta oifname':
    case 'oif':
    case 'meta oif':
      return { kind: 'iface', s: flow.outIface };
    case 'fib daddr type':
    case 'fib saddr type': {
      const addr = name === 'fib daddr type' ? flow.dst : flow.src;
      return { kind: 'fib', local: env.isLocal(addr), what: name.split(' ')[1]! };
    }
  }
  return { kind: 'unknown', note: `${name} is not simulated` };
}

function binop(a: number, op: string, b: number): number | undefined {
  switch (op) {
    case '&':
    case 'and':
      return (a & b) >>> 0;
    case '|':
    case 'or':
      return (a | b) >>> 0;
    case '^':
    case 'xor':
      return (a ^ b) >>> 0;
  }
  return undefined;
}

/** The number an integer expression evaluates to: a constant, `meta mark`, or `meta mark | 0x4000`. */
export function intValue(e: NftExpr, flow: Flow, env: MatchEnv): number | undefined {
  if (e.kind === 'value') return intOf(e.text);
  const v = selectorValue(e, flow, env);
  return v.kind === 'int' ? v.n : undefined;
}

export function intOf(text: string): number | undefined {
  const t = text.trim();
  if (!/^(?:0x[0-9a-f]{1,8}|\d{1,10})$/i.test(t)) return undefined;
  const n = Number(t);
  return n <= 0xffffffff ? n >>> 0 : undefined;
}

const unquote = (t: string): string => (t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t);

function portOf(text: string): number | undefined {
  if (/^\d{1,5}$/.test(text)) return Number(text) <= 65535 ? Number(text) : undefined;
  return Object.hasOwn(SERVICES, text) ? SERVICES[text] : undefined;
}

/** Whether the packet's value equals one written value (an address, prefix, range, port, name ...); undefined: cannot say. */
export function valueMatches(v: NftValue, raw: string): boolean | undefined {
  const text = unquote(raw.trim());
  switch (v.kind) {
    case 'addr': {
      if (text.includes('/')) {
        const p = parsePrefix(text);
        return p ? inPrefix(v.n, p) : undefined;
      }
      if (text.includes('-')) {
        const r = parseRange(text);
        return r ? v.n >= r.from && v.n <= r.to : undefined;
      }
      const a = parseIpv4(text);
      return a === undefined ? undefined : a === v.n;
    }
    case 'port':
    case 'int': {
      const parse = v.kind === 'port' ? portOf : intOf;
      const dash = text.indexOf('-', 1);
      if (dash > 0) {
        const lo = parse(text.slice(0, dash));
        const hi = parse(text.slice(dash + 1));
        return lo === undefined || hi === undefined ? undefined : v.n >= lo && v.n <= hi;
      }
      const n = parse(text);
      return n === undefined ? undefined : n === v.n;
    }
    case 'proto': {
      const n = Object.hasOwn(PROTO_BY_NAME, text.toLowerCase()) ? PROTO_BY_NAME[text.toLowerCase()] : /^\d{1,3}$/.test(text) ? Number(text) : undefined;
      return n === undefined ? undefined : n === v.n;
    }
    case 'iface':
      return text.endsWith('*') ? v.s.startsWith(text.slice(0, -1)) : v.s === text;
    case 'word':
      return v.s === text.toLowerCase();
    case 'words': {
      const wanted = text.toLowerCase().split(',').map((w) => w.trim());
      return wanted.some((w) => v.s.includes(w));
    }
    case 'fib':
      if (text !== 'local') return v.local === undefined ? undefined : false;
      return v.local;
    case 'none':
      return false;
    case 'unknown':
      return undefined;
  }
}

/** Relational comparisons (`<`, `>=`, ...) on numbers. */
export function compare(v: NftValue, op: string, raw: string): boolean | undefined {
  if (v.kind !== 'port' && v.kind !== 'int') return undefined;
  const n = v.kind === 'port' ? portOf(raw.trim()) : intOf(raw);
  if (n === undefined) return undefined;
  switch (op) {
    case '<':
    case 'lt':
      return v.n < n;
    case '>':
    case 'gt':
      return v.n > n;
    case '<=':
    case 'le':
      return v.n <= n;
    case '>=':
    case 'ge':
      return v.n >= n;
  }
  return undefined;
}

/** Short text of an expression for step actions and notes. */
export function exprText(e: NftExpr): string {
  switch (e.kind) {
    case 'selector':
      return words(e);
    case 'value':
      return e.text;
    case 'setRef':
      return `@${e.name.value}`;
    case 'anonSet':
      return `{ ${e.elements.length} elements }`;
    case 'concat':
      return e.parts.map(exprText).join(' . ');
    case 'binop':
      return `${exprText(e.left)} ${e.op.value} ${exprText(e.right)}`;
    case 'numgen':
      return `numgen ${e.mode.value}${e.mod ? ` mod ${e.mod.value}` : ''}${e.offset ? ` offset ${e.offset.value}` : ''}`;
    case 'hash':
      return `${e.fn.value}${e.mod ? ` mod ${e.mod.value}` : ''}`;
    case 'map':
      return `${exprText(e.key)} map ${exprText(e.mapping)}`;
    case 'opaque':
      return e.tokens.map((t) => t.value).join(' ');
  }
}
