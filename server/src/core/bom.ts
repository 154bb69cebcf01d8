import type { ParseProblem } from './problem';

/**
 * A byte-order mark at the very start of a text (U+FEFF once decoded): editors on Windows write
 * UTF-8's, PowerShell 5's `>` writes UTF-16 with one (decoded by core/textEncoding.ts, mark kept). The tools never print one, and `iptables-restore --test` rejects a file that starts
 * with it ("line 1 failed"), while `String.prototype.trim` counts it as a blank (so the first line
 * looked indented). Line readers start reading after it and report it once, on the mark itself.
 */
export function bomLength(text: string): 0 | 1 {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

/** The one problem for a byte-order mark, with the reader's own code and what the mark breaks for its tool. */
export function bomProblem(code: `parse/${string}`, consequence: string, severity?: ParseProblem['severity']): ParseProblem {
  return {
    code,
    message: `the text starts with a byte-order mark (U+FEFF: bytes EF BB BF saved by an editor, or FF FE of the UTF-16 PowerShell's '>' writes, which kube-netlint decodes): ${consequence}; kube-netlint reads the rest as if it were absent`,
    span: { start: 0, end: 1 },
    ...(severity ? { severity } : {}),
  };
}
