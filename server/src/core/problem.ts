import type { Span } from './span';
import type { Severity } from './severity';

/**
 * Something a parser could not read. Parsers never throw: they return a model plus problems, and
 * each problem becomes a diagnostic under a `parse/...` rule id on exactly the text it is about.
 */
export interface ParseProblem {
  /** Rule id in the `parse/` area, e.g. `parse/iptables-syntax`. */
  readonly code: `parse/${string}`;
  readonly message: string;
  readonly span: Span;
  /** Defaults to the parse rule's own severity. */
  readonly severity?: Severity;
  /** Places in the same text that are part of this problem (errors folded into one diagnosis). */
  readonly related?: readonly RelatedProblem[];
}

/** A place in the same text a problem points at, with what is there. */
export interface RelatedProblem {
  readonly span: Span;
  readonly message: string;
}
