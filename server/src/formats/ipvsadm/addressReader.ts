import type { Located, Span } from '../../core/span';
import { isPlaceholder } from '../../core/redaction';
import { canonicalIpv6, hexToDotted, isFullFormIpv6, isHexIpv4, isHostName, parseDottedQuad } from './address';
import type { IpvsAddress, IpvsFamily, IpvsNumber } from './model';
import { HEX } from './numbers';
import type { IpvsReader, SectionState } from './reader';
import { clip, span, type Tok } from './tokens';

/**
 * Address readers shared by every variant: `host:port`, `[v6]:port`, names (ipvsadm without -n),
 * and the hex of /proc/net/ip_vs* (`C0A80A64:0050`, or host and port in separate columns).
 */

const HEX4 = /^[0-9A-F]{4}$/;
const PORT_NAME = /^[A-Za-z][A-Za-z0-9_.+-]*$/;
/** ipvsadm truncates names (no -n) of IPv4 services and real servers to this many characters. */
const NAME_WIDTH = 28;

/**
 * Reads `host:port`, `[v6]:port`, hex `C0A80A64:0050`, or names. `listing` enables the 28-character
 * truncation check; `hexPort` forces /proc decoding of the port.
 */
export function readAddress(r: IpvsReader, t: Tok, o: { listing: boolean; portOptional: boolean; hexPort: boolean; s?: SectionState }): IpvsAddress {
  const text = t.text;
  let hostText: string;
  let hostStart = t.start;
  let portText: string | undefined;
  let portStart = t.end;
  let bracketed = false;
  if (text.startsWith('[')) {
    bracketed = true;
    const close = text.indexOf(']');
    if (close < 0) {
      hostText = text.slice(1);
      hostStart = t.start + 1;
      r.report('parse/ipvsadm-bad-value', `'${clip(text)}' opens '[' but never closes it`, span(t));
    } else {
      hostText = text.slice(1, close);
      hostStart = t.start + 1;
      const rest = text.slice(close + 1);
      if (rest.startsWith(':')) {
        portText = rest.slice(1);
        portStart = t.start + close + 2;
      } else if (rest !== '') {
        r.report('parse/ipvsadm-bad-value', `unexpected '${clip(rest)}' after ']' (expected ':PORT')`, { start: t.start + close + 1, end: t.end });
      }
    }
  } else {
    const idx = text.lastIndexOf(':');
    if (idx < 0 || text.indexOf(':') !== idx) {
      hostText = text;
    } else {
      hostText = text.slice(0, idx);
      portText = text.slice(idx + 1);
      portStart = t.start + idx + 1;
    }
  }
  const hostSpan: Span = { start: hostStart, end: hostStart + hostText.length };
  const h = readHost(r, hostText, hostSpan, bracketed, portText, o);
  const truncated = o.listing && !bracketed && h.family === 'name' && !h.redacted && text.length === NAME_WIDTH;
  const pp = portText !== undefined && portText !== '' ? readPort(r, portText, { start: portStart, end: portStart + portText.length }, h.hex || o.hexPort, o.s) : {};
  const redacted = h.redacted || pp.redacted;
  if (truncated) {
    const portNote =
      portText === undefined || portText === ''
        ? 'its port was cut off'
        : `its port (':${clip(portText)}') and the end of the name may have been cut off`;
    r.report(
      'parse/ipvsadm-truncated',
      `ipvsadm cuts names to ${NAME_WIDTH} characters when run without -n and this one is exactly ${NAME_WIDTH} long: ${portNote}; run 'ipvsadm -Ln' for exact addresses`,
      span(t),
      'warning',
    );
  } else if (((portText === undefined && !o.portOptional) || portText === '') && !h.redacted) {
    // (A blanked-out host without a port: the port went with it.)
    r.report('parse/ipvsadm-bad-value', `'${clip(text)}' has no port (expected HOST:PORT)`, span(t));
  }
  return {
    span: span(t),
    text,
    host: { value: hostText, span: hostSpan },
    ...(h.ip !== undefined ? { ip: h.ip } : {}),
    family: h.family,
    encoding: h.hex ? 'hex' : 'text',
    ...(pp.port ? { port: pp.port } : {}),
    ...(pp.portName ? { portName: pp.portName } : {}),
    truncated,
    ...(redacted ? { redacted: true as const } : {}),
  };
}

/** /proc/net/ip_vs_conn: host and port are separate hex columns. */
export function readHexPair(r: IpvsReader, h: Tok, p: Tok, s: SectionState): IpvsAddress {
  const o = { listing: false, portOptional: false, hexPort: true, s };
  const hi = readHost(r, h.text, span(h), false, p.text, o);
  const pp = readPort(r, p.text, span(p), true, s);
  return {
    span: { start: h.start, end: p.end },
    text: r.text.slice(h.start, p.end),
    host: { value: h.text, span: span(h) },
    ...(hi.ip !== undefined ? { ip: hi.ip } : {}),
    family: hi.family,
    encoding: 'hex',
    ...(pp.port ? { port: pp.port } : {}),
    ...(pp.portName ? { portName: pp.portName } : {}),
    truncated: false,
    ...(hi.redacted || pp.redacted ? { redacted: true as const } : {}),
  };
}

function readHost(
  r: IpvsReader,
  hostText: string,
  hostSpan: Span,
  bracketed: boolean,
  portText: string | undefined,
  o: { hexPort: boolean; s?: SectionState },
): { family: IpvsFamily; ip?: string; hex: boolean; redacted?: true } {
  let family: IpvsFamily = 'name';
  let ip: string | undefined;
  let hex = false;
  const dotted = parseDottedQuad(hostText);
  if (dotted !== undefined && !bracketed) {
    family = 'ipv4';
    ip = dotted;
  } else if (isPlaceholder(hostText)) {
    // Blanked out before the dump was shared (`10.244.x.x`, `<node-ip>`): unknown, neither a bad
    // value nor a name (the section does not show resolved names because of it).
    r.redactions.take(hostSpan, hostText, 'a blanked-out address, read as unknown');
    return { family, hex, redacted: true };
  } else if (!bracketed && isHexIpv4(hostText) && (o.hexPort || (portText !== undefined && HEX4.test(portText)))) {
    family = 'ipv4';
    ip = hexToDotted(hostText);
    hex = true;
  } else if (bracketed || hostText.includes(':')) {
    const c = canonicalIpv6(hostText);
    if (c !== undefined) {
      family = 'ipv6';
      ip = c;
      if (o.hexPort || (isFullFormIpv6(hostText) && portText !== undefined && HEX4.test(portText))) hex = true;
    } else if (!isHostName(hostText)) {
      r.report('parse/ipvsadm-bad-value', `'${clip(hostText)}' is not an IPv6 address`, hostSpan);
    }
  } else if (!isHostName(hostText)) {
    r.report('parse/ipvsadm-bad-value', `'${clip(hostText)}' is not an IP address or host name`, hostSpan);
  }
  if (family === 'name' && o.s) o.s.resolvedNames = true;
  if (hex && o.s && (o.s.variant === undefined || o.s.variant === 'list')) becomeProc(o.s);
  return { family, ...(ip !== undefined ? { ip } : {}), hex };
}

function readPort(r: IpvsReader, portText: string, ps: Span, useHex: boolean, s: SectionState | undefined): { port?: IpvsNumber; portName?: Located<string>; redacted?: true } {
  if (useHex && HEX.test(portText)) return { port: { value: parseInt(portText, 16), raw: portText, span: ps } };
  if (/^\d{1,10}$/.test(portText)) {
    const v = Number(portText);
    if (v > 65535) r.report('parse/ipvsadm-bad-value', `port ${portText} is out of range (0-65535)`, ps);
    return { port: { value: v, raw: portText, span: ps } };
  }
  // `xxxx` would pass for a service name.
  if (isPlaceholder(portText)) {
    r.redactions.take(ps, portText, 'a blanked-out port, read as unknown');
    return { redacted: true };
  }
  if (PORT_NAME.test(portText)) {
    if (s) s.resolvedNames = true;
    return { portName: { value: portText, span: ps } };
  }
  r.report('parse/ipvsadm-bad-value', `'${clip(portText)}' is not a port number or service name`, ps);
  return {};
}

/** The section turned out to be /proc/net/ip_vs: FWM marks read so far were hex. */
export function becomeProc(s: SectionState): void {
  s.variant = 'proc';
  for (const { svc, tok } of s.fwmarks) {
    if (HEX.test(tok.text)) svc.fwmark = { value: parseInt(tok.text, 16), raw: tok.text, span: span(tok) };
  }
  s.fwmarks = [];
}
