import type { ParseProblem } from '../../core/problem';
import { RuleReader, type Chains } from './rule';
import type { Family } from './extensions/index';
import type { RuleDetails, RuleOrigin, SaveRule } from './saveModel';
import { TokenBuffer, tokenizeRange } from './tokenize';

/**
 * Reads a model rule's line again for the details the parse did not keep (see saveModel.ts):
 * the same text, table, chains (as far as they were declared before the line) and family, so the
 * second reading builds exactly the objects the first one checked. Its problems were reported by
 * the parse; here they go to a scratch list that is dropped.
 */
export class DumpLines {
  private reader: RuleReader | undefined;
  private readonly scratch: ParseProblem[] = [];
  private readonly tokens = new TokenBuffer();

  constructor(
    readonly text: string,
    private readonly family: Family,
  ) {}

  details(rule: SaveRule, table: string, chains: Chains): RuleDetails {
    const reader = (this.reader ??= new RuleReader(this.scratch, this.family));
    const buf = this.tokens;
    const quote = tokenizeRange(this.text, rule.bodyStart, rule.bodyEnd, 0, buf);
    const last = quote >= 0 ? buf.tokens[buf.n - 1] : undefined;
    reader.read(buf.tokens, buf.n, table, chains, rule.chainsSeen, rule.line, rule.lineStart, rule.lineEnd, rule.counters, last);
    this.scratch.length = 0;
    return reader.details();
  }
}

/** The rules of one table of a dump: what `SaveRule.details` needs besides the rule itself. */
export class TableLines implements RuleOrigin {
  constructor(
    private readonly dump: DumpLines,
    private readonly table: string,
    private readonly chains: Chains,
  ) {}

  get text(): string {
    return this.dump.text;
  }

  details(rule: SaveRule): RuleDetails {
    return this.dump.details(rule, this.table, this.chains);
  }
}
