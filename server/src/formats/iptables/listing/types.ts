import type { Span } from '../../../core/span';
import type { Counters, IptChain, IptRule, IptTable, IptablesModel, Token } from '../model';

/**
 * What a listing adds to the shared iptables model. Every listing value is still a plain
 * `IptablesModel` (rules never need these fields); they carry what only a listing has: the
 * counters as printed, the raw columns, and how the table name was inferred.
 */

/** Counters of a listing: `535K` is expanded to 535000 and the printed text is kept. */
export interface ListingCounters extends Counters {
  /** The packet counter exactly as printed (`2446`, `127M`). */
  readonly packetsText: Token;
  /** The byte counter exactly as printed (`535K`). */
  readonly bytesText: Token;
  /**
   * True when a value carries a K/M/G/T suffix: iptables rounded it to 1000s (decimal) because
   * `-x` was not given, so the number is only accurate to three or four digits.
   */
  readonly approximate: boolean;
}

/** The columns of one listing row as printed (value = the text, `!` included). */
export interface ListingColumns {
  readonly num?: Token;
  readonly pkts?: Token;
  readonly bytes?: Token;
  /** Absent when the target column is empty (a rule without `-j`). */
  readonly target?: Token;
  readonly prot?: Token;
  /** Absent when the opt column is blank (old ip6tables prints nothing there). */
  readonly opt?: Token;
  readonly in?: Token;
  readonly out?: Token;
  readonly source?: Token;
  readonly destination?: Token;
  /** The free-form match and target text after the destination column. */
  readonly text?: Token;
}

export interface ListingRule extends IptRule {
  readonly counters?: ListingCounters;
  readonly columns: ListingColumns;
}

export interface ListingChain extends IptChain {
  readonly counters?: ListingCounters;
  readonly rules: readonly ListingRule[];
}

/**
 * How the table of a listing was decided: a listing never names its table, so it comes from a
 * pasted command line (`iptables -t nat -L -n`), the built-in chains shown, the rules' targets and
 * well-known chain names, or iptables' own default (`filter`).
 */
export interface TableInference {
  readonly method: 'command' | 'builtin-chains' | 'rules' | 'default';
  /** One sentence a user can read in a hover. */
  readonly reason: string;
  /** Tables whose built-in chains include every built-in chain seen. */
  readonly candidates: readonly string[];
  /** The text that decided it (command's table argument, chain names, targets). */
  readonly evidence: readonly Span[];
}

export interface ListingTable extends IptTable {
  readonly chains: readonly ListingChain[];
  readonly rules: readonly ListingRule[];
  readonly inference: TableInference;
}

export interface IptablesListingModel extends IptablesModel {
  readonly variant: 'listing';
  readonly tables: readonly ListingTable[];
}

/** A word of a listing line with its absolute span. */
export interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly kind: 'word' | 'comment' | 'quoted';
  /** For comments and quoted strings: the text between the delimiters and where it lies. */
  readonly inner?: { readonly value: string; readonly start: number; readonly end: number };
  /** A comment or quoted string whose closing delimiter is missing (runs to the end of the line). */
  readonly unterminated?: boolean;
}
