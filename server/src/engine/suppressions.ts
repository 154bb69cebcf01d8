import { forEachLine } from '../core/lines';
import type { LineIndex } from '../core/lineIndex';
import type { DocumentKind } from '../formats/kind';

/**
 * Inline suppressions written in the document's own comments:
 *   # kube-netlint-disable-next-line iptables/masquerade-without-random-fully
 *   # kube-netlint-disable sysctl/ipvs-conn-reuse-mode, sysctl/ip-forward-disabled
 * Without rule ids a directive covers every rule. `-next-line` covers the next line that is not
 * itself a comment, so several directives can be stacked above one line. In YAML, when that line
 * opens a block scalar (`net-conf.json: |`), the directive covers the whole block: the embedded
 * JSON or config inside has no comments of its own (a `#` there would be content, and breaks it).
 */
export interface Suppressions {
  isSuppressed(ruleId: string, line: number): boolean;
}

/** The directive, once: what users write after the comment sign (with `-next-line` for the next line only). */
export const SUPPRESSION_DIRECTIVE = 'kube-netlint-disable';
export const SUPPRESSION_DIRECTIVE_NEXT_LINE = `${SUPPRESSION_DIRECTIVE}-next-line`;

const DIRECTIVE = new RegExp(`(?:^|\\s)[#;]\\s*(${SUPPRESSION_DIRECTIVE_NEXT_LINE}|${SUPPRESSION_DIRECTIVE})\\b([^\\n]*)$`);
const COMMENT_ONLY = /^\s*[#;]/;

export const NO_SUPPRESSIONS: Suppressions = { isSuppressed: () => false };

/** How each format writes the comments that carry directives; formats without comments are absent. */
export const SUPPRESSION_SYNTAX: Partial<Record<DocumentKind, { readonly comment: string; readonly blockScalars: boolean }>> = {
  iptables: { comment: '#', blockScalars: false },
  nftables: { comment: '#', blockScalars: false },
  sysctl: { comment: '#', blockScalars: false },
  k8s: { comment: '#', blockScalars: true },
};

/** A YAML line whose value is a block scalar (`key: |`, `- >-`, `key: !tag |2`), with an optional comment. */
const BLOCK_HEADER = /^[ \t]*(?:-[ \t]+)*(?:(?:"[^"]*"|'[^']*'|[^\s#'"-][^#]*?|-[^\s#][^#]*?)[ \t]*:[ \t]+|-[ \t]+)?(?:![^\s]*[ \t]+)?(?:&[^\s]+[ \t]+)?[|>](?:[1-9][-+]?|[-+][1-9]?)?[ \t]*(?:#.*)?$/;

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].length;
}

export function findSuppressions(text: string, kind?: DocumentKind): Suppressions {
  // Fast path: most documents carry no directive at all.
  if (!text.includes(SUPPRESSION_DIRECTIVE)) return NO_SUPPRESSIONS;
  const blockScalars = kind !== undefined && SUPPRESSION_SYNTAX[kind]?.blockScalars === true;
  const fileWide = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  let pending: Set<string>[] = [];
  /** The block scalar being read: its header's indentation and the rules disabled for all of it. */
  let block: { indent: number; ids: Set<string> | undefined } | undefined;
  const ALL = '*';
  forEachLine(text, ({ text: line, number }) => {
    if (block) {
      if (!line.trim() || indentOf(line) > block.indent) {
        // Content of the block: covered with its header, and never a comment or directive.
        if (block.ids) byLine.set(number, block.ids);
        return;
      }
      block = undefined;
    }
    const opensBlock = blockScalars && BLOCK_HEADER.test(line);
    if (pending.length > 0 && line.trim() && !COMMENT_ONLY.test(line)) {
      const merged = new Set<string>();
      for (const s of pending) for (const id of s) merged.add(id);
      byLine.set(number, merged);
      pending = [];
      if (opensBlock) block = { indent: indentOf(line), ids: merged };
    }
    if (opensBlock) {
      block ??= { indent: indentOf(line), ids: undefined };
      return;
    }
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const ids = m[2]!.split(/[\s,]+/).filter((s) => s && !s.startsWith('--'));
    const set = new Set(ids.length > 0 ? ids : [ALL]);
    if (m[1] === SUPPRESSION_DIRECTIVE) for (const id of set) fileWide.add(id);
    else pending.push(set);
  });
  return {
    isSuppressed(ruleId, line) {
      if (fileWide.has(ALL) || fileWide.has(ruleId)) return true;
      const s = byLine.get(line);
      return s !== undefined && (s.has(ALL) || s.has(ruleId));
    },
  };
}

/** Where "Disable RULE for this line" inserts its directive, and the directive line itself. */
export interface SuppressionInsert {
  /** The offset the text is inserted at (the start of a line, after a byte order mark). */
  readonly offset: number;
  readonly newText: string;
  /** Whether the directive covers a whole YAML block scalar rather than one line. */
  readonly coversBlock: boolean;
}

/**
 * The directive that disables `ruleId` for `line`, placed where the format allows a comment:
 * above the line, with its indentation and the document's own line break (`\n`, `\r\n` or `\r`);
 * for a line inside a YAML block scalar (flannel's `net-conf.json: |`), above the block's key,
 * since a `#` inside would be content of the embedded document. Undefined for formats without
 * comments.
 */
export function suppressionInsert(text: string, lines: LineIndex, kind: DocumentKind, line: number, ruleId: string): SuppressionInsert | undefined {
  const syntax = SUPPRESSION_SYNTAX[kind];
  if (!syntax) return undefined;
  const lineText = (n: number): string => text.slice(lines.lineStart(n), lines.lineEnd(n));
  const header = syntax.blockScalars ? enclosingBlockHeader(lineText, line) : undefined;
  const target = header ?? line;
  const start = lines.lineStart(target);
  // A byte order mark belongs at the very start of the file, not on the line after the directive.
  const offset = start === 0 && text.charCodeAt(0) === 0xfeff ? 1 : start;
  const indent = /^[ \t]*/.exec(text.slice(offset, lines.lineEnd(target)))![0];
  return { offset, newText: `${indent}${syntax.comment} ${SUPPRESSION_DIRECTIVE_NEXT_LINE} ${ruleId}${lineBreakOf(text, lines, target)}`, coversBlock: header !== undefined };
}

/**
 * The header line of the outermost block scalar that holds `line`, found by walking up through
 * ever less indented lines (the line's parents); undefined when the line is not inside one.
 */
function enclosingBlockHeader(lineText: (n: number) => string, line: number): number | undefined {
  let limit = indentOf(lineText(line));
  if (BLOCK_HEADER.test(lineText(line))) return undefined;
  let found: number | undefined;
  for (let n = line - 1; n >= 0 && limit > 0; n--) {
    const t = lineText(n);
    if (!t.trim()) continue;
    const indent = indentOf(t);
    if (indent >= limit) continue;
    limit = indent;
    if (BLOCK_HEADER.test(t)) found = n;
  }
  return found;
}

/** The line break that ends `line`, or the document's first one for the last line, or `\n`. */
function lineBreakOf(text: string, lines: LineIndex, line: number): string {
  const own = text.slice(lines.lineEnd(line), line + 1 < lines.lineCount ? lines.lineStart(line + 1) : text.length);
  if (own) return own;
  const first = /\r\n|\r|\n/.exec(text);
  return first ? first[0] : '\n';
}
