import { LineIndex } from '../core/lineIndex';
import { updateSaveModel, type TextChange } from '../formats/iptables/incremental';
import { isKind, type ParsedDocument } from './document';

export type { TextChange } from '../formats/iptables/incremental';

/**
 * The parsed document after an edit, read again only where the edit touched it, or undefined when
 * its format cannot do that for this edit (the caller parses the whole text: `parseDocument`).
 * Today the `iptables-save` format re-reads edited rule lines (formats/iptables/incremental.ts);
 * other formats and other edits are parsed again in full.
 *
 * `previous` is consumed when an update is returned: its model now belongs to the new document.
 */
export function updateDocument(previous: ParsedDocument, text: string, change: TextChange): ParsedDocument | undefined {
  // The head of the text decides save format vs listing (formats/iptables/index.ts): a rule-line
  // edit after a `*table` line cannot change that, and updateSaveModel only takes those.
  if (!isKind(previous, 'iptables')) return undefined;
  const model = updateSaveModel(previous.model, previous.text, text, change, (offset) => previous.lines.positionAt(offset).line);
  if (!model) return undefined;
  return { uri: previous.uri, path: previous.path, text, kind: previous.kind, model, lines: new LineIndex(text) };
}
