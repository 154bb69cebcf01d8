import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import type { IpAddress, IpLink, IpLinkModel, SectionAttr } from './model';
import type { LinkDumpKind } from './parse';

/** `ip -j -d link` names for the words the text output prints (`"link": "eth0"` in info_data is `dev eth0`). */
const KIND_KEY_NAMES: Readonly<Record<string, string>> = { link: 'dev', port: 'dstport', learning: 'learning' };

/** `ip -j` header keys under the names the text output prints, so queries and rules read one vocabulary. */
const HEADER_KEY_NAMES: Readonly<Record<string, string>> = {
  operstate: 'state',
  linkmode: 'mode',
  txqlen: 'qlen',
  link_netnsid: 'link-netnsid',
  broadcast: 'brd',
  min_mtu: 'minmtu',
  max_mtu: 'maxmtu',
  inet6_addr_gen_mode: 'addrgenmode',
  num_tx_queues: 'numtxqueues',
  num_rx_queues: 'numrxqueues',
};

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * `ip -j [-d] link|addr` JSON. Values come from JSON.parse; spans from a cursor that only moves
 * forward through the text, visiting keys in the order JSON.parse kept them (document order), so
 * locating costs one pass. Fixed depth (objects → linkinfo → info_data / addr_info): nothing
 * recurses on the input.
 */
export function parseLinkJson(text: string, kind: LinkDumpKind): IpLinkModel {
  let data: Json;
  try {
    data = JSON.parse(text) as Json;
  } catch (e) {
    return { variant: 'json', links: [], problems: [problem(kind, `not valid JSON (${e instanceof Error ? e.message : 'parse error'}); nothing was read`, { start: 0, end: Math.min(text.length, 1) })] };
  }
  if (!Array.isArray(data)) return { variant: 'json', links: [], problems: [problem(kind, '`ip -j` prints an array of interfaces; this JSON is not an array', { start: 0, end: Math.min(text.length, 1) })] };
  const cursor = new Cursor(text);
  const links: IpLink[] = [];
  for (const item of data.slice(0, 100_000)) {
    if (!isObject(item)) continue;
    const link = readObject(item, cursor);
    if (link) links.push(link);
  }
  return { variant: 'json', links, problems: [] };
}

function readObject(o: { [k: string]: Json }, c: Cursor): IpLink | undefined {
  const start = c.at;
  const attrs: SectionAttr[] = [];
  const addresses: IpAddress[] = [];
  const flags: Located<string>[] = [];
  let name: Located<string> | undefined;
  const out: { -readonly [K in keyof IpLink]?: IpLink[K] } = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'flags' && Array.isArray(v)) {
      c.key(k);
      for (const f of v) if (typeof f === 'string') flags.push({ value: f, span: c.string(f) });
      continue;
    }
    if (k === 'linkinfo' && isObject(v)) {
      c.key(k);
      for (const [lk, lv] of Object.entries(v)) {
        if ((lk === 'info_kind' || lk === 'info_slave_kind') && typeof lv === 'string') {
          const span = c.value(lk);
          if (lk === 'info_kind') out.kind = { value: lv, span };
          else out.slaveKind = { value: lv, span };
        } else if ((lk === 'info_data' || lk === 'info_slave_data') && isObject(lv)) {
          c.key(lk);
          const section = lk === 'info_data' ? 'kind' : 'slave';
          for (const [dk, dv] of Object.entries(lv)) {
            const s = scalar(dv);
            if (s === undefined) continue;
            const keySpan = c.key(dk);
            attrs.push({ key: { value: KIND_KEY_NAMES[dk] ?? dk, span: keySpan }, value: { value: s, span: c.valueAfterKey() }, section });
          }
        }
      }
      continue;
    }
    if (k === 'addr_info' && Array.isArray(v)) {
      c.key(k);
      for (const a of v) {
        if (!isObject(a) || typeof a.family !== 'string' || typeof a.local !== 'string') continue;
        const famSpan = c.value('family');
        const local = c.value('local');
        const plen = typeof a.prefixlen === 'number' ? `/${a.prefixlen}` : '';
        const family = a.family === 'inet6' ? 'inet6' : 'inet';
        addresses.push({ family: { value: family, span: famSpan }, cidr: { value: `${a.local}${plen}`, span: local }, attrs: [], span: { start: famSpan.start, end: local.end }, line: 0 });
      }
      continue;
    }
    const s = scalar(v);
    if (s === undefined) continue;
    const span = c.value(k);
    const loc = { value: s, span };
    if (k === 'ifname') name = loc;
    else if (k === 'ifindex' && typeof v === 'number') out.index = { value: v, span };
    else if (k === 'link') out.peer = loc;
    else if (k === 'mtu' && typeof v === 'number') out.mtu = { value: v, span };
    else if (k === 'master') out.master = loc;
    else if (k === 'operstate') out.state = loc;
    else if (k === 'link_type') out.linkType = loc;
    else if (k === 'address') out.address = loc;
    attrs.push({ key: { value: HEADER_KEY_NAMES[k] ?? k, span: { start: span.start, end: span.start } }, value: loc, section: 'header' });
  }
  if (!name) return undefined;
  return { ...out, name, flags, attrs, addresses, span: { start, end: c.at }, line: 0 } as IpLink;
}

function scalar(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return undefined;
}

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function problem(kind: LinkDumpKind, message: string, span: Span): ParseProblem {
  return { code: `parse/${kind}-syntax`, message: `ip -j output: ${message}`, span };
}

/**
 * A forward-only position in the JSON text. A key that cannot be found (written with `\u`
 * escapes) stops locating: later spans are empty at the last position, so a hostile text cannot
 * make every lookup scan to the end.
 */
class Cursor {
  at = 0;
  private lost = false;
  constructor(private readonly text: string) {}

  key(k: string): Span {
    if (this.lost) return { start: this.at, end: this.at };
    const i = this.text.indexOf(`"${k}"`, this.at);
    if (i < 0) {
      this.lost = true;
      return { start: this.at, end: this.at };
    }
    this.at = i + k.length + 2;
    return { start: i + 1, end: i + 1 + k.length };
  }

  value(k: string): Span {
    this.key(k);
    return this.valueAfterKey();
  }

  /** The value after the key just found: inside the quotes for a string, the literal otherwise. */
  valueAfterKey(): Span {
    if (this.lost) return { start: this.at, end: this.at };
    const t = this.text;
    let i = this.at;
    while (i < t.length && (t[i] === ' ' || t[i] === ':' || t[i] === '\n' || t[i] === '\t' || t[i] === '\r')) i++;
    if (t[i] === '"') {
      let j = i + 1;
      while (j < t.length && t[j] !== '"') j += t[j] === '\\' ? 2 : 1;
      this.at = Math.min(j + 1, t.length);
      return { start: i + 1, end: Math.min(j, t.length) };
    }
    let j = i;
    while (j < t.length && !',}] \n\r\t'.includes(t[j]!)) j++;
    this.at = j;
    return { start: i, end: j };
  }

  string(s: string): Span {
    return this.value0(JSON.stringify(s));
  }

  private value0(quoted: string): Span {
    if (this.lost) return { start: this.at, end: this.at };
    const i = this.text.indexOf(quoted, this.at);
    if (i < 0) {
      this.lost = true;
      return { start: this.at, end: this.at };
    }
    this.at = i + quoted.length;
    return { start: i + 1, end: i + quoted.length - 1 };
  }
}
