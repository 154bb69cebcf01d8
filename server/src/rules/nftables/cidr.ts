import { isIP } from 'node:net';

/** IPv4 prefixes as [network, length]; undefined for anything else (names, ranges, IPv6). */
export function parseIpv4Prefix(text: string): { net: number; len: number } | undefined {
  const [ip, prefix, extra] = text.split('/');
  if (extra !== undefined || !ip || isIP(ip) !== 4) return undefined;
  const len = prefix === undefined ? 32 : /^\d{1,2}$/.test(prefix) && Number(prefix) <= 32 ? Number(prefix) : -1;
  if (len < 0) return undefined;
  const n = ip.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  return { net: (n & mask) >>> 0, len };
}

/**
 * How prefix `a` relates to prefix `b`: `a` holds all of `b` (`covers`), lies inside it (`inside`),
 * they share nothing (`disjoint`), or either is not an IPv4 prefix (`unknown`).
 */
export function cidrRelation(a: string, b: string): 'covers' | 'inside' | 'disjoint' | 'unknown' {
  const x = parseIpv4Prefix(a);
  const y = parseIpv4Prefix(b);
  if (!x || !y) return 'unknown';
  const short = Math.min(x.len, y.len);
  const mask = short === 0 ? 0 : (~0 << (32 - short)) >>> 0;
  if (((x.net & mask) >>> 0) !== ((y.net & mask) >>> 0)) return 'disjoint';
  return x.len <= y.len ? 'covers' : 'inside';
}
