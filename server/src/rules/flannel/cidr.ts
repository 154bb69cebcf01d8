/** IPv4/IPv6 CIDR blocks as numbers, for "is this network inside that one" questions. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly address: bigint;
  readonly prefix: number;
  readonly text: string;
}

function ipv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function ipv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return undefined;
  let groups: string[];
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const expand = (g: string[]): string[] | undefined => {
    const last = g[g.length - 1];
    if (last && last.includes('.')) {
      const v4 = ipv4(last);
      if (v4 === undefined) return undefined;
      return [...g.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    }
    return g;
  };
  const he = expand(h);
  const te = expand(t);
  if (!he || !te) return undefined;
  if (tail === undefined) groups = he;
  else {
    const missing = 8 - he.length - te.length;
    if (missing < 1) return undefined;
    groups = [...he, ...Array<string>(missing).fill('0'), ...te];
  }
  if (groups.length !== 8) return undefined;
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** `10.244.0.0/16`, `fd00::/56`; a bare address is a /32 (/128). Host bits are cleared. */
export function parseCidr(text: string): Cidr | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  const addr = slash < 0 ? t : t.slice(0, slash);
  const family: 4 | 6 = addr.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(bits) : t.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const a = family === 4 ? ipv4(addr) : ipv6(addr);
  if (a === undefined) return undefined;
  const host = (1n << BigInt(bits - prefix)) - 1n;
  return { family, address: a & ~host, prefix, text: t };
}

/** Whether `inner` lies entirely inside `outer` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const bits = BigInt((outer.family === 4 ? 32 : 128) - outer.prefix);
  return outer.address >> bits === inner.address >> bits;
}
