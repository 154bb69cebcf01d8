import type { Span } from '../core/span';

/**
 * A format's outline, in format terms: the LSP adapter turns it into document symbols and folding
 * ranges. `span` covers the whole element (what folds), `selection` its name.
 */
export interface OutlineNode {
  readonly name: string;
  readonly detail?: string;
  readonly kind: 'table' | 'chain' | 'service' | 'server' | 'group' | 'key' | 'interface' | 'document' | 'section' | 'counter';
  readonly span: Span;
  readonly selection: Span;
  readonly children?: readonly OutlineNode[];
}

/** A short label shown inline after a value (a probability as a percentage, a count). */
export interface InlayNote {
  readonly offset: number;
  readonly label: string;
  readonly tooltip?: string;
}

/** What a token means, for a hover: markdown and the exact range it explains. */
export interface TokenHover {
  readonly span: Span;
  readonly markdown: string;
}

/**
 * Editor features a format offers, in format terms (offsets and spans). The LSP layer adapts
 * them; a format without an entry simply has no outline, definition, etc.
 */
export interface FormatFeatures<M> {
  hover?(model: M, offset: number, text: string): TokenHover | undefined;
  outline?(model: M): OutlineNode[];
  /** Extra folding regions beyond the outline's (e.g. runs of rules of one chain). */
  folds?(model: M): Span[];
  definition?(model: M, offset: number): Span[];
  references?(model: M, offset: number, includeDeclaration: boolean): Span[];
  inlayNotes?(model: M, range: Span): InlayNote[];
}
