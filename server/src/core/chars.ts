/** Character tests the line readers share (blank = space, tab, vertical tab, form feed). */

export function isBlank(ch: number): boolean {
  return ch === 32 || ch === 9 || ch === 11 || ch === 12;
}

/** Length of the leading blanks of `s`. */
export function leadingBlanks(s: string): number {
  let i = 0;
  while (i < s.length && isBlank(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the last non-blank character of `s`. */
export function endWithoutTrailingBlanks(s: string): number {
  let i = s.length;
  while (i > 0 && isBlank(s.charCodeAt(i - 1))) i--;
  return i;
}

/** True when `s` holds a control character other than tab (binary noise in a paste). */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if ((ch < 32 && ch !== 9) || ch === 127) return true;
  }
  return false;
}

/** `s` cut to 60 characters for a message. */
export function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
