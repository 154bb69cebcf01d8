/**
 * IPv4 address arithmetic for the simulator: addresses are unsigned 32-bit numbers, prefixes
 * are (network, mask) pairs. The trace is IPv4 only (iptables, not ip6tables); IPv6 text is
 * refused by the parsers here, never guessed.
 */

/** `10.96.0.10` → 0x0a60000a; undefined for anything that is not a dotted quad. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Prefix {
  readonly network: number;
  readonly mask: number;
  readonly bits: number;
}

const maskOf = (bits: number): number => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);

/**
 * `10.244.0.0/16`, `10.0.0.1/32`, `10.0.0.1` (a host), `10.0.0.0/255.255.0.0` (iptables prints
 * non-contiguous masks that way). Undefined when the text is not an IPv4 prefix (a host name,
 * IPv6): the caller reports it instead of guessing.
 */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  if (addr === undefined) return undefined;
  if (slash < 0) return { network: addr, mask: 0xffffffff, bits: 32 };
  const m = text.slice(slash + 1);
  let mask: number | undefined;
  let bits = 32;
  if (/^\d{1,2}$/.test(m) && Number(m) <= 32) {
    bits = Number(m);
    mask = maskOf(bits);
  } else {
    mask = parseIpv4(m);
    if (mask !== undefined) bits = popcount(mask);
  }
  if (mask === undefined) return undefined;
  return { network: (addr & mask) >>> 0, mask, bits };
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x !== 0; x = (x & (x - 1)) >>> 0) c++;
  return c;
}

export function inPrefix(addr: number, p: Prefix): boolean {
  return ((addr & p.mask) >>> 0) === p.network;
}

/** `1.2.3.4-1.2.3.9` (iprange, DNAT ranges): inclusive bounds. */
export function parseRange(text: string): { readonly from: number; readonly to: number } | undefined {
  const dash = text.indexOf('-');
  const from = parseIpv4(dash < 0 ? text : text.slice(0, dash));
  const to = dash < 0 ? from : parseIpv4(text.slice(dash + 1));
  return from === undefined || to === undefined ? undefined : { from, to };
}

export const LOOPBACK: Prefix = { network: 0x7f000000, mask: 0xff000000, bits: 8 };
