import { formatIpv4, parseIpv4 } from './ip';

/**
 * The packet a trace follows, and the `"PROTO SRC[:SPORT] -> DST:DPORT"` text users write it as
 * (`udp 10.244.1.5 -> 10.96.0.10:53`, `tcp 10.244.1.5:40000 -> 10.96.0.1:443`,
 * `icmp 10.244.1.5 -> 8.8.8.8`). IPv4 only: the walker reads iptables, not ip6tables.
 */

export const PROTOCOLS = ['tcp', 'udp', 'sctp', 'icmp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** IANA protocol numbers, for `-p 6` spellings and the JSON output. */
export const PROTOCOL_NUMBER: Readonly<Record<Protocol, number>> = { tcp: 6, udp: 17, sctp: 132, icmp: 1 };

/** Protocols with ports (`--dport`, multiport, DNAT to a port). */
export const PORTED: ReadonlySet<Protocol> = new Set(['tcp', 'udp', 'sctp']);

export interface Packet {
  readonly protocol: Protocol;
  /** Addresses as unsigned 32-bit numbers (see ip.ts). */
  readonly src: number;
  readonly dst: number;
  /** Absent for ICMP; a source port the user did not give is chosen (and said so) by the tracer. */
  readonly sport?: number;
  readonly dport?: number;
}

export type PacketParse = { readonly packet: Packet; readonly sportGiven: boolean } | { readonly error: string };

const FORM = 'expected "PROTO SRC[:SPORT] -> DST:DPORT", e.g. "udp 10.244.1.5 -> 10.96.0.10:53"';

/** Total: any text in, a packet or a message saying what is wrong. */
export function parsePacket(text: string): PacketParse {
  const m = /^\s*(\S+)\s+(\S+?)\s*->\s*(\S+)\s*$/.exec(text);
  if (!m) return { error: FORM };
  const protocol = m[1]!.toLowerCase();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) return { error: `unknown protocol '${m[1]}' (tcp, udp, sctp or icmp)` };
  const proto = protocol as Protocol;
  const src = endpoint(m[2]!, 'source');
  if ('error' in src) return src;
  const dst = endpoint(m[3]!, 'destination');
  if ('error' in dst) return dst;
  if (PORTED.has(proto) && dst.port === undefined) return { error: `${proto} needs a destination port (DST:DPORT); ${FORM}` };
  if (!PORTED.has(proto) && (src.port !== undefined || dst.port !== undefined)) return { error: `${proto} has no ports` };
  const packet: Packet = {
    protocol: proto,
    src: src.addr,
    dst: dst.addr,
    ...(PORTED.has(proto) ? { sport: src.port ?? DEFAULT_SOURCE_PORT, dport: dst.port! } : {}),
  };
  return { packet, sportGiven: src.port !== undefined };
}

/** The source port used when none is given: an ordinary ephemeral port (the trace lists it as an assumption). */
export const DEFAULT_SOURCE_PORT = 40000;

function endpoint(text: string, what: string): { addr: number; port?: number } | { error: string } {
  const colon = text.lastIndexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon);
  const addr = parseIpv4(host);
  if (addr === undefined) return { error: `${what} '${host}' is not an IPv4 address` };
  if (colon < 0) return { addr };
  const p = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) return { error: `${what} port '${p}' is not a port number` };
  return { addr, port: Number(p) };
}

export function formatEndpoint(addr: number, port: number | undefined): string {
  return port === undefined ? formatIpv4(addr) : `${formatIpv4(addr)}:${port}`;
}

export function formatPacket(p: Packet): string {
  return `${p.protocol} ${formatEndpoint(p.src, p.sport)} -> ${formatEndpoint(p.dst, p.dport)}`;
}
