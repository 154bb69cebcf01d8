import { clip, hasControl } from '../../core/chars';
import type { ParseProblem } from '../../core/problem';
import { ReadBudget } from '../../core/readBudget';
import { forEachReadLine } from '../paste';
import type { Located, Span } from '../../core/span';
import { readIfconfigLine, type IfconfigBlock } from './ifconfig';
import { parseLinkJson } from './json';
import type { IpAddress, IpLink, IpLinkModel, SectionAttr } from './model';
import { ADDRESS_ARITY, DETAIL_KEYS, LINK_ARITY } from './tables';
import { intValue, readAttrs, words, type Attr } from './words';

/** The two document kinds this reader serves; problem codes carry the kind so settings and docs are per kind. */
export type LinkDumpKind = 'ip-link' | 'ip-addr';

/** Regexes only run on lines up to this length. */
const MAX_REGEX_LINE = 4096;
const KIND_WORD = /^[a-z][a-z0-9_]*$/;

export interface OpenLink {
  readonly index?: Located<number>;
  readonly name: Located<string>;
  readonly peer?: Located<string>;
  readonly flags: Located<string>[];
  readonly attrs: SectionAttr[];
  readonly addresses: MutableAddress[];
  linkType?: Located<string>;
  address?: Located<string>;
  kind?: Located<string>;
  slaveKind?: Located<string>;
  readonly start: number;
  end: number;
  readonly line: number;
}

interface MutableAddress {
  readonly family: Located<'inet' | 'inet6'>;
  readonly cidr: Located<string>;
  attrs: Attr[];
  span: Span;
  readonly line: number;
}

/**
 * Reads `ip [-d] link` and `ip [-d] addr` output (any iproute2 since the 2.6 era), `ip -j` JSON of
 * the same, and net-tools `ifconfig` blocks (names, MTU and addresses). Total and linear: every
 * line is split into words once; nothing recurses on the input.
 */
export function parseLinkDump(text: string, kind: LinkDumpKind): IpLinkModel {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseLinkJson(text, kind);
  const budget = new ReadBudget(`parse/${kind}-limit`, 'interface lines', `ip ${kind === 'ip-link' ? 'link' : 'addr'} output`);
  const report = (p: ParseProblem): void => budget.report(p);
  const links: IpLink[] = [];
  let open: OpenLink | undefined;
  let ifconfig: IfconfigBlock | undefined;
  let variant: IpLinkModel['variant'] = 'ip';
  const close = (): void => {
    if (open) links.push(freeze(open));
    open = undefined;
    if (ifconfig) links.push(ifconfig.link());
    ifconfig = undefined;
  };

  // Prompts, kubectl noise, fences, elisions and a common indentation (an issue paste) are read
  // around by the shared paste layer, with one note per cause.
  const pasteNotes = forEachReadLine(text, ({ text: line, start, number }) => {
    if (budget.exhausted(number, { start, end: start + line.length })) return false;
    const ws = words(line, start);
    if (ws.length === 0) return;
    budget.item();
    const first = ws[0]!;
    const indented = first.span.start > start;
    const lineSpan = { start: first.span.start, end: ws[ws.length - 1]!.span.end };
    if (!indented) {
      const header = readHeader(start, number, ws);
      if (header === 'damaged') {
        close();
        report({ code: `parse/${kind}-syntax`, message: `'${clip(line.trim())}' starts like an interface header but has no '<FLAGS>' after 'N: NAME:'; it was not read`, span: lineSpan });
        return;
      }
      if (header) {
        close();
        open = header;
        return;
      }
      const block = line.length <= MAX_REGEX_LINE ? readIfconfigLine(line, start, number, undefined) : undefined;
      if (block && block !== 'consumed') {
        close();
        variant = 'ifconfig';
        ifconfig = block;
        return;
      }
    } else if (open) {
      readDetailLine(open, ws, lineSpan, number);
      return;
    } else if (ifconfig) {
      if (line.length <= MAX_REGEX_LINE) readIfconfigLine(line, start, number, ifconfig);
      return;
    }
    report({
      code: `parse/${kind}-syntax`,
      message: hasControl(line)
        ? 'this line contains binary or control characters; it is not ip link/addr output'
        : `'${clip(line.trim())}' is not part of ip ${kind === 'ip-link' ? 'link' : 'addr'} output (an interface starts with 'N: NAME: <FLAGS> mtu ...'); ignored`,
      span: lineSpan,
      severity: 'info',
    });
  });
  close();
  return { variant, links, problems: [...pasteNotes, ...budget.finish()] };
}

/** `5: veth1a2b3c4d@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP ...` (also `bridge link`'s port lines). */
export function readHeader(start: number, number: number, ws: readonly Located<string>[]): OpenLink | 'damaged' | undefined {
  const first = ws[0]!.value;
  const colon = first.indexOf(':');
  if (colon <= 0 || colon !== first.length - 1 || !/^(?:0|[1-9]\d{0,9})$/.test(first.slice(0, colon))) return undefined;
  const nameWord = ws[1];
  if (!nameWord || !nameWord.value.endsWith(':') || nameWord.value.length < 2) return 'damaged';
  const flagsWord = ws[2];
  if (!flagsWord || !flagsWord.value.startsWith('<') || !flagsWord.value.endsWith('>')) return 'damaged';
  const raw = nameWord.value.slice(0, -1);
  const at = raw.indexOf('@');
  const n0 = nameWord.span.start;
  const name = { value: at < 0 ? raw : raw.slice(0, at), span: { start: n0, end: n0 + (at < 0 ? raw.length : at) } };
  const peer = at < 0 ? undefined : { value: raw.slice(at + 1), span: { start: n0 + at + 1, end: n0 + raw.length } };
  const flags: Located<string>[] = [];
  const inner = flagsWord.value.slice(1, -1);
  let f0 = flagsWord.span.start + 1;
  for (const f of inner.split(',')) {
    if (f) flags.push({ value: f, span: { start: f0, end: f0 + f.length } });
    f0 += f.length + 1;
  }
  const attrs = readAttrs(ws, 3, LINK_ARITY).map((a): SectionAttr => ({ ...a, section: 'header' }));
  const end = ws[ws.length - 1]!.span.end;
  return {
    index: { value: Number(first.slice(0, colon)), span: { start: ws[0]!.span.start, end: ws[0]!.span.start + colon } },
    name,
    ...(peer ? { peer } : {}),
    flags,
    attrs,
    addresses: [],
    start,
    end,
    line: number,
  };
}

function readDetailLine(link: OpenLink, ws: readonly Located<string>[], span: Span, line: number): void {
  link.end = span.end;
  const first = ws[0]!;
  const w = first.value;
  if (w.startsWith('link/')) {
    link.linkType = { value: w.slice(5), span: { start: first.span.start + 5, end: first.span.end } };
    const next = ws[1];
    let from = 1;
    if (next && /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2})+$|^[0-9.]+$|^[0-9a-f:]+$/.test(next.value) && next.value.length <= 64) {
      link.address = next;
      from = 2;
    }
    for (const a of readAttrs(ws, from, LINK_ARITY)) link.attrs.push({ ...a, section: 'link' });
    return;
  }
  if (w === 'inet' || w === 'inet6') {
    const cidr = ws[1];
    if (!cidr) return;
    link.addresses.push({ family: { value: w, span: first.span }, cidr, attrs: readAttrs(ws, 2, ADDRESS_ARITY), span, line });
    return;
  }
  if (w === 'valid_lft' || w === 'preferred_lft') {
    const last = link.addresses[link.addresses.length - 1];
    if (last) {
      last.attrs = [...last.attrs, ...readAttrs(ws, 0, ADDRESS_ARITY)];
      last.span = { start: last.span.start, end: span.end };
    }
    return;
  }
  if (w.endsWith('_slave') && KIND_WORD.test(w)) {
    link.slaveKind = first;
    for (const a of readAttrs(ws, 1, LINK_ARITY)) link.attrs.push({ ...a, section: 'slave' });
    return;
  }
  if (!link.kind && !link.slaveKind && KIND_WORD.test(w) && !DETAIL_KEYS.has(w)) {
    link.kind = first;
    for (const a of readAttrs(ws, 1, LINK_ARITY)) link.attrs.push({ ...a, section: 'kind' });
    return;
  }
  for (const a of readAttrs(ws, 0, LINK_ARITY)) link.attrs.push({ ...a, section: 'details' });
}

export function freeze(o: OpenLink): IpLink {
  const header = (k: string): SectionAttr | undefined => o.attrs.find((a) => a.section === 'header' && a.key.value === k);
  const mtu = intValue(header('mtu')?.value);
  const master = header('master')?.value;
  const state = header('state')?.value;
  return {
    ...(o.index ? { index: o.index } : {}),
    name: o.name,
    ...(o.peer ? { peer: o.peer } : {}),
    flags: o.flags,
    ...(mtu ? { mtu } : {}),
    ...(master ? { master } : {}),
    ...(state ? { state } : {}),
    ...(o.linkType ? { linkType: o.linkType } : {}),
    ...(o.address ? { address: o.address } : {}),
    ...(o.kind ? { kind: o.kind } : {}),
    ...(o.slaveKind ? { slaveKind: o.slaveKind } : {}),
    attrs: o.attrs,
    addresses: o.addresses.map((a): IpAddress => ({ family: a.family, cidr: a.cidr, attrs: a.attrs, span: a.span, line: a.line })),
    span: { start: o.start, end: o.end },
    line: o.line,
  };
}
