import { natText, packetLine, percent, baseName, type EditorTracePath, type EditorTraceResult, type EditorTraceStep } from './model';

/**
 * The trace as a picture: an HTML page for a webview, each path drawn as a flow (hook → chain →
 * rule → NAT → verdict), paths side by side with their probabilities, assumptions flagged.
 *
 * Everything in it comes from a stranger's dump (chain names, comments, file names), so: every
 * text is escaped (`esc`), nothing of the dump goes into an attribute other than escaped text or
 * numbers, no remote or local resources are loaded (works offline), and the Content-Security-
 * Policy allows only this page's own style and script, by nonce. The one script posts the path
 * and step number of a clicked step (numbers only) so the editor can reveal its line.
 */

export interface PictureOptions {
  /** A fresh random nonce per rendering (base64 or hex). */
  readonly nonce: string;
  /** A title line above the picture (the node's folder). */
  readonly title?: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text for HTML content or a quoted attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

const NONCE = /^[A-Za-z0-9+/=_-]{16,128}$/;

const STYLE = `
body { font-family: var(--vscode-font-family, sans-serif); font-size: 13px; color: var(--vscode-foreground, #222); background: var(--vscode-editor-background, #fff); margin: 12px; }
h1 { font-size: 15px; margin: 0 0 4px; }
.meta { opacity: .8; margin-bottom: 10px; }
.verdict-ACCEPT { color: #2e7d32; } .verdict-DROP, .verdict-REJECT { color: #c62828; }
.shares { display: flex; height: 10px; width: 100%; max-width: 640px; margin: 6px 0 12px; border-radius: 3px; overflow: hidden; }
.share { height: 100%; } .share.ACCEPT { background: #43a047; } .share.DROP, .share.REJECT { background: #e53935; }
.share + .share { border-left: 2px solid var(--vscode-editor-background, #fff); }
.paths { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.path { border: 1px solid var(--vscode-panel-border, #bbb); border-radius: 6px; padding: 8px; min-width: 240px; max-width: 420px; }
.path h2 { font-size: 13px; margin: 0 0 6px; }
.hook { font-weight: bold; letter-spacing: .04em; margin: 8px 0 2px; color: var(--vscode-textLink-foreground, #0b61a4); }
.chain { border-left: 3px solid var(--vscode-textLink-foreground, #0b61a4); padding: 2px 0 2px 6px; margin: 2px 0; }
.chain-name { font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; opacity: .85; }
.step { font-family: var(--vscode-editor-font-family, monospace); font-size: 12px; padding: 2px 4px; margin: 1px 0; border-radius: 3px; cursor: pointer; overflow-wrap: anywhere; }
.step:hover { background: var(--vscode-list-hoverBackground, #eee); }
.step.decision { cursor: default; font-style: italic; opacity: .85; }
.n { display: inline-block; min-width: 2.2em; opacity: .7; }
.where { opacity: .6; margin-left: 4px; }
.nat { border: 1px dashed #8e24aa; color: #8e24aa; border-radius: 4px; padding: 2px 6px; margin: 6px 0 0; display: inline-block; }
.arrow { text-align: center; opacity: .6; line-height: 1; }
.end { font-weight: bold; border-radius: 4px; padding: 3px 8px; margin-top: 6px; display: inline-block; border: 2px solid currentColor; }
.assumed { color: #b26a00; }
.flag::before { content: "\\26A0\\FE0E  "; }
ul.assumptions { margin: 4px 0 0 18px; padding: 0; }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const el = e.target instanceof Element ? e.target.closest('[data-step]') : null;
  if (el) vscode.postMessage({ path: Number(el.getAttribute('data-path')), step: Number(el.getAttribute('data-step')) });
});
`;

const NAT_ACTION = /^(?:DNAT|SNAT|MASQUERADE|REDIRECT|IPVS →|dnat|snat|masquerade|redirect)/;

function stepHtml(s: EditorTraceStep, path: number, n: number): string {
  const where = s.file !== null && s.line !== null ? `<span class="where">${esc(baseName(s.file))}:${s.line}</span>` : '';
  const assumed = s.assumptions.length > 0;
  const cls = ['step', s.uri === null ? 'decision' : '', assumed ? 'assumed' : ''].filter(Boolean).join(' ');
  const click = s.uri !== null ? ` data-path="${path}" data-step="${n}"` : '';
  const title = assumed ? ` title="${esc(s.assumptions.map((a) => `assumed: ${a}`).join('\n'))}"` : '';
  const flag = assumed ? '<span class="flag"></span>' : '';
  const nat = NAT_ACTION.test(s.action) ? `<div class="nat">${esc(s.action)}</div>` : '';
  return `<div class="${cls}"${click}${title}>${flag}<span class="n">#${n}</span>${esc(s.action)}${where}${nat}</div>`;
}

function pathHtml(p: EditorTracePath, i: number, total: number): string {
  const parts: string[] = [];
  let hook: string | null | undefined;
  let chain: string | undefined;
  const closeChain = (): void => {
    if (chain !== undefined) parts.push('</div>');
    chain = undefined;
  };
  p.steps.forEach((s, k) => {
    const h = s.hook ?? 'before the hooks';
    if (h !== hook) {
      closeChain();
      if (hook !== undefined) parts.push('<div class="arrow">↓</div>');
      parts.push(`<div class="hook">${esc(h)}</div>`);
      hook = h;
    }
    const key = s.table !== null && s.chain !== null ? `${s.table} ${s.chain}` : undefined;
    if (key !== chain) {
      closeChain();
      if (key !== undefined) {
        parts.push(`<div class="chain"><div class="chain-name">${esc(key)}</div>`);
        chain = key;
      }
    }
    parts.push(stepHtml(s, i, k + 1));
  });
  closeChain();
  const nat = natText(p);
  const assumptions = p.assumptions.length
    ? `<div class="assumed flag">assumed on this path:</div><ul class="assumptions assumed">${p.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`
    : '';
  return `<section class="path" aria-label="path ${i + 1}">
<h2>path ${i + 1} of ${total} · ${esc(percent(p.probability))} · <span class="verdict-${esc(p.verdict)}">${esc(p.verdict)}</span></h2>
${parts.join('\n')}
<div class="arrow">↓</div>
${nat ? `<div class="nat">${esc(nat)}</div><div class="arrow">↓</div>` : ''}<div class="end verdict-${esc(p.verdict)}">${esc(p.verdict)}</div>
${assumptions}
</section>`;
}

/** The whole page. Throws only on a malformed nonce (a programming error, never the dump's content). */
export function tracePictureHtml(r: EditorTraceResult, options: PictureOptions): string {
  if (!NONCE.test(options.nonce)) throw new Error('tracePictureHtml: the nonce must be 16-128 base64/hex characters');
  const nonce = options.nonce;
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'none'; font-src 'none'; connect-src 'none'; frame-src 'none'; form-action 'none'`;
  const shares = r.paths.map((p) => `<div class="share ${esc(p.verdict)}" title="${esc(`${percent(p.probability)} ${esc(p.verdict)}`)}"></div>`);
  const widths = r.paths.map((p, i) => `.shares > .share:nth-child(${i + 1}) { width: ${Math.max(0.5, Math.round(p.probability * 1000) / 10)}%; }`).join('\n');
  const top = r.assumptions.length
    ? `<div class="assumed flag">assumed for the whole trace:</div><ul class="assumptions assumed">${r.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Packet trace</title>
<style nonce="${nonce}">${STYLE}
${widths}</style>
</head>
<body>
<h1>${esc(packetLine(r))} → <span class="verdict-${esc(r.verdict)}">${esc(r.verdict)}</span>${r.pathsDiffer ? ' (paths differ)' : ''}</h1>
<div class="meta">${options.title ? `${esc(options.title)} · ` : ''}${r.paths.length} path${r.paths.length === 1 ? '' : 's'} · in ${esc(r.packet.in ?? 'none')} · mark ${esc(r.packet.mark)} · ${esc(r.packet.ctstate)}</div>
<div class="shares" aria-label="branch probabilities">${shares.join('')}</div>
<div class="paths">
${r.paths.map((p, i) => pathHtml(p, i, r.paths.length)).join('\n')}
</div>
${top}
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}
