import type { Span } from '../../core/span';
import type { IpvsCounter, IpvsNumber } from './model';
import type { IpvsReader } from './reader';
import { clip, span, type Tok } from './tokens';

/** Number readers shared by every variant: a bad value is one problem on its token, never a throw. */

export const INT = /^-?\d{1,15}$/;
/** ipvsadm without -x prints big counters scaled (`12K`, `3M`). */
export const COUNTER = /^(\d{1,20})([KMGT])?$/;
export const HEX = /^[0-9A-Fa-f]{1,16}$/;
const UNIT: Readonly<Record<string, number>> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

export function readInt(r: IpvsReader, t: Tok, what: string): IpvsNumber | undefined {
  if (!INT.test(t.text)) {
    r.report('parse/ipvsadm-bad-value', `expected a number for ${what}, found '${clip(t.text)}'`, span(t));
    return undefined;
  }
  return { value: Number(t.text), raw: t.text, span: span(t) };
}

function readCounter(r: IpvsReader, t: Tok, what: string): IpvsCounter | undefined {
  const m = COUNTER.exec(t.text);
  if (!m) {
    r.report('parse/ipvsadm-bad-value', `expected a count for ${what} (digits, optionally K/M/G/T), found '${clip(t.text)}'`, span(t));
    return undefined;
  }
  const unit = m[2] as IpvsCounter['unit'];
  const value = Number(m[1]) * (unit ? UNIT[unit]! : 1);
  return { value, raw: t.text, span: span(t), ...(unit ? { unit } : {}), approximate: unit !== undefined };
}

export function readHex(r: IpvsReader, t: Tok, what: string): IpvsNumber | undefined {
  if (!HEX.test(t.text)) {
    r.report('parse/ipvsadm-bad-value', `expected a hexadecimal number for ${what}, found '${clip(t.text)}'`, span(t));
    return undefined;
  }
  return { value: parseInt(t.text, 16), raw: t.text, span: span(t) };
}

/** Reads five counter columns; reports missing ones. Returns undefined unless all five were read. */
export function readCounters(r: IpvsReader, cols: Tok[], names: readonly string[], rowSpan: Span): IpvsCounter[] | undefined {
  const out: IpvsCounter[] = [];
  for (let i = 0; i < names.length; i++) {
    const t = cols[i];
    if (!t) {
      r.report('parse/ipvsadm-truncated', `row ends early: ${names.slice(i).join(', ')} missing (truncated paste?)`, rowSpan);
      return undefined;
    }
    const c = readCounter(r, t, names[i]!);
    if (!c) return undefined;
    out.push(c);
  }
  for (const t of cols.slice(names.length)) r.syntax(`unexpected '${clip(t.text)}' after the ${names[names.length - 1]} column`, span(t));
  return out;
}

