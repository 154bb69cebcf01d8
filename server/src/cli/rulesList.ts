import { ruleDocsUrl } from '../engine/docs';
import { ALL_RULE_META } from '../rules/catalogue';

/** `rules`: the catalogue as a table (text), data (json: id, title, severity, reads, uses, fix, docs) or a Markdown table. */
export function formatRules(format: 'text' | 'json' | 'markdown'): string {
  if (format === 'json') {
    return `${JSON.stringify(
      ALL_RULE_META.map((m) => ({ id: m.id, title: m.title, severity: m.severity, reads: m.reads, uses: m.uses ?? [], fix: m.fix ?? null, docs: ruleDocsUrl(m.id) })),
    )}\n`;
  }
  if (format === 'markdown') {
    // A `|` in a title would end its cell.
    const cell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
    const rows = ALL_RULE_META.map((m) => `| [\`${m.id}\`](${ruleDocsUrl(m.id)}) | ${m.severity} | ${m.reads} | ${m.fix ?? ''} | ${cell(m.title)} |`);
    return `| Rule | Severity | Reads | Fix | Title |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`;
  }
  return ALL_RULE_META.map((m) => `${m.id.padEnd(48)} ${m.severity.padEnd(8)} ${m.title}\n`).join('');
}
