import type { Hover } from 'vscode-languageserver';
import type { Span } from '../core/span';
import type { ParsedDocument } from '../node/document';
import { ruleDocsHref, ruleSummary } from '../engine/docs';
import type { Report } from '../engine/lint';
import { featuresOf } from './features';

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
    sections.push([`**${r.ruleId}** — ${r.title}`, summary ?? '', `[Documentation](${ruleDocsHref(r.ruleId)})`].filter(Boolean).join('\n\n'));
    range ??= r.span;
  }
  const token = featuresOf(doc)?.hover?.(doc.model, offset, doc.text);
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
