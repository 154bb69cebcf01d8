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

/**
 * Whether `offset` (an editor position) touches the span: its end counts too, because a cursor
 * right after a token is still on it. An absent span contains nothing.
 */
export function contains(s: Span | undefined, offset: number): s is Span {
  return s !== undefined && offset >= s.start && offset <= s.end;
}

/** A value read from the text together with where it was read. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}
