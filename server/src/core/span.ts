/**
 * A half-open range [start, end) of UTF-16 code-unit offsets into a document's text.
 * Every model value a rule, hover or fix needs carries one. Offsets (not line/column) are the
 * currency inside the engine because they survive CRLF and are cheap; they are turned into
 * LSP positions only at the edges (LSP adapter, CLI output) by a LineIndex.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

export function contains(s: Span, offset: number): boolean {
  return offset >= s.start && offset <= s.end;
}

/** A value read from the text together with where it was read. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}
