import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import type { Attr } from '../ip-link/words';

/** `ip rule [show]` / `ip -6 rule`: the routing policy database, one rule per line. */
export interface IpRuleModel {
  readonly rules: readonly IpRule[];
  readonly problems: readonly ParseProblem[];
}

export interface IpRule {
  /** `100:` — rules are tried in increasing priority. */
  readonly priority: Located<number>;
  /** `not` inverts the selector. */
  readonly not: boolean;
  /** `from`, `to`, `fwmark`, `iif`, `oif`, `lookup`, `goto`, `suppress_prefixlength`, ... and keywords (`blackhole`, `l3mdev`, `[detached]`). */
  readonly attrs: readonly Attr[];
  /** The table consulted (`lookup main`, `table 100`). */
  readonly table?: Located<string>;
  readonly span: Span;
  readonly line: number;
}
