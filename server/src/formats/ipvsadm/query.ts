import type { IpvsAddress } from './model';

/**
 * Questions about an ipvsadm model, asked by the parser, the rules and the tracer alike.
 */

/** Canonical `ip:port` (`[v6]:port`) when numeric, else the text as written: how connection aggregates are keyed. */
export function addressKey(a: IpvsAddress): string {
  if (a.ip === undefined) return a.text;
  const host = a.family === 'ipv6' ? `[${a.ip}]` : a.ip;
  if (a.port) return `${host}:${a.port.value}`;
  if (a.portName) return `${host}:${a.portName.value}`;
  return host;
}
