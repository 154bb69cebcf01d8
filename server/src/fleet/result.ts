import type { Range } from '../core/lineIndex';
import type { Severity } from '../core/severity';
import type { DocumentKind } from '../formats/kind';

/**
 * A node's lint as plain data: what a worker thread sends back (structured clone), what every
 * output format (text, JSON, SARIF, HTML), the fleet summary and `diff` read. No parsed documents,
 * no class instances, no functions.
 */

/** A finding with its place, its evidence lines and a fingerprint that survives line shifts. */
export interface LintedFinding {
  readonly rule: string;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  readonly docsUrl: string;
  /** 0-based LSP range (the JSON contract's `range`). */
  readonly range: Range;
  /** The text of the lines the finding covers (the first few, each cut at a bounded length), for reports. */
  readonly evidence: readonly string[];
  /** rule + file path inside the node + normalised evidence text (+ an ordinal among equals): no line numbers. */
  readonly fingerprint: string;
}

export interface LintedFile {
  /** The path as the user gave it (the JSON contract's `file`). */
  readonly path: string;
  /** The path inside the node folder (its file name): what fingerprints and `diff` match on. */
  readonly inNode: string;
  readonly kind: DocumentKind;
  readonly findings: readonly LintedFinding[];
}

/** The facts a fleet is compared on, as text (null: not known on this node). */
export interface FleetFacts {
  readonly kernel: string | null;
  readonly kubeProxyVersion: string | null;
  readonly kubeProxyMode: string | null;
  readonly iptablesVersion: string | null;
  readonly iptablesBackend: string | null;
  readonly flannelBackend: string | null;
  readonly flannelVersion: string | null;
  readonly vxlanDevice: string | null;
}

export const FLEET_FACT_NAMES = ['kernel', 'kubeProxyVersion', 'kubeProxyMode', 'iptablesVersion', 'iptablesBackend', 'flannelBackend', 'flannelVersion', 'vxlanDevice'] as const satisfies readonly (keyof FleetFacts)[];

export interface NodeResult {
  /** The node folder as the user sees it. */
  readonly path: string;
  readonly files: readonly LintedFile[];
  readonly facts: FleetFacts;
  /** Rules that crashed on a file of this node (the others still ran): `rule on path: message`. */
  readonly ruleErrors: readonly string[];
}

/** Code-point order (not locale): the same on every machine, so output order is stable. */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
