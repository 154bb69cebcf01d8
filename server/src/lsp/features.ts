import type { DocumentSymbol, FoldingRange, InlayHint, Location, Range } from 'vscode-languageserver';
import { FoldingRangeKind, InlayHintKind, SymbolKind } from 'vscode-languageserver';
import type { Span } from '../core/span';
import type { ParsedDocument } from '../node/document';
import type { FormatFeatures, OutlineNode } from '../formats/features';
import { FEATURES } from '../formats/featureTable';

/** Adapters from format features (offsets, spans) to LSP values (ranges, symbols). */

export function featuresOf(doc: ParsedDocument): FormatFeatures<ParsedDocument['model']> | undefined {
  return (FEATURES as Record<string, FormatFeatures<ParsedDocument['model']> | undefined>)[doc.kind];
}

const SYMBOL_KIND: Record<OutlineNode['kind'], SymbolKind> = {
  table: SymbolKind.Namespace,
  chain: SymbolKind.Function,
  service: SymbolKind.Interface,
  server: SymbolKind.Object,
  group: SymbolKind.Module,
  key: SymbolKind.Property,
  interface: SymbolKind.Interface,
  document: SymbolKind.File,
  section: SymbolKind.Namespace,
  counter: SymbolKind.Number,
};

function toSymbol(doc: ParsedDocument, n: OutlineNode): DocumentSymbol {
  return {
    name: n.name || '(unnamed)',
    ...(n.detail ? { detail: n.detail } : {}),
    kind: SYMBOL_KIND[n.kind],
    range: doc.lines.range(n.span.start, n.span.end),
    selectionRange: doc.lines.range(n.selection.start, n.selection.end),
    ...(n.children?.length ? { children: n.children.map((c) => toSymbol(doc, c)) } : {}),
  };
}

export function documentSymbols(doc: ParsedDocument): DocumentSymbol[] {
  return (featuresOf(doc)?.outline?.(doc.model) ?? []).map((n) => toSymbol(doc, n));
}

/** Folding: every multi-line outline element plus the format's extra regions. */
export function foldingRanges(doc: ParsedDocument): FoldingRange[] {
  const f = featuresOf(doc);
  const spans: { span: Span; kind?: string }[] = [];
  const walk = (nodes: readonly OutlineNode[]): void => {
    for (const n of nodes) {
      spans.push({ span: n.span });
      if (n.children) walk(n.children);
    }
  };
  walk(f?.outline?.(doc.model) ?? []);
  for (const s of f?.folds?.(doc.model) ?? []) spans.push({ span: s, kind: FoldingRangeKind.Region });
  const seen = new Set<string>();
  const out: FoldingRange[] = [];
  for (const { span, kind } of spans) {
    const a = doc.lines.positionAt(span.start).line;
    const b = doc.lines.positionAt(span.end).line;
    if (b <= a || seen.has(`${a}:${b}`)) continue;
    seen.add(`${a}:${b}`);
    out.push({ startLine: a, endLine: b, ...(kind ? { kind } : {}) });
  }
  return out;
}

export function definition(doc: ParsedDocument, offset: number): Location[] {
  return (featuresOf(doc)?.definition?.(doc.model, offset) ?? []).map((s) => ({ uri: doc.uri, range: doc.lines.range(s.start, s.end) }));
}

export function references(doc: ParsedDocument, offset: number, includeDeclaration: boolean): Location[] {
  return (featuresOf(doc)?.references?.(doc.model, offset, includeDeclaration) ?? []).map((s) => ({ uri: doc.uri, range: doc.lines.range(s.start, s.end) }));
}

export function inlayHints(doc: ParsedDocument, range: Range): InlayHint[] {
  const span = { start: doc.lines.offsetAt(range.start), end: doc.lines.offsetAt(range.end) };
  return (featuresOf(doc)?.inlayNotes?.(doc.model, span) ?? []).map((n) => ({
    position: doc.lines.positionAt(n.offset),
    label: n.label,
    kind: InlayHintKind.Parameter,
    paddingLeft: true,
    ...(n.tooltip ? { tooltip: n.tooltip } : {}),
  }));
}
