import type { Field } from '../../core/shellFields';
import type { IpvsAddress, IpvsRealServer, IpvsService } from './model';

/**
 * Questions about an ipvsadm model, asked by the parser, the rules and the tracer alike: stable
 * keys for services and real servers (so a `-Ln` listing, a `--rate` listing and a `-Lnc` table of
 * the same node can be joined), how the listing shows them, and ipvsadm command-line spellings.
 */

/** Canonical `ip:port` (`[v6]:port`) when numeric, else the text as written: how connection aggregates are keyed. */
export function addressKey(a: IpvsAddress): string {
  if (a.ip === undefined) return a.text;
  const host = a.family === 'ipv6' ? `[${a.ip}]` : a.ip;
  if (a.port) return `${host}:${a.port.value}`;
  if (a.portName) return `${host}:${a.portName.value}`;
  return host;
}

/** `TCP 10.96.0.1:443`, `FWM 100`: the key of a virtual service across listings of one node. */
export function serviceKey(svc: IpvsService): string {
  const proto = String(svc.protocol.value).toUpperCase();
  if (svc.address) return `${proto} ${addressKey(svc.address)}`;
  return `FWM ${svc.fwmark?.value ?? '?'}`;
}

export function realServerKey(svc: IpvsService, rs: IpvsRealServer): string {
  return `${serviceKey(svc)} ${addressKey(rs.address)}`;
}

/** `TCP 10.96.41.7:80` / `FWM 100` as the listing shows it (numeric hosts canonicalised, so /proc hex reads naturally). */
export function describeService(svc: IpvsService): string {
  const proto = String(svc.protocol.value).toUpperCase();
  if (svc.address) return `${proto} ${displayAddress(svc.address)}`;
  return `FWM ${svc.fwmark?.value ?? '?'}`;
}

export function displayAddress(a: IpvsAddress): string {
  return a.encoding === 'hex' ? addressKey(a) : a.text;
}

/**
 * The address as ipvsadm accepts it on its command line (`10.0.0.1:80`, `[fd00::1]:80`), or
 * undefined when this dump cannot give it (names cut to 28 characters, missing port, blanked out).
 */
export function cliAddress(a: IpvsAddress): string | undefined {
  if (a.truncated || a.redacted) return undefined;
  if (a.ip !== undefined) {
    if (!a.port) return undefined;
    return `${a.family === 'ipv6' ? `[${a.ip}]` : a.ip}:${a.port.value}`;
  }
  // Names and service names (ipvsadm -L without -n): ipvsadm resolves them again.
  if (a.encoding === 'text' && (a.port || a.portName)) return a.text;
  return undefined;
}

/** The ipvsadm option naming a virtual service of each protocol. */
const SERVICE_OPTION: Readonly<Record<string, string>> = { TCP: '-t', UDP: '-u', SCTP: '--sctp-service' };

/**
 * `-t 10.96.0.1:443` / `-u ...` / `--sctp-service ...` / `-f 100`: how ipvsadm names the virtual
 * service, as arguments, with the dump values in them for field checks (`hostPort`).
 */
export function cliService(svc: IpvsService): { readonly args: string[]; readonly checks: [Field, string][] } | undefined {
  const proto = String(svc.protocol.value).toUpperCase();
  if (proto === 'FWM') {
    const mark = svc.fwmark?.value;
    if (mark === undefined || !Number.isSafeInteger(mark) || mark < 0) return undefined;
    return { args: ['-f', String(mark), ...(svc.family === 'ipv6' ? ['-6'] : [])], checks: [] };
  }
  const addr = svc.address && cliAddress(svc.address);
  const option = SERVICE_OPTION[proto];
  if (!addr || !option) return undefined;
  return { args: [option, addr], checks: [['hostPort', addr]] };
}

/** The host part for a `grep -F` in an investigation comment. */
export function hostOf(a: IpvsAddress): string {
  return a.ip ?? a.host.value;
}
