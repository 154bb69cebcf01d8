import { pathInNode } from '../node/nodePath';
import type { DocumentKind } from '../formats/kind';
import { lintDocument, type Report } from '../engine/lint';
import { SUPPRESSION_DIRECTIVE } from '../engine/suppressions';
import { parseDocument, type ParsedDocument } from '../node/document';
import type { NodeFacts } from '../node/facts';
import type { Settings } from '../node/settings';
import { createSnapshot, type NodeSnapshot } from '../node/snapshot';
import { readConntrackFile } from '../node/streamedDocument';
import { evidenceLines, fingerprints } from './fingerprint';
import { byPath, type FleetFacts, type LintedFile, type NodeResult } from './result';

/** A file of a node as read (a path as the user sees it, its text, and a kind when the user said it). */
export interface NodeInputFile {
  readonly path: string;
  readonly text: string;
  readonly kind?: DocumentKind;
  /** A big conntrack table not read yet (`text` is empty): the file on disk, read in chunks when linted (cli/streamFile.ts). */
  readonly stream?: string;
}

/** A node to lint: `files` are reported, `context` (siblings of a file given alone) only feed the facts. */
export interface NodeInput {
  readonly name: string;
  readonly files: readonly NodeInputFile[];
  readonly context: readonly NodeInputFile[];
}

export interface DocumentLint {
  readonly document: ParsedDocument;
  readonly reports: readonly Report[];
}

export interface NodeLint {
  readonly results: readonly DocumentLint[];
  readonly snapshot: NodeSnapshot;
  readonly ruleErrors: readonly string[];
}

const parse = (f: NodeInputFile): ParsedDocument =>
  f.stream !== undefined
    ? readConntrackFile({ uri: f.path, path: f.path, file: f.stream }, SUPPRESSION_DIRECTIVE)
    : parseDocument({ uri: f.path, path: f.path, text: f.text, ...(f.kind ? { kind: f.kind } : {}) });

/** Parses and lints one node: its files in path order, the facts from files and context together. */
export function lintNode(node: NodeInput, settings: Settings): NodeLint {
  const documents = [...node.files].sort((a, b) => byPath(a.path, b.path)).map(parse);
  const context = node.context.map(parse);
  const snapshot = createSnapshot(
    node.name,
    [...documents, ...context].filter((d) => d.kind !== 'unknown'),
    settings.facts,
    // The folder as the user gave it, in the same spelling as the files' paths: messages name files relative to it.
    node.name,
  );
  const ruleErrors: string[] = [];
  const results = documents.map((document) => ({
    document,
    reports: lintDocument(document, snapshot, settings, {
      onRuleError: (id, e) => ruleErrors.push(`${id} on ${document.path}: ${e instanceof Error ? e.message : String(e)}`),
    }),
  }));
  return { results, snapshot, ruleErrors };
}

/** The path of a file inside its node folder: one function for messages and reports (node/nodePath.ts). */
export { pathInNode };

export function fleetFacts(facts: NodeFacts): FleetFacts {
  return {
    kernel: facts.kernel?.value.text ?? null,
    kubeProxyVersion: facts.kubeProxyVersion?.value.text ?? null,
    kubeProxyMode: facts.kubeProxyMode?.value ?? null,
    iptablesVersion: facts.iptablesVersion?.value.text ?? null,
    iptablesBackend: facts.iptablesBackend?.value ?? null,
    flannelBackend: facts.flannelBackend?.value ?? null,
    flannelVersion: facts.flannelVersion?.value.text ?? null,
    vxlanDevice: facts.vxlanDevice?.value ?? null,
  };
}

/** One document's findings as plain data, with evidence and fingerprints. */
export function lintedFile(nodePath: string, { document, reports }: DocumentLint): LintedFile {
  const inNode = pathInNode(nodePath, document.path);
  const partial = reports.map((r) => ({
    rule: r.ruleId,
    title: r.title,
    severity: r.severity,
    message: r.message,
    docsUrl: r.docsUrl,
    range: document.lines.range(r.span.start, r.span.end),
    evidence: evidenceLines(document.text, document.lines, r.span),
  }));
  const prints = fingerprints(inNode, partial);
  return { path: document.path, inNode, kind: document.kind, findings: partial.map((f, i) => ({ ...f, fingerprint: prints[i]! })) };
}

/** Lints a node and returns only plain data (what a worker thread sends back). */
export function lintNodePlain(node: NodeInput, settings: Settings): NodeResult {
  const { results, snapshot, ruleErrors } = lintNode(node, settings);
  return { path: node.name, files: results.map((r) => lintedFile(node.name, r)), facts: fleetFacts(snapshot.facts), ruleErrors };
}
