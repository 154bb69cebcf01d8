// What an editor line looks like on screen, for the UI tests (editor.ui.mjs, nftables.ui.mjs): read from the DOM of
// the code-server workbench in one page.evaluate, so the line cannot be redrawn between finding it and measuring it.

/**
 * Editor line `line` (1-based, matched through the line-number gutter) as drawn, or `{ error }` while it is not:
 * - with `token`: `{ text, tokenRect, squiggles }`, the line's text, the rectangle of the first `token` in it and
 *   every squiggle drawn on it (severity class, left, right);
 * - with `spans`: `{ spans, plain }`, its spans (text, class, computed colour) and the editor's plain colour.
 */
function readLine(page, line, { token, spans = false }) {
  return page.evaluate(
    ({ line, token, spans }) => {
      const editor = document.querySelector('.editor-instance .monaco-editor') ?? document.querySelector('.monaco-editor');
      if (!editor) return { error: 'no editor' };
      const number = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find((e) => e.textContent.trim() === String(line));
      if (!number) return { error: `line ${line} not rendered` };
      const y = number.getBoundingClientRect().top;
      const viewLine = [...editor.querySelectorAll('.view-lines .view-line')].find((e) => Math.abs(e.getBoundingClientRect().top - y) < 2);
      if (!viewLine) return { error: `no view line at y=${y}` };
      if (spans) {
        const drawn = [...viewLine.querySelectorAll('span > span')].map((s) => ({ text: s.textContent.replace(/\u00a0/g, ' '), cls: s.className, color: getComputedStyle(s).color }));
        return { spans: drawn, plain: getComputedStyle(editor.querySelector('.view-lines')).color };
      }
      const text = viewLine.textContent.replace(/\u00a0/g, ' ');
      let tokenRect;
      const walker = document.createTreeWalker(viewLine, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.textContent.indexOf(token);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + token.length);
        const r = range.getBoundingClientRect();
        tokenRect = { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        break;
      }
      const lineRect = viewLine.getBoundingClientRect();
      const squiggles = [...editor.querySelectorAll('.view-overlays [class*="squiggly-"]')]
        .map((e) => ({ cls: [...e.classList].find((c) => c.startsWith('squiggly-')), r: e.getBoundingClientRect() }))
        .filter((s) => s.r.top >= lineRect.top - 1 && s.r.top < lineRect.bottom - 1)
        .map((s) => ({ cls: s.cls, left: s.r.left, right: s.r.right }));
      return { text, tokenRect, squiggles };
    },
    { line, token, spans },
  );
}

/**
 * Geometry of 1-based editor line `line`: its text, the rectangle of `token` in it, and every squiggle drawn on it
 * (with its severity class).
 */
export const lineGeometry = (page, line, token) => readLine(page, line, { token });

/** The spans of 1-based editor line `line` as drawn: text, class and computed colour; and the editor's plain colour. */
export const lineSpans = (page, line) => readLine(page, line, { spans: true });
