import type { Hover } from 'vscode-languageserver';
import type { Span } from '../core/span';
import type { ParsedDocument } from '../engine/document';
import { ruleSummary } from '../engine/docs';
import type { Report } from '../engine/lint';
import { iptablesHover, type TokenHover } from '../formats/iptables/hover';
import type { DocumentKind } from '../formats/kind';

/** Token explanations per kind of document; each format owns its glossary and lookup. */
const TOKEN_HOVERS: { readonly [K in DocumentKind]?: (doc: ParsedDocument<K>, offset: number) => TokenHover | undefined } = {
  iptables: (doc, offset) => iptablesHover(doc.model, offset),
};

function tokenHover(doc: ParsedDocument, offset: number): TokenHover | undefined {
  const hover = TOKEN_HOVERS[doc.kind] as ((d: ParsedDocument, o: number) => TokenHover | undefined) | undefined;
  return hover?.(doc, offset);
}

/**
 * Hover = the findings under the cursor (rule title, first paragraph of its docs, link) followed
 * by what the token itself means.
 */
export function hover(doc: ParsedDocument, offset: number, reports: readonly Report[]): Hover | undefined {
  const sections: string[] = [];
  let range: Span | undefined;
  for (const r of reports) {
    if (offset < r.span.start || offset > r.span.end) continue;
    const summary = ruleSummary(r.ruleId);
    sections.push([`**${r.ruleId}** — ${r.title}`, summary ?? '', `[Documentation](${r.docsUrl})`].filter(Boolean).join('\n\n'));
    range ??= r.span;
  }
  const token = tokenHover(doc, offset);
  if (token) {
    sections.push(token.markdown);
    range = token.span;
  }
  if (sections.length === 0) return undefined;
  return {
    contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') },
    ...(range ? { range: doc.lines.range(range.start, range.end) } : {}),
  };
}
