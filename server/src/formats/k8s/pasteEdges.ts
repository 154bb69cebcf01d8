import type { ParseProblem } from '../../core/problem';
import { PasteTally, decorationOf, type PasteCause } from '../paste';

/** What a paste puts around a manifest that is not YAML or JSON: the command line, kubectl's noise, a fence, HTML. */
const EDGE_CAUSES: ReadonlySet<PasteCause> = new Set(['prompt', 'noise', 'fence', 'markup']);

/** How many lines at each end are looked at (a paste has a few; a manifest's body is never scanned). */
const MAX_EDGE_LINES = 8;

/**
 * The lines a paste adds before and after a manifest (`$ kubectl get svc -o json`, kubectl's
 * "Defaulted container ..." lines, a markdown fence, `<details>`), blanked with spaces (same
 * length: every span stays exact), with one `parse/paste` note per cause. Only lines before the
 * first and after the last line of the manifest itself: inside it, `$ ...` may be a line of a
 * script in a block scalar. A line starting with `#` is a YAML comment already and stays.
 * Undefined when there is nothing to blank (the text is returned as is by the caller).
 */
export function blankPasteEdges(text: string): { text: string; notes: ParseProblem[] } | undefined {
  const blank: { start: number; end: number }[] = [];
  const tally = new PasteTally();
  /** Looks at one line: true when it is decoration (blanked) or blank, false at the manifest's first line. */
  const edge = (start: number, end: number): boolean => {
    const line = text.slice(start, end).trim();
    if (line === '') return true;
    const cause = line.startsWith('#') ? undefined : decorationOf(line);
    if (!cause || !EDGE_CAUSES.has(cause)) return false;
    blank.push({ start, end });
    tally.add(cause, { start, end });
    return true;
  };
  // From the start, line by line.
  let head = 0;
  for (let n = 0; n < MAX_EDGE_LINES && head < text.length; n++) {
    const end = lineEnd(text, head);
    if (!edge(head, end)) break;
    head = nextLine(text, end);
  }
  // From the end, down to (not into) what the start took.
  let tail = text.length;
  for (let n = 0; n < MAX_EDGE_LINES && tail > head; n++) {
    let end = tail;
    while (end > head && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
    let start = end;
    while (start > head && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 13) start--;
    if (end === start && start === head) break;
    if (!edge(start, end)) break;
    tail = start;
  }
  if (blank.length === 0) return undefined;
  let out = '';
  let p = 0;
  for (const b of blank.sort((a, c) => a.start - c.start)) {
    out += text.slice(p, b.start) + ' '.repeat(b.end - b.start);
    p = b.end;
  }
  return { text: out + text.slice(p), notes: tally.notes('parse/paste') };
}

function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

function nextLine(text: string, end: number): number {
  return text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
}
