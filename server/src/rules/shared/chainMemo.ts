import type { IptRule, IptTable } from '../../formats/iptables/model';
import { ruleIndex } from '../../formats/iptables/navigation';
import { chainsEditedSince, editStamp } from '../../formats/iptables/saveModel';

/**
 * A rule's work on each chain of a table, kept across edits of the document: after a keystroke
 * only the chains the edit re-read (saveModel.ts `chainsEditedSince`) are worked out again, and
 * the rule assembles its document-wide result from the parts. The parts follow the table's rule
 * index (navigation.ts `ruleIndex(table).inChain`, one list per chain): while the table and that
 * index are the same objects (an edit that left every rule in its chain with its target), an
 * unchanged chain's list and rules are too. A part must hold no offsets or line numbers (the rules
 * after an edit move in place); rule objects are fine, they move with their rows.
 *
 * One lookup per table, not per chain: a kube-proxy dump has ~20,000 chains, and a WeakMap
 * lookup for each cost about as much as the work it saved. Parts are kept only for tables an
 * edit has been re-read into (saveModel.ts `editStamp`): a one-shot lint (the CLI, a first open)
 * keeps nothing.
 */
/** Chains whose part was reused and chains worked out for a kept table, over every memo (tests read them). */
export const chainMemoCounters = { reused: 0, worked: 0 };

export class ChainMemo<T> {
  private readonly kept = new WeakMap<IptTable, Kept<T>>();

  constructor(private readonly work: (chain: string, rules: readonly IptRule[], table: IptTable) => T) {}

  /** Each chain's part, in the order of `ruleIndex(table).inChain`. */
  parts(table: IptTable): readonly T[] {
    const inChain = ruleIndex(table).inChain;
    const stamp = editStamp(table);
    if (stamp === undefined) return this.all(table, inChain);
    const kept = this.kept.get(table);
    const edited = kept !== undefined && kept.inChain === inChain ? chainsEditedSince(table, kept.stamp) : undefined;
    if (kept === undefined || edited === undefined) {
      const parts = this.all(table, inChain);
      chainMemoCounters.worked += parts.length;
      this.kept.set(table, { inChain, stamp, parts, at: undefined });
      return parts;
    }
    const done = new Set<string>();
    if (edited.length > 0) {
      const at = (kept.at ??= positions(inChain));
      for (const chain of edited) {
        const k = at.get(chain);
        if (k === undefined || done.has(chain)) continue;
        done.add(chain);
        kept.parts[k] = this.work(chain, inChain.get(chain)!, table);
        chainMemoCounters.worked++;
      }
    }
    chainMemoCounters.reused += kept.parts.length - done.size;
    kept.stamp = stamp;
    return kept.parts;
  }

  private all(table: IptTable, inChain: ReadonlyMap<string, readonly IptRule[]>): T[] {
    const parts: T[] = [];
    for (const [chain, rules] of inChain) parts.push(this.work(chain, rules, table));
    return parts;
  }
}

interface Kept<T> {
  readonly inChain: ReadonlyMap<string, readonly IptRule[]>;
  stamp: number;
  readonly parts: T[];
  /** Each chain's place in `parts`, made the first time an edited chain is looked up. */
  at: Map<string, number> | undefined;
}

function positions(inChain: ReadonlyMap<string, readonly IptRule[]>): Map<string, number> {
  const at = new Map<string, number>();
  let k = 0;
  for (const chain of inChain.keys()) at.set(chain, k++);
  return at;
}
