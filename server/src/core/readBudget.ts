import type { ParseProblem } from './problem';
import type { Span } from './span';

/**
 * Keeps a line reader bounded on any paste: at most `maxProblems` problems are kept (the rest are
 * counted), and reading stops after `maxItems` lines read into the model, or once the problem cap
 * is reached while fewer lines were read into the model than problems were found: mostly
 * unreadable text (random bytes, another format). A real dump with many bad lines among its good
 * ones (an anonymised value on every line) is read to the end, as the iptables-save reader does.
 * `finish` adds the one or two `limit` problems that say where and why.
 */
export class ReadBudget {
  readonly problems: ParseProblem[] = [];
  private items = 0;
  private dropped = 0;
  private firstDropped: Span | undefined;
  private stoppedAt: { line: number; span: Span } | undefined;

  constructor(
    private readonly limitCode: `parse/${string}`,
    /** What the model holds, for the message: `settings, comments and notes`. */
    private readonly itemsName: string,
    /** What the text should have been: `sysctl settings`. */
    private readonly formatName: string,
    private readonly maxProblems = 1000,
    private readonly maxItems = 200_000,
  ) {}

  report(p: ParseProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(p);
    else {
      this.dropped++;
      this.firstDropped ??= p.span;
    }
  }

  /** One more line read into the model. */
  item(): void {
    this.items++;
  }

  /** True (and where is remembered) when reading must stop before this line. */
  exhausted(line: number, span: Span): boolean {
    if (this.items < this.maxItems && (this.problems.length < this.maxProblems || this.items >= this.problems.length + this.dropped)) return false;
    this.stoppedAt = { line, span };
    return true;
  }

  /** The problems, with the limit problems appended. */
  finish(): ParseProblem[] {
    if (this.stoppedAt) {
      const why = this.items >= this.maxItems ? `more than ${this.maxItems} ${this.itemsName}` : `${this.maxProblems} problems, so it is most likely not ${this.formatName}`;
      this.problems.push({
        code: this.limitCode,
        message: `kube-netlint stopped reading at line ${this.stoppedAt.line + 1}: the text above has ${why}; the rest is not checked`,
        span: this.stoppedAt.span,
        severity: 'info',
      });
    }
    if (this.dropped > 0 && this.firstDropped) {
      const n = this.dropped.toLocaleString('en-US');
      const cap = this.maxProblems.toLocaleString('en-US');
      this.problems.push({
        code: this.limitCode,
        message: this.stoppedAt
          ? `${n} more problems are not shown; this text is mostly not ${this.formatName}`
          : `${n} more problems like the ones above are not listed (only the first ${cap} are), from here on; the rest of the text was read`,
        span: this.firstDropped,
        severity: 'info',
      });
    }
    return this.problems;
  }
}
