/**
 * Message phrases several rule areas share, so a count, a share or a mark reads the same in every
 * finding.
 */

/** `1 connection`, `3 connections`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/** A short list for messages: `a, b, c and 4 more`. */
export function shortList(items: readonly string[], max = 4): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** `12 %`, `3.5 %`, `0 %` (one decimal below 10 %). */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0 %';
  const p = (100 * part) / whole;
  return `${p >= 10 || Number.isInteger(p) ? Math.round(p) : p.toFixed(1)} %`;
}

/** A mark or mask as iptables prints it: `0x4000` (unsigned 32 bits). */
export const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
