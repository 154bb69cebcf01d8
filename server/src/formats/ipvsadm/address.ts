/**
 * Address helpers for IPVS dumps: dotted IPv4, IPv6 (canonicalised per RFC 5952 so that
 * `2620:0000:...:0001` from /proc and `2620::1` from ipvsadm compare equal), and the kernel's hex
 * IPv4 (`C0A80A64` = 192.168.10.100). Pure functions, no regex backtracking.
 */

const HEX8 = /^[0-9A-F]{8}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** `10.0.0.1` → itself (leading zeros dropped); `300.1.1.1` or anything else → undefined. Allocation-free scan. */
export function parseDottedQuad(s: string): string | undefined {
  const n = s.length;
  if (n < 7 || n > 15) return undefined;
  let dots = 0;
  let digits = 0;
  let value = 0;
  let leadingZero = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46; /* virtual trailing '.' */
    if (c === 46) {
      if (digits === 0 || value > 255) return undefined;
      if (i < n) dots++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = leadingZero || (c === 48 && i + 1 < n && s.charCodeAt(i + 1) !== 46);
      if (++digits > 3) return undefined;
      value = value * 10 + (c - 48);
    } else return undefined;
  }
  if (dots !== 3) return undefined;
  return leadingZero ? s.split('.').map(Number).join('.') : s;
}

/** The kernel prints IPv4 as `%08X` of the host-order address: `C0A80A64` → `192.168.10.100`. */
export function isHexIpv4(s: string): boolean {
  return HEX8.test(s);
}

export function hexToDotted(s: string): string {
  const n = parseInt(s, 16);
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Eight 16-bit groups, or undefined when `s` is not an IPv6 address. */
export function parseIpv6Groups(s: string): number[] | undefined {
  if (s.length === 0 || s.length > 45) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const readPart = (part: string, allowV4: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (allowV4 && i === pieces.length - 1 && p.includes('.')) {
        const q = parseDottedQuad(p);
        if (!q) return undefined;
        const o = q.split('.').map(Number);
        out.push((o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!);
        continue;
      }
      if (!HEX_GROUP.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  if (dbl < 0) {
    const g = readPart(s, true);
    return g && g.length === 8 ? g : undefined;
  }
  const head = readPart(s.slice(0, dbl), false);
  const tail = readPart(s.slice(dbl + 2), true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952 text form: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(g: readonly number[]): string {
  if (g.length === 8 && g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < g.length; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < g.length && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function canonicalIpv6(s: string): string | undefined {
  const g = parseIpv6Groups(s);
  return g ? formatIpv6(g) : undefined;
}

/** The kernel's `%pI6` form: eight groups of exactly four hex digits (`2620:0000:...:0001`). */
export function isFullFormIpv6(s: string): boolean {
  if (s.length !== 39) return false;
  for (let i = 0; i < 39; i++) {
    const c = s.charCodeAt(i);
    if (i % 5 === 4) {
      if (c !== 58 /* : */) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*)$/;

/** A DNS-ish name as ipvsadm prints it without -n (lenient: underscores, trailing dot). */
export function isHostName(s: string): boolean {
  return s.length <= 255 && HOSTNAME.test(s);
}
