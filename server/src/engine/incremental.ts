import type { KnownKind } from '../formats/kind';
import { pushAll } from '../core/arrays';
import type { ParsedDocument } from '../node/document';
import type { NodeFacts } from '../node/facts';
import type { NodeSnapshot } from '../node/snapshot';
import type { Finding, RuleMeta } from '../rules/rule';

/**
 * Keeps each rule's findings on a document while the rule's inputs stay the same, so a lint re-runs
 * only the rules whose inputs changed (`LintOptions.results`, engine/lint.ts).
 *
 * A rule's inputs are what its meta declares: the document it `reads` (this parse of it), the node's
 * documents of the kinds it `uses` (those parses), and the node's facts (by value and where they
 * were read, not by object: a snapshot rebuilt after an edit elsewhere derives equal facts). The
 * parses are compared by identity: the editor re-parses a text only when it changed (per version
 * for open documents, per mtime and size on disk), and an incremental update is a new document.
 *
 * So in the editor: a sysctl file re-linted because the iptables dump next to it was edited re-runs
 * only its rules that use iptables; every document re-linted after a settings change re-runs
 * nothing (severities and `off` are applied after the rules, by the runner). The granularity is the
 * document: an edit of a dump re-runs every rule that reads it, because rules report document-wide
 * (a duplicate count over all chains, a Service's endpoints across chains); finer reuse needs
 * rules that declare a per-chain scope.
 *
 * Rules are pure (rules/rule.ts): the same inputs give the same findings. A rule that threw is not
 * kept (it runs again, and reports its crash again).
 */
export class RuleResults {
  private readonly kept = new Map<string, { readonly inputs: Inputs; readonly findings: readonly Finding[] }>();
  /** Rules run and rules whose findings were reused, since this was made (tests and stats read them). */
  readonly counters = { ran: 0, reused: 0 };

  /** The findings kept for `rule` if its inputs are the same as when they were found. */
  reuse(meta: RuleMeta, document: ParsedDocument, node: NodeSnapshot): readonly Finding[] | undefined {
    const kept = this.kept.get(meta.id);
    if (!kept || !sameInputs(kept.inputs, inputsOf(meta, document, node))) return undefined;
    this.counters.reused++;
    return kept.findings;
  }

  keep(meta: RuleMeta, document: ParsedDocument, node: NodeSnapshot, findings: readonly Finding[]): void {
    this.counters.ran++;
    this.kept.set(meta.id, { inputs: inputsOf(meta, document, node), findings });
  }
}

interface Inputs {
  readonly documents: readonly ParsedDocument[];
  readonly facts: string;
}

function inputsOf(meta: RuleMeta, document: ParsedDocument, node: NodeSnapshot): Inputs {
  const documents: ParsedDocument[] = [document];
  for (const kind of meta.uses ?? []) pushAll(documents, node.ofKind(kind as KnownKind));
  return { documents, facts: factsKey(node.facts) };
}

function sameInputs(a: Inputs, b: Inputs): boolean {
  return a.facts === b.facts && a.documents.length === b.documents.length && a.documents.every((d, i) => d === b.documents[i]);
}

/** The facts as text: values, and where they were read (document URI and span), never the parses themselves. */
const factsCache = new WeakMap<NodeFacts, string>();
function factsKey(facts: NodeFacts): string {
  let key = factsCache.get(facts);
  if (key === undefined) {
    key = JSON.stringify(facts, (name, value: unknown) => (name === 'document' && typeof value === 'object' && value !== null && 'uri' in value ? (value as ParsedDocument).uri : value));
    factsCache.set(facts, key);
  }
  return key;
}
