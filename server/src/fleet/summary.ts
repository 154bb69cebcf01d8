import { byPath, FLEET_FACT_NAMES, type FleetFacts, type NodeResult } from './result';

/** A fact on which a node differs from most of the fleet. */
export interface Outlier {
  readonly fact: keyof FleetFacts;
  /** This node's value (null: not known here, e.g. no capture shows it). */
  readonly value: string | null;
  /** The value more than half of the nodes have. */
  readonly majority: string;
  /** How many nodes have the majority value. */
  readonly majorityNodes: number;
}

export interface FleetNode {
  readonly path: string;
  readonly findings: number;
  readonly facts: FleetFacts;
  readonly outlier: readonly Outlier[];
}

export interface RuleSpread {
  readonly rule: string;
  readonly nodes: number;
  readonly paths: readonly string[];
}

export interface FleetSummary {
  readonly nodes: readonly FleetNode[];
  readonly byRule: readonly RuleSpread[];
}

/**
 * The majority value of a fact: held by more than half of all nodes (a node that does not show
 * the fact counts as a vote for "unknown"). Without such a value there is no majority to differ
 * from (two nodes on two kernels are just two nodes), and no node is an outlier on that fact.
 */
function majorityOf(values: readonly (string | null)[]): { value: string; count: number } | undefined {
  const counts = new Map<string | null, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [value, count] of counts) if (value !== null && count * 2 > values.length) return { value, count };
  return undefined;
}

/** Which finding is on how many nodes, and which nodes differ from the majority. Input order is kept. */
export function summarizeFleet(nodes: readonly NodeResult[]): FleetSummary {
  const majorities = new Map<keyof FleetFacts, { value: string; count: number }>();
  for (const fact of FLEET_FACT_NAMES) {
    const m = majorityOf(nodes.map((n) => n.facts[fact]));
    if (m) majorities.set(fact, m);
  }
  const rulePaths = new Map<string, Set<string>>();
  const fleetNodes = nodes.map((n) => {
    let findings = 0;
    for (const f of n.files) {
      findings += f.findings.length;
      for (const x of f.findings) {
        let s = rulePaths.get(x.rule);
        if (!s) rulePaths.set(x.rule, (s = new Set()));
        s.add(n.path);
      }
    }
    const outlier: Outlier[] = [];
    for (const [fact, m] of majorities) {
      const value = n.facts[fact];
      if (value !== m.value) outlier.push({ fact, value, majority: m.value, majorityNodes: m.count });
    }
    return { path: n.path, findings, facts: n.facts, outlier };
  });
  const byRule = [...rulePaths]
    .map(([rule, paths]) => ({ rule, nodes: paths.size, paths: [...paths].sort(byPath) }))
    .sort((a, b) => b.nodes - a.nodes || byPath(a.rule, b.rule));
  return { nodes: fleetNodes, byRule };
}
