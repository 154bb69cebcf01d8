import type { IptRule } from '../formats/iptables/model';
import { markChange, targetOption, valueMask } from '../formats/iptables/query';
import type { Flow } from './flow';
import { formatIpv4, parseRange } from './ip';
import { formatEndpoint } from './packet';
import type { Verdict } from './result';

/**
 * What a rule's target does once its matches held, as a table keyed by target name. Terminal
 * targets end the chain walk (a verdict for the packet, or ACCEPT of this table's hook, which is
 * also what DNAT/SNAT/MASQUERADE return); the others change the packet or its connection and the
 * walk goes on with the next rule.
 */

export type TargetEffect =
  | { readonly kind: 'continue' }
  /** Leaves this table's hook: the packet goes on to the next table. */
  | { readonly kind: 'accept' }
  | { readonly kind: 'verdict'; readonly verdict: Exclude<Verdict, 'ACCEPT'> }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string };

export interface TargetOutcome {
  readonly effect: TargetEffect;
  /** The step's action text (`DNAT 10.244.1.12:53`, `MARK or 0x4000 (mark 0x4000)`). */
  readonly action: string;
  readonly assumptions: readonly string[];
}

/** NAT decisions recorded on the path (the JSON's `dnat` / `snat`). */
export interface NatRecord {
  dnat: string | null;
  snat: string | null;
}

export interface TargetContext {
  readonly table: string;
  readonly hook: string;
  readonly flow: Flow;
  readonly nat: NatRecord;
}

type Handler = (rule: IptRule, ctx: TargetContext) => TargetOutcome;

const CONTINUE: TargetEffect = { kind: 'continue' };
const ACCEPT: TargetEffect = { kind: 'accept' };
const out = (effect: TargetEffect, action: string, assumptions: readonly string[] = []): TargetOutcome => ({ effect, action, assumptions });
const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const optValue = (rule: IptRule, name: string): string | undefined => targetOption(rule, name)?.values[0]?.value;

/** `IP[-IP][:PORT[-PORT]]` (DNAT/SNAT `--to-*`); ranges take their first address/port, and say so. */
export function natTo(text: string | undefined): { addr?: number; port?: number; assumption?: string } | undefined {
  if (text === undefined) return undefined;
  const colon = text.indexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon);
  const portText = colon < 0 ? undefined : text.slice(colon + 1);
  const range = host === '' ? undefined : parseRange(host);
  if (host !== '' && !range) return undefined;
  const ports = portText === undefined ? undefined : portText.split('-').map(Number);
  if (ports && ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) return undefined;
  const ranged = (range && range.from !== range.to) || (ports && ports.length > 1 && ports[0] !== ports[1]);
  return {
    ...(range ? { addr: range.from } : {}),
    ...(ports ? { port: ports[0]! } : {}),
    ...(ranged ? { assumption: `${text} is a range: the kernel picks one; the trace takes the first` } : {}),
  };
}

function dnat(rule: IptRule, ctx: TargetContext): TargetOutcome {
  const to = natTo(optValue(rule, '--to-destination'));
  if (!to) return out(ACCEPT, 'DNAT (no readable --to-destination)', ['DNAT without a readable --to-destination: the destination is left as it was']);
  const f = ctx.flow;
  if (to.addr !== undefined) f.dst = to.addr;
  if (to.port !== undefined) f.dport = to.port;
  f.dnatDone = true;
  ctx.nat.dnat = formatEndpoint(f.dst, f.dport);
  return out(ACCEPT, `DNAT ${ctx.nat.dnat}`, to.assumption ? [to.assumption] : []);
}

function snat(rule: IptRule, ctx: TargetContext): TargetOutcome {
  const to = natTo(optValue(rule, '--to-source'));
  if (!to) return out(ACCEPT, 'SNAT (no readable --to-source)', ['SNAT without a readable --to-source: the source is left as it was']);
  const f = ctx.flow;
  if (to.addr !== undefined) f.src = to.addr;
  if (to.port !== undefined) f.sport = to.port;
  f.snatDone = true;
  ctx.nat.snat = to.port !== undefined ? formatEndpoint(f.src, f.sport) : formatIpv4(f.src);
  return out(ACCEPT, `SNAT ${ctx.nat.snat}`, to.assumption ? [to.assumption] : []);
}

function masquerade(rule: IptRule, ctx: TargetContext): TargetOutcome {
  ctx.flow.snatDone = true;
  ctx.nat.snat = 'masquerade';
  const ports = optValue(rule, '--to-ports');
  const flags = ['--random', '--random-fully'].filter((n) => targetOption(rule, n)).join(' ');
  return out(ACCEPT, `MASQUERADE (source becomes ${ctx.flow.outIface || 'the outgoing interface'}'s address${ports ? `, port ${ports}` : ''})${flags ? ` ${flags}` : ''}`);
}

function redirect(rule: IptRule, ctx: TargetContext): TargetOutcome {
  const ports = optValue(rule, '--to-ports');
  const port = ports === undefined ? undefined : Number(ports.split('-')[0]);
  const f = ctx.flow;
  // OUTPUT redirects to 127.0.0.1, PREROUTING to the input interface's first address (not in any dump).
  const local = ctx.hook === 'OUTPUT' ? 0x7f000001 : undefined;
  if (local !== undefined) f.dst = local;
  if (port !== undefined && Number.isInteger(port)) f.dport = port;
  f.dnatDone = true;
  f.redirected = true;
  ctx.nat.dnat = local !== undefined ? formatEndpoint(local, f.dport) : `${f.inIface || 'local'}-address${f.dport !== undefined ? `:${f.dport}` : ''}`;
  return out(ACCEPT, `REDIRECT to this node${port !== undefined ? ` port ${port}` : ''}`, local === undefined ? [`REDIRECT: the address of ${f.inIface || 'the input interface'} is not known; the packet is delivered locally`] : []);
}

function mark(rule: IptRule, ctx: TargetContext): TargetOutcome {
  const c = markChange(rule);
  if (!c) return out(CONTINUE, 'MARK (unreadable)', ['MARK with options the trace cannot read: the mark is left as it was']);
  const f = ctx.flow;
  f.mark = ((f.mark & ~c.clear) ^ c.xor) >>> 0;
  return out(CONTINUE, `MARK and ${hex(~c.clear)} xor ${hex(c.xor)} (mark ${hex(f.mark)})`);
}

function connmark(rule: IptRule, ctx: TargetContext): TargetOutcome {
  const f = ctx.flow;
  const set = optValue(rule, '--set-xmark') ?? optValue(rule, '--set-mark');
  const mask = (name: string): number => valueMask(optValue(rule, name) ?? '0xffffffff')?.value ?? 0xffffffff;
  if (set !== undefined) {
    const vm = valueMask(set);
    if (vm) {
      f.ctmark = ((f.ctmark & ~vm.mask) ^ vm.value) >>> 0;
      return out(CONTINUE, `CONNMARK set (connection mark ${hex(f.ctmark)})`);
    }
  }
  if (targetOption(rule, '--save-mark')) {
    const m = mask('--mask');
    f.ctmark = ((f.ctmark & ~m) | (f.mark & m)) >>> 0;
    return out(CONTINUE, `CONNMARK save (connection mark ${hex(f.ctmark)})`);
  }
  if (targetOption(rule, '--restore-mark')) {
    const m = mask('--mask');
    f.mark = ((f.mark & ~m) | (f.ctmark & m)) >>> 0;
    return out(CONTINUE, `CONNMARK restore (mark ${hex(f.mark)})`);
  }
  return out(CONTINUE, 'CONNMARK (not simulated)', ['CONNMARK with options the trace does not model: marks left as they were']);
}

function notrack(_rule: IptRule, ctx: TargetContext): TargetOutcome {
  ctx.flow.ctstate = 'UNTRACKED';
  return out(CONTINUE, 'NOTRACK (the packet is not tracked: conntrack state UNTRACKED, no NAT)');
}

function ct(rule: IptRule, ctx: TargetContext): TargetOutcome {
  if (targetOption(rule, '--notrack')) return notrack(rule, ctx);
  return out(CONTINUE, 'CT (connection template; not simulated)', ['CT options other than --notrack (zones, helpers, timeouts) do not change the trace']);
}

const noop =
  (what: string): Handler =>
  () =>
    out(CONTINUE, what);

export const TARGETS: Readonly<Record<string, Handler>> = {
  ACCEPT: () => out(ACCEPT, 'ACCEPT'),
  DROP: () => out({ kind: 'verdict', verdict: 'DROP' }, 'DROP'),
  REJECT: (rule) => out({ kind: 'verdict', verdict: 'REJECT' }, `REJECT${optValue(rule, '--reject-with') ? ` --reject-with ${optValue(rule, '--reject-with')}` : ''}`),
  RETURN: () => out({ kind: 'return' }, 'RETURN'),
  CONTINUE: noop('CONTINUE'),
  DNAT: dnat,
  SNAT: snat,
  MASQUERADE: masquerade,
  REDIRECT: redirect,
  MARK: mark,
  CONNMARK: connmark,
  NOTRACK: notrack,
  CT: ct,
  QUEUE: () => out(ACCEPT, 'QUEUE (to user space)', ['QUEUE: a user-space program decides; assumed to accept']),
  NFQUEUE: () => out(ACCEPT, 'NFQUEUE (to user space)', ['NFQUEUE: a user-space program decides; assumed to accept']),
  TPROXY: () => out(ACCEPT, 'TPROXY (to a local socket)', ['TPROXY: delivered to a local proxy socket; assumed to accept']),
  LOG: noop('LOG (no effect on the packet)'),
  NFLOG: noop('NFLOG (no effect on the packet)'),
  ULOG: noop('ULOG (no effect on the packet)'),
  TRACE: noop('TRACE (no effect on the packet)'),
  AUDIT: noop('AUDIT (no effect on the packet)'),
  TCPMSS: noop('TCPMSS (changes the SYN\'s MSS option only)'),
  CHECKSUM: noop('CHECKSUM (fills in the checksum only)'),
  DSCP: noop('DSCP (changes the DS field only)'),
  TOS: noop('TOS (changes the TOS field only)'),
  TTL: noop('TTL (changes the TTL only)'),
  CLASSIFY: noop('CLASSIFY (sets the traffic-control class only)'),
  SET: noop('SET (adds to / deletes from an ipset; no effect on this packet)'),
};

/**
 * Chains kube-proxy always creates, for dumps that jump to them without showing them (a
 * truncated paste): what they do in every kube-proxy release, applied as an assumption.
 */
export const KNOWN_CHAINS: Readonly<Record<string, { readonly clear: number; readonly xor: number }>> = {
  'KUBE-MARK-MASQ': { clear: 0x4000, xor: 0x4000 },
  'KUBE-MARK-DROP': { clear: 0x8000, xor: 0x8000 },
};

export function applyTarget(rule: IptRule, ctx: TargetContext): TargetOutcome {
  const t = rule.target;
  if (!t) return out(CONTINUE, 'count (no target)');
  const h = Object.hasOwn(TARGETS, t.name.value) ? TARGETS[t.name.value] : undefined;
  if (h) return h(rule, ctx);
  return out({ kind: t.kind, chain: t.name.value }, `${t.kind} ${t.name.value}`);
}
