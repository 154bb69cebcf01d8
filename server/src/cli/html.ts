import type { Severity } from '../core/severity';
import type { LintedFinding, NodeResult } from '../fleet/result';
import { summarizeFleet } from '../fleet/summary';
import { ruleMeta } from '../rules/catalogue';

/**
 * `check --format html`: one self-contained file for people who would rather look. No scripts
 * (it reads the same with JavaScript off), no external assets (styles inline, no fonts, images
 * or links to load), and a Content-Security-Policy that forbids scripts and loads anyway. Every
 * value from a dump (paths, messages, evidence lines, facts) passes `escapeHtml`: dumps come from
 * strangers, and a message quoting `<script>` must stay text.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  // C0/C1 controls (other than tab and newline) are shown as U+FFFD: they are not text and some break parsers.
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1f23;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
details{margin:.4em 0}summary{cursor:pointer}pre{background:#f6f8fa;padding:.5em;overflow-x:auto;margin:.3em 0}
.error{color:#b31d28}.warning{color:#9a6700}.info{color:#0550ae}.hint{color:#57606a}.outlier{background:#fff5d6}
.sev{font-weight:600;text-transform:uppercase;font-size:.8em}.msg{white-space:pre-wrap}.muted{color:#57606a}`;

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

interface Placed {
  readonly node: string;
  readonly file: string;
  readonly finding: LintedFinding;
}

const e = escapeHtml;

function findingBlock({ node, file, finding: f }: Placed, show: 'node' | 'rule'): string {
  const where = `${e(file)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
  const head = show === 'rule' ? `<span class="sev ${f.severity}">${f.severity}</span> <code>${e(f.rule)}</code> ${where}` : `<span class="sev ${f.severity}">${f.severity}</span> ${where} <span class="muted">(${e(node)})</span>`;
  const numbered = f.evidence.map((l, i) => `${String(f.range.start.line + 1 + i).padStart(6)}  ${l}`).join('\n');
  return `<li>${head}<div class="msg">${e(f.message)}</div><pre>${e(numbered)}</pre></li>`;
}

export function formatHtml(nodes: readonly NodeResult[], version: string): string {
  const fleet = summarizeFleet(nodes);
  const placed: Placed[] = nodes.flatMap((n) => n.files.flatMap((file) => file.findings.map((finding) => ({ node: n.path, file: file.path, finding }))));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const p of placed) counts[p.finding.severity]++;
  const out: string[] = [];
  out.push(
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>kube-netlint report: ${nodes.length} node${nodes.length === 1 ? '' : 's'}</title><style>${STYLE}</style></head><body>`,
    `<h1>kube-netlint report</h1><p>${nodes.length} node${nodes.length === 1 ? '' : 's'}, ${placed.length} finding${placed.length === 1 ? '' : 's'}: ` +
      `<span class="error">${counts.error} error</span>, <span class="warning">${counts.warning} warning</span>, <span class="info">${counts.info} info</span>, <span class="hint">${counts.hint} hint</span>. ` +
      `<span class="muted">kube-netlint ${e(version)}</span></p>`,
  );

  out.push('<h2 id="nodes">Nodes</h2><table><tr><th>node</th><th>findings</th><th>kernel</th><th>kube-proxy</th><th>mode</th><th>iptables</th><th>differs from the majority</th></tr>');
  fleet.nodes.forEach((n, i) => {
    const f = n.facts;
    const differs = n.outlier.map((o) => `${e(o.fact)}: ${e(o.value ?? 'not known')} (majority ${e(o.majority)}, ${o.majorityNodes} nodes)`).join('<br>');
    out.push(
      `<tr${n.outlier.length ? ' class="outlier"' : ''}><td><a href="#node-${i}">${e(n.path)}</a></td><td>${n.findings}</td>` +
        `<td>${e(f.kernel ?? '?')}</td><td>${e(f.kubeProxyVersion ?? '?')}</td><td>${e(f.kubeProxyMode ?? '?')}</td>` +
        `<td>${e([f.iptablesVersion, f.iptablesBackend].filter((x) => x !== null).join(' ') || '?')}</td><td>${differs}</td></tr>`,
    );
  });
  out.push('</table>');

  out.push('<h2 id="rules">Findings by rule</h2>');
  if (fleet.byRule.length === 0) out.push('<p>No findings.</p>');
  const byRule = new Map<string, Placed[]>();
  for (const p of placed) {
    const list = byRule.get(p.finding.rule);
    if (list) list.push(p);
    else byRule.set(p.finding.rule, [p]);
  }
  for (const r of fleet.byRule) {
    const list = byRule.get(r.rule) ?? [];
    const meta = ruleMeta(r.rule);
    const worst = list.reduce<Severity>((w, p) => (SEVERITY_ORDER[p.finding.severity] < SEVERITY_ORDER[w] ? p.finding.severity : w), 'hint');
    out.push(
      `<details><summary><span class="sev ${worst}">${worst}</span> <code>${e(r.rule)}</code> ${e(meta?.title ?? '')} ` +
        `<span class="muted">on ${r.nodes} node${r.nodes === 1 ? '' : 's'}, ${list.length} finding${list.length === 1 ? '' : 's'}</span></summary>`,
      `<p><a href="${e(list[0]?.finding.docsUrl ?? '')}">documentation</a></p><ul>${list.map((p) => findingBlock(p, 'node')).join('')}</ul></details>`,
    );
  }

  out.push('<h2 id="by-node">Findings by node</h2>');
  const byNode = new Map<string, Placed[]>();
  for (const p of placed) {
    const list = byNode.get(p.node);
    if (list) list.push(p);
    else byNode.set(p.node, [p]);
  }
  nodes.forEach((n, i) => {
    const mine = byNode.get(n.path) ?? [];
    const facts = Object.entries(n.facts)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${e(k)} <code>${e(String(v))}</code>`)
      .join(', ');
    out.push(
      `<details id="node-${i}"><summary><strong>${e(n.path)}</strong> <span class="muted">${mine.length} finding${mine.length === 1 ? '' : 's'} in ${n.files.length} file${n.files.length === 1 ? '' : 's'}</span></summary>`,
      `<p class="muted">${facts || 'no facts known'}</p><ul>${mine.map((p) => findingBlock(p, 'rule')).join('')}</ul></details>`,
    );
  });
  out.push('</body></html>\n');
  return out.join('\n');
}
