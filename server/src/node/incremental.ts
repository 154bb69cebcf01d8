import { LineIndex } from '../core/lineIndex';
import { updateSaveModel, type TextChange } from '../formats/iptables/incremental';
import { isKind, type ParsedDocument } from './document';

export type { TextChange } from '../formats/iptables/incremental';

/**
 * The parsed document after an edit, read again only where the edit touched it, or undefined when
 * its format cannot do that for this edit (the caller parses the whole text: `parseDocument`).
 * Today the `iptables-save` format re-reads edited rule lines, or the one table an edit changed
 * (formats/iptables/incremental.ts); other formats and other edits are parsed again in full.
 *
 * `previous` is consumed when an update is returned: its model now belongs to the new document
 * (`isConsumed` tells holders of the old one). `lines`, when given, is the new text's line index;
 * `tableBudget` caps how big a table an edit may have read again (formats/iptables/incremental.ts).
 */
export function updateDocument(previous: ParsedDocument, text: string, change: TextChange, lines?: LineIndex, tableBudget?: number): ParsedDocument | undefined {
  // The head of the text decides save format vs listing (formats/iptables/index.ts): a rule-line
  // edit after a `*table` line cannot change that, and updateSaveModel only takes those.
  if (!isKind(previous, 'iptables')) return undefined;
  const model = updateSaveModel(previous.model, previous.text, text, change, (offset) => previous.lines.positionAt(offset).line, tableBudget);
  if (!model) return undefined;
  consumed.add(previous);
  const updated: ParsedDocument = { uri: previous.uri, path: previous.path, text, kind: previous.kind, model, lines: lines ?? new LineIndex(text) };
  updates.set(updated, { from: new WeakRef(previous), change });
  return updated;
}

/** Where an updated document came from: the previous document (weakly: a chain of edits must not keep every version) and the edit. */
export interface Provenance {
  readonly from: WeakRef<ParsedDocument>;
  readonly change: TextChange;
}

const consumed = new WeakSet<ParsedDocument>();
const updates = new WeakMap<ParsedDocument, Provenance>();

/** True for a document made by `updateDocument` (the server counts those apart from full parses). */
export function updatedFromPrevious(doc: ParsedDocument): boolean {
  return updates.has(doc);
}

/** The document and edit an updated document was made from (what else in its text is the previous text, moved). */
export function provenanceOf(doc: ParsedDocument): Provenance | undefined {
  return updates.get(doc);
}

/** True for a document whose model an update took over (its spans no longer match its text). */
export function isConsumed(doc: ParsedDocument): boolean {
  return consumed.has(doc);
}
