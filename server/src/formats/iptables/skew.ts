import type { ParseProblem, RelatedProblem } from '../../core/problem';
import type { Span } from '../../core/span';

/**
 * A dump printed by an iptables that does not understand how its rules were written.
 *
 * The kernel keeps each rule as the binary blob (legacy: xt_entry_target with a revision) or the nft
 * expressions (iptables-nft) that the iptables which *wrote* it produced. `iptables-save` on the
 * host decodes them with its own idea of each match and target: when kube-proxy's image carries a
 * newer iptables (or the other back end) than the host, the host's decoder mis-reads the newer
 * revision. The tell-tales are characteristic: NAT targets with an empty range followed by the
 * range again (`-j DNAT --to-destination  --random --to-destination 10.0.0.1:80`: a revision-2 NAT
 * range decoded as revision 1), `[unsupported revision]` where a match or target was not understood,
 * and `--to-source`/`--to-ports` printed twice. Each such line gives several syntax errors that say
 * nothing about the node's rules; the reader folds them into one diagnosis per file.
 */
export const SKEW_CODE = 'parse/iptables-version-skew';

/** NAT targets' range options: printed empty, or twice, by a decoder of the wrong revision. */
const EMPTY_RANGE = /\s--to(?:-destination|-source|-ports)?(?=\s{2}|\s+--|\s*$)/;
const UNSUPPORTED = /\[unsupported revision\]|\[unsupported\]|\[invalid\]/i;
const RANGE_OPTION = /\s(--to-destination|--to-source|--to-ports)\s/g;

/** True when a rule line carries a tell-tale of version or back-end skew. */
export function skewSignature(line: string): boolean {
  // One rule per line: text with several `-j` (rules joined by a JSON-escaped "\n") is something else.
  if (line.indexOf(' -j ') !== line.lastIndexOf(' -j ')) return false;
  if (UNSUPPORTED.test(line)) return true;
  if (!/-j\s+(?:DNAT|SNAT|MASQUERADE|REDIRECT|NETMAP)\b/.test(line)) return false;
  if (EMPTY_RANGE.test(line)) return true;
  let count = 0;
  const names = new Set<string>();
  for (const m of line.matchAll(RANGE_OPTION)) {
    count++;
    names.add(m[1]!);
  }
  // iptables-restore accepts each range once ('can be given only once'): a repeat in a dump is a decoder's echo.
  return count > names.size;
}

/** The lines of one dump that showed skew, and the problems folded into the diagnosis. */
export class SkewTally {
  lines = 0;
  problemCount = 0;
  first: Span | undefined;
  readonly folded: RelatedProblem[] = [];

  /** Takes a skewed line's problems (from `from` on in `problems`) into the tally. */
  fold(problems: ParseProblem[], from: number, line: Span): void {
    this.lines++;
    this.first ??= line;
    for (let i = from; i < problems.length; i++) {
      const p = problems[i]!;
      // Bounded: the diagnosis lists at most this many of the errors it replaces.
      if (this.folded.length < MAX_FOLDED) this.folded.push({ span: p.span, message: p.message });
      this.problemCount++;
    }
    problems.length = from;
  }

  /** The one diagnosis for the file, or undefined when no line showed skew. */
  note(header: { version?: string; backend?: string } | undefined): ParseProblem | undefined {
    if (!this.first) return undefined;
    const printer = header?.version ? `iptables ${header.version}${header.backend ? ` (${header.backend})` : ''}, which wrote this dump,` : 'the iptables that wrote this dump';
    const lines = this.lines === 1 ? '1 rule is' : `${this.lines.toLocaleString('en-US')} rules are`;
    const errors = this.problemCount === 1 ? 'its syntax error is' : `their ${this.problemCount.toLocaleString('en-US')} syntax errors are`;
    return {
      code: SKEW_CODE,
      severity: 'warning',
      span: this.first,
      message:
        `${lines} printed in a way no iptables writes (a NAT range printed empty and then again, or '[unsupported revision]'): ${printer} is probably not the iptables that created the rules. ` +
        `kube-proxy writes rules with the iptables of its own image; when the host's iptables is older or uses the other back end (legacy vs nf_tables), its iptables-save mis-reads the newer rules. ` +
        `Confirm with 'iptables -V' on the host and in the kube-proxy container; capture with the same iptables kube-proxy uses (kubectl exec -n kube-system <kube-proxy pod> -- iptables-save). ` +
        `The rules are real and kept; ${errors} folded into this one finding (related information).`,
      related: this.folded,
    };
  }
}

const MAX_FOLDED = 50;
