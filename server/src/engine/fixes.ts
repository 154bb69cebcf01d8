import { pushAll } from '../core/arrays';
import type { EditFix, TextEdit } from '../rules/rule';
import type { Report } from './lint';

/**
 * Which edit fixes of one document go together in one pass, for the CLI's `fix` and the editor's
 * "fix all" alike: per finding its first edit fix that is allowed (safe, or any with `unsafe`), all
 * of its edits or none, and none that touches text another chosen fix edits (two insertions at one
 * place count as touching). What is left out gets its turn in the next pass, on the new text, if it
 * still applies.
 */

const overlaps = (a: TextEdit, b: TextEdit): boolean => (a.span.start < b.span.end && b.span.start < a.span.end) || a.span.start === b.span.start;

export function chooseFixes(reports: readonly Report[], unsafe: boolean): { chosen: EditFix[]; held: number } {
  const chosen: EditFix[] = [];
  const taken: TextEdit[] = [];
  let held = 0;
  for (const r of reports) {
    const edits = r.fixes.filter((f): f is EditFix => f.kind === 'edit');
    const fix = edits.find((f) => f.safe || unsafe);
    if (!fix) {
      if (edits.length) held++;
      continue;
    }
    if (fix.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    chosen.push(fix);
    pushAll(taken, fix.edits);
  }
  return { chosen, held };
}

/** Applies non-overlapping edits (offsets into `text`), from the end so earlier offsets stay valid. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}
