import type { ParsedDocument } from './document';
import { provenanceOf } from './incremental';

/**
 * Where a phrase occurs in a document's text, found once per document version: a document made by
 * an edit (node/incremental.ts `provenanceOf`) takes the previous version's offsets, drops those
 * the edit touched, moves those after it, and searches only the edited window again. A rule that
 * looks for a rare message anywhere in an 8 MB dump then costs a few lines per keystroke instead
 * of a scan of the whole text (~4 ms). Without a previous version with known offsets (a first
 * parse, the CLI) the text is searched in full, as a plain `indexOf` loop would.
 */
const known = new WeakMap<ParsedDocument, Map<string, readonly number[]>>();

/** Start offsets of every occurrence of `phrase` (non-empty) in `document.text`, ascending. */
export function phraseOffsets(document: ParsedDocument, phrase: string): readonly number[] {
  let byPhrase = known.get(document);
  const kept = byPhrase?.get(phrase);
  if (kept) return kept;
  const text = document.text;
  const provenance = provenanceOf(document);
  const previous = provenance?.from.deref();
  const before = previous ? known.get(previous)?.get(phrase) : undefined;
  let hits: number[];
  if (provenance && before) {
    const { start, oldEnd, newEnd } = provenance.change;
    const delta = newEnd - oldEnd;
    const len = phrase.length;
    hits = [];
    // Occurrences that end before the edit stay; the window around it is searched again; the ones after it move.
    let k = 0;
    while (k < before.length && before[k]! + len <= start) hits.push(before[k++]!);
    // Searched in a copy of the window: `indexOf` on the whole text would read on to its end when the window has no hit.
    const from = Math.max(0, start - len + 1);
    const window = text.slice(from, Math.min(text.length, newEnd + len - 1));
    for (const p of allOffsets(window, phrase)) hits.push(from + p);
    while (k < before.length && before[k]! < oldEnd) k++;
    for (; k < before.length; k++) hits.push(before[k]! + delta);
  } else hits = allOffsets(text, phrase);
  if (!byPhrase) known.set(document, (byPhrase = new Map()));
  byPhrase.set(phrase, hits);
  return hits;
}

function allOffsets(text: string, phrase: string): number[] {
  const hits: number[] = [];
  for (let p = text.indexOf(phrase); p >= 0; p = text.indexOf(phrase, p + 1)) hits.push(p);
  return hits;
}
