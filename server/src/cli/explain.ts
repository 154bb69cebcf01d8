import { ruleDocsMarkdown, ruleDocsUrl } from '../engine/docs';
import { ALL_RULE_META, ruleMeta } from '../rules/catalogue';
import type { CliIO } from './io';

/**
 * Markdown as plain terminal text: headings underlined, fences dropped and code indented, links as
 * `text <url>`, emphasis markers removed. Pages are ours (docs/rules), so this is a reading aid,
 * not a Markdown parser.
 */
export function markdownToText(md: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const raw of md.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      out.push(`    ${raw}`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(raw);
    const line = (heading ? heading[2]! : raw)
      .replace(/!?\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (_m, text: string, url: string) => (text === url ? url : `${text} <${url}>`))
      .replace(/\*\*([^*]+)\*\*/g, '$1')
      .replace(/__([^_]+)__/g, '$1');
    out.push(line);
    if (heading) out.push((heading[1]!.length === 1 ? '=' : '-').repeat(Math.min(line.length, 100)));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

/** `explain RULE`: the rule's docs page (docs/rules/<id>.md, shipped beside the CLI bundle). */
export function explain(rule: string, io: CliIO): number {
  const meta = ruleMeta(rule);
  if (!meta) {
    const near = ALL_RULE_META.filter((m) => m.id.includes(rule) || m.id.split('/').pop() === rule.split('/').pop()).map((m) => m.id);
    io.err(`kube-netlint: no rule '${rule}'${near.length ? `; did you mean ${near.slice(0, 5).join(', ')}?` : ' (kube-netlint rules lists them)'}\n`);
    return 2;
  }
  const md = ruleDocsMarkdown(rule);
  if (!md) {
    io.err(`kube-netlint: the page of ${rule} is not installed next to the CLI; read it at ${ruleDocsUrl(rule)}\n`);
    return 2;
  }
  io.out(markdownToText(md));
  io.out(`\nseverity: ${meta.severity}; reads: ${meta.reads}${meta.fix ? `; fix: ${meta.fix}` : ''}\nonline: ${ruleDocsUrl(rule)}\n`);
  return 0;
}
