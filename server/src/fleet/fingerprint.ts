import { createHash } from 'node:crypto';
import type { LineIndex } from '../core/lineIndex';
import type { Span } from '../core/span';

/** Lines of evidence kept per finding, and characters per line: a report quotes, it does not copy a dump. */
export const EVIDENCE_LINES = 3;
export const EVIDENCE_LINE_CHARS = 400;

/** The text of the lines a span covers (the first EVIDENCE_LINES, each cut at EVIDENCE_LINE_CHARS). */
export function evidenceLines(text: string, lines: LineIndex, span: Span): string[] {
  const first = lines.positionAt(span.start).line;
  const last = Math.min(lines.positionAt(Math.max(span.start, span.end - 1)).line, first + EVIDENCE_LINES - 1);
  const out: string[] = [];
  for (let l = first; l <= last; l++) {
    const start = lines.lineStart(l);
    const end = Math.min(lines.lineEnd(l), start + EVIDENCE_LINE_CHARS);
    out.push(text.slice(start, end).replace(/\r$/, ''));
  }
  return out;
}

/**
 * Evidence as it is compared between captures: packet/byte counters (`[12:3456]`, `-c 12 3456`)
 * change on every capture of a live node, and whitespace is not meaning; both are taken out.
 */
export function normaliseEvidence(lines: readonly string[]): string {
  return lines
    .map((l) =>
      l
        .replace(/^\s*\[\d+:\d+\]\s*/, '')
        .replace(/(^|\s)-c\s+\d+\s+\d+(?=\s|$)/g, '$1')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .join('\n');
}

/**
 * Fingerprints for one file's findings, in order: sha-256 of rule, path inside the node and
 * normalised evidence, plus `:N` for the N-th finding with the same three (two identical rules in
 * one dump stay two results). No line numbers: a rule inserted above does not change them, and the
 * same problem in the same file of two nodes has the same fingerprint.
 */
export function fingerprints(inNode: string, findings: readonly { readonly rule: string; readonly evidence: readonly string[] }[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const hash = createHash('sha256').update(`${f.rule}\0${inNode}\0${normaliseEvidence(f.evidence)}`).digest('hex').slice(0, 32);
    const n = seen.get(hash) ?? 0;
    seen.set(hash, n + 1);
    return `${hash}:${n}`;
  });
}
