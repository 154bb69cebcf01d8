import type { Span } from '../../core/span';
import type { NftChain, NftExpr, NftRule, NftStatement, NftTable } from '../../formats/nftables/model';
import { cidrRelation } from './cidr';
import { chainsByName, selectorText } from '../../formats/nftables/query';

/**
 * A small evaluator that follows one kind of packet through one base chain of a host firewall
 * table: which rule (or the policy) decides it. Matches it cannot decide make a rule "maybe"; an
 * uncertain accept, jump or goto ends the walk as unknown (something might accept the packet), an
 * uncertain drop is skipped (it might not apply). Only a drop that certainly applies is reported.
 */
export interface Probe {
  readonly hook: 'forward' | 'input';
  /** Source and destination prefixes, when known (the pod network). */
  readonly src?: string;
  readonly dst?: string;
  /** `ct status dnat`: kube-proxy DNATed the connection (Service traffic). */
  readonly dnat: boolean;
  /** What the packet is, for messages: "new connections forwarded from the pod network 10.244.0.0/16". */
  readonly describe: string;
}

type Tri = 'yes' | 'no' | 'unknown';

export type Outcome =
  | { readonly kind: 'accept' | 'unknown' }
  | { readonly kind: 'drop'; readonly span: Span; readonly chain: NftChain; readonly rule?: NftRule; readonly how: string };

const MAX_STEPS = 20000;
const MAX_DEPTH = 16;

/** The values a match compares with: `tcp`, `{ icmp, ipv6-icmp }`; undefined for set references and expressions. */
function values(e: NftExpr | undefined): string[] | undefined {
  if (!e) return undefined;
  if (e.kind === 'value') return e.text.split(',');
  if (e.kind === 'anonSet' && e.elements.every((x) => x.key.kind === 'value')) return e.elements.map((x) => (x.key as { text: string }).text);
  return undefined;
}

type Matcher = (p: Probe, vs: readonly string[]) => Tri;

const is = (b: boolean): Tri => (b ? 'yes' : 'no');
const prefix = (which: 'src' | 'dst'): Matcher => (p, vs) => {
  const mine = p[which];
  if (!mine) return 'unknown';
  const rel = vs.map((v) => cidrRelation(v, mine));
  if (rel.some((r) => r === 'covers')) return 'yes';
  if (rel.every((r) => r === 'disjoint')) return 'no';
  return 'unknown';
};
const never: Matcher = () => 'no';

/** What each selector says about a probe packet (a new IPv4 TCP connection, not from lo). Others are unknown. */
const MATCHERS: Readonly<Record<string, Matcher>> = {
  'ct state': (_p, vs) => is(vs.includes('new')),
  'ct status': (p, vs) => (vs.includes('dnat') ? is(p.dnat) : 'unknown'),
  iifname: (_p, vs) => (vs.every((v) => v === 'lo') ? 'no' : 'unknown'),
  iif: (_p, vs) => (vs.every((v) => v === 'lo') ? 'no' : 'unknown'),
  'ip saddr': prefix('src'),
  'ip daddr': prefix('dst'),
  'ip6 saddr': never,
  'ip6 daddr': never,
  'ip6 nexthdr': never,
  'icmpv6 type': never,
  'icmp type': never,
  'udp dport': never,
  'udp sport': never,
  'meta nfproto': (_p, vs) => is(vs.includes('ipv4')),
  'meta l4proto': (_p, vs) => is(vs.includes('tcp') || vs.includes('6')),
  'ip protocol': (_p, vs) => is(vs.includes('tcp') || vs.includes('6')),
  'meta pkttype': (_p, vs) => is(vs.includes('unicast') || vs.includes('host')),
};

/** Statements that neither match nor decide. */
const NEUTRAL = new Set<NftStatement['kind']>(['counter', 'log', 'comment', 'set', 'setUpdate', 'nat']);

function matchTri(p: Probe, s: Extract<NftStatement, { kind: 'match' }>): Tri {
  const key = selectorText(s.left);
  const m = key !== undefined ? MATCHERS[key] : undefined;
  const vs = values(s.right);
  if (!m || !vs) return 'unknown';
  const op = s.op?.value ?? '==';
  if (op !== '==' && op !== '!=') return 'unknown';
  const r = m(p, vs);
  if (op === '==' || r === 'unknown') return r;
  return r === 'yes' ? 'no' : 'yes';
}

interface Decision {
  readonly tri: Tri;
  readonly verdict?: { readonly kind: 'accept' | 'drop' | 'jump' | 'goto' | 'return' | 'maybe'; readonly target?: string; readonly span: Span; readonly how: string };
}

/** Whether a rule applies to the probe and what it then does (the first deciding statement). */
function decide(p: Probe, r: NftRule): Decision {
  let tri: Tri = 'yes';
  for (const s of r.statements) {
    if (s.kind === 'match') {
      const t = matchTri(p, s);
      if (t === 'no') return { tri: 'no' };
      if (t === 'unknown') tri = 'unknown';
    } else if (s.kind === 'verdict') {
      const v = s.verdict.value;
      if (v === 'continue') return { tri };
      if (v === 'queue') return { tri, verdict: { kind: 'maybe', span: s.span, how: 'queue' } };
      return { tri, verdict: { kind: v, ...(s.target ? { target: s.target.value } : {}), span: s.span, how: v } };
    } else if (s.kind === 'reject') return { tri, verdict: { kind: 'drop', span: s.span, how: 'reject' } };
    else if (s.kind === 'vmap' || s.kind === 'limit' || s.kind === 'quota' || s.kind === 'other') {
      if (s.kind === 'vmap') return { tri, verdict: { kind: 'maybe', span: s.span, how: 'vmap' } };
      tri = tri === 'yes' ? 'unknown' : tri;
    } else if (!NEUTRAL.has(s.kind)) tri = 'unknown';
  }
  return { tri };
}

/** Follows the probe through `base` (a base chain of `table`). */
export function walkBaseChain(table: NftTable, base: NftChain, p: Probe): Outcome {
  const chains = chainsByName(table);
  const stack: { chain: NftChain; i: number }[] = [{ chain: base, i: 0 }];
  let steps = 0;
  while (stack.length > 0) {
    if (++steps > MAX_STEPS) return { kind: 'unknown' };
    const top = stack[stack.length - 1]!;
    const r = top.chain.rules[top.i++];
    if (!r) {
      stack.pop();
      if (stack.length === 0) {
        const policy = base.base?.policy;
        if (policy?.value === 'drop') return { kind: 'drop', span: policy.span, chain: base, how: 'policy drop' };
        return { kind: 'accept' };
      }
      continue;
    }
    const d = decide(p, r);
    if (d.tri === 'no' || !d.verdict) continue;
    const v = d.verdict;
    if (v.kind === 'drop') {
      if (d.tri === 'yes') return { kind: 'drop', span: v.span, chain: top.chain, rule: r, how: v.how };
      continue;
    }
    if (d.tri === 'unknown' || v.kind === 'maybe') return { kind: 'unknown' };
    if (v.kind === 'accept') return { kind: 'accept' };
    if (v.kind === 'return') {
      stack.pop();
      if (stack.length === 0) return base.base?.policy?.value === 'drop' ? { kind: 'drop', span: base.base.policy.span, chain: base, how: 'policy drop' } : { kind: 'accept' };
      continue;
    }
    const next = v.target !== undefined ? chains.get(v.target) : undefined;
    if (!next || stack.length >= MAX_DEPTH) return { kind: 'unknown' };
    if (v.kind === 'goto') stack.pop();
    // After a `goto` from the base chain, the target's end is the base chain's end (its policy).
    stack.push({ chain: next, i: 0 });
  }
  return { kind: 'accept' };
}
