import { byPath, FLEET_FACT_NAMES, type FleetFacts, type LintedFinding, type NodeResult } from './result';

/** A finding of one capture, with the file it is in. */
export interface PlacedFinding extends LintedFinding {
  /** The path as given. */
  readonly file: string;
  /** The path inside the node (what is matched). */
  readonly inNode: string;
}

export interface FactChange {
  readonly fact: keyof FleetFacts;
  readonly before: string | null;
  readonly after: string | null;
}

export interface NodeDiff {
  readonly appeared: readonly PlacedFinding[];
  readonly resolved: readonly PlacedFinding[];
  /** Findings in both captures (same rule, same fingerprint). */
  readonly unchanged: number;
  readonly facts: readonly FactChange[];
  /** Files (paths inside the node) only in one capture. */
  readonly filesAdded: readonly string[];
  readonly filesRemoved: readonly string[];
}

const key = (f: PlacedFinding): string => `${f.rule}\0${f.fingerprint}`;

function placed(node: NodeResult): PlacedFinding[] {
  return node.files.flatMap((file) => file.findings.map((f) => ({ ...f, file: file.path, inNode: file.inNode })));
}

/**
 * What changed between two captures of a node: findings are matched by rule and fingerprint
 * (file inside the node + normalised evidence, no line numbers), so a rule that moved down ten
 * lines is unchanged, and facts (kernel, kube-proxy, backends) are compared by value.
 */
export function diffNodes(before: NodeResult, after: NodeResult): NodeDiff {
  const a = placed(before);
  const b = placed(after);
  const beforeKeys = new Set(a.map(key));
  const afterKeys = new Set(b.map(key));
  const order = (x: PlacedFinding, y: PlacedFinding): number => byPath(x.inNode, y.inNode) || x.range.start.line - y.range.start.line || byPath(x.rule, y.rule);
  const beforeFiles = new Set(before.files.map((f) => f.inNode));
  const afterFiles = new Set(after.files.map((f) => f.inNode));
  return {
    appeared: b.filter((f) => !beforeKeys.has(key(f))).sort(order),
    resolved: a.filter((f) => !afterKeys.has(key(f))).sort(order),
    unchanged: b.filter((f) => beforeKeys.has(key(f))).length,
    facts: FLEET_FACT_NAMES.filter((k) => before.facts[k] !== after.facts[k]).map((fact) => ({ fact, before: before.facts[fact], after: after.facts[fact] })),
    filesAdded: [...afterFiles].filter((f) => !beforeFiles.has(f)).sort(byPath),
    filesRemoved: [...beforeFiles].filter((f) => !afterFiles.has(f)).sort(byPath),
  };
}
