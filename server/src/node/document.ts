import { LineIndex } from '../core/lineIndex';
import { detectKind } from '../formats/detect';
import type { DocumentKind } from '../formats/kind';
import { PARSERS, type ModelByKind } from '../formats/registry';

/**
 * A document as the engine sees it: where it came from, its text, what kind it is and its model.
 * Parsing happens once per text; every rule, hover and fix reads the same model.
 */
export interface ParsedDocument<K extends DocumentKind = DocumentKind> {
  /** LSP URI (`file:///...`) or, in the CLI, the path as the user gave it. */
  readonly uri: string;
  /** File name used for detection and messages. */
  readonly path: string;
  readonly text: string;
  readonly kind: K;
  readonly model: ModelByKind[K];
  readonly lines: LineIndex;
}

export interface DocumentSource {
  readonly uri: string;
  readonly path: string;
  readonly text: string;
  /** Forces the kind (e.g. from the editor's language id); otherwise it is detected. */
  readonly kind?: DocumentKind;
}

export function parseDocument(source: DocumentSource): ParsedDocument {
  const kind = source.kind ?? detectKind(source.text, source.path).kind;
  return build(kind, source);
}

function build<K extends DocumentKind>(kind: K, source: DocumentSource): ParsedDocument<K> {
  const parse = PARSERS[kind] as (text: string, path: string) => ModelByKind[K];
  return {
    uri: source.uri,
    path: source.path,
    text: source.text,
    kind,
    model: parse(source.text, source.path),
    lines: new LineIndex(source.text),
  };
}

export function isKind<K extends DocumentKind>(doc: ParsedDocument, kind: K): doc is ParsedDocument<K> {
  return doc.kind === kind;
}
