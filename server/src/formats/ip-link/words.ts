import type { Located } from '../../core/span';

/**
 * Words of one iproute2 output line (`ip`, `bridge`): iproute2 separates every field with blanks,
 * so a line is a list of words with their exact spans. One pass, no regex, no backtracking.
 */
export function words(line: string, lineStart: number, from = 0, to = line.length): Located<string>[] {
  const out: Located<string>[] = [];
  let i = from;
  while (i < to) {
    while (i < to && isSpace(line.charCodeAt(i))) i++;
    if (i >= to) break;
    const s = i;
    while (i < to && !isSpace(line.charCodeAt(i))) i++;
    out.push({ value: line.slice(s, i), span: { start: lineStart + s, end: lineStart + i } });
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * One `key value` pair as iproute2 prints it (`mtu 1450`, `hairpin on`, `srcport 0 0`), or a
 * bare keyword (`nolearning`, `onlink`, `dynamic`) without a value.
 */
export interface Attr {
  readonly key: Located<string>;
  readonly value?: Located<string>;
  /** The second value of two-valued keys (`srcport 0 0`: the high end of the range). */
  readonly value2?: Located<string>;
}

/**
 * How many values each key takes. iproute2 prints keywords without values (flags) and keys with
 * one value; the tables say which is which. `onOff` keywords (`learning`, `hairpin`) are flags in
 * one context (`vxlan ... learning`) and `key on|off` in another (`bridge_slave ... learning on`),
 * so they take a value only when the next word is `on` or `off`.
 */
export interface ArityTable {
  readonly flags: ReadonlySet<string>;
  readonly twoValues?: ReadonlySet<string>;
  /** Keys not in `flags` take one value unless this says that unknown words are flags (address lines). */
  readonly unknownIsFlag?: boolean;
  readonly valued?: ReadonlySet<string>;
}

const ON_OFF = new Set(['on', 'off']);

/** Reads `key value` pairs from `ws[from..]` by the arity table. Linear: each word is read once. */
export function readAttrs(ws: readonly Located<string>[], from: number, table: ArityTable): Attr[] {
  const out: Attr[] = [];
  let i = from;
  while (i < ws.length) {
    const key = ws[i]!;
    const next = ws[i + 1];
    const k = key.value;
    let arity: 0 | 1 | 2;
    if (table.flags.has(k)) arity = next && ON_OFF.has(next.value) ? 1 : 0;
    else if (table.twoValues?.has(k)) arity = 2;
    else if (table.unknownIsFlag) arity = table.valued?.has(k) ? 1 : 0;
    else arity = 1;
    if (arity === 0 || !next) {
      out.push({ key });
      i++;
    } else if (arity === 1) {
      out.push({ key, value: next });
      i += 2;
    } else {
      const third = ws[i + 2];
      out.push(third ? { key, value: next, value2: third } : { key, value: next });
      i += third ? 3 : 2;
    }
  }
  return out;
}

/** The last value printed for `key` (iproute2 prints each key once per line; the last wins on a repeat). */
export function attr(attrs: readonly Attr[], key: string): Attr | undefined {
  for (let i = attrs.length - 1; i >= 0; i--) if (attrs[i]!.key.value === key) return attrs[i];
  return undefined;
}

/** Whether a bare keyword (`onlink`, `nolearning`) is present. */
export function hasFlag(attrs: readonly Attr[], key: string): boolean {
  return attrs.some((a) => a.key.value === key && a.value === undefined);
}

/** A decimal value (`mtu 1450` → 1450), or undefined when it is not a plain integer. */
export function intValue(v: Located<string> | undefined): Located<number> | undefined {
  // iproute2 prints plain decimals; a leading zero is not its output (and would not read back).
  if (!v || !/^(?:0|[1-9]\d{0,9})$/.test(v.value)) return undefined;
  return { value: Number(v.value), span: v.span };
}
