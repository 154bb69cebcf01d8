// UI test of an nftables-mode node, run by editor.ui.mjs in the same code-server workbench: kube-proxy's ruleset as
// the kernel printed it (test/fixtures/nftables/kube-proxy-ipv4.list.nft, saved as nft-node/ruleset.nft) is opened
// with Quick Open and checked as a person sees it: the status bar names the language nftables; the grammar colours
// the `jump` keyword and the table's comment string (each unlike the editor's plain text and unlike each other);
// the info squiggle of nftables/service-without-endpoints lies under the no-endpoint element's comment; Go to
// Symbol lists the chains and maps; hovering a service-ips element names its Service; F12 on a `jump` target moves
// the cursor to the chain's declaration. Screenshots: test-results/ui-nft-*.png.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineSpans } from './geometry.mjs';

const FIXTURE = join('test', 'fixtures', 'nftables', 'kube-proxy-ipv4.list.nft');
const SERVICE_CHAIN = 'service-ULMVA6XW-ns1/svc1/tcp/p80';

/** Puts the ruleset into `workspace`/nft-node and returns its lines. */
export function prepareNftablesNode(root, workspace) {
  mkdirSync(join(workspace, 'nft-node'));
  copyFileSync(join(root, FIXTURE), join(workspace, 'nft-node', 'ruleset.nft'));
  return readFileSync(join(root, FIXTURE), 'utf8').split('\n');
}

/**
 * `h`: the helpers of editor.ui.mjs (quickOpen, goToLine, until, shot, figure, since, lineGeometry, covers).
 * `lines`: the ruleset's lines (prepareNftablesNode).
 */
export async function nftablesUi(page, h, lines) {
  const lineOf = (needle) => {
    const i = lines.findIndex((l) => l.includes(needle));
    assert.ok(i >= 0, `the ruleset has ${needle}`);
    return i + 1;
  };
  // One editor group, so the ruleset is the editor the DOM queries find (the trace left a second group open).
  await page.keyboard.press('F1');
  const palette = page.locator('.quick-input-widget input');
  await palette.waitFor({ state: 'visible' });
  await palette.fill('>View: Close All Editor Groups');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Close All Editor Groups' }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .monaco-editor').waitFor({ state: 'detached', timeout: 15_000 });
  let t = performance.now();
  await h.quickOpen(page, 'nft-node/ruleset.nft', 'table ip kube-proxy');
  h.figure('ui.nft.open.ms', h.since(t));

  // 1. The language: the status bar's language mode reads nftables.
  await page.locator('.statusbar-item[id="status.editor.mode"]', { hasText: 'nftables' }).waitFor({ timeout: 15_000 });

  // 2. Colours: `jump` (a keyword) and "rules for kube-proxy" (a string) are drawn in colours of their own.
  const jumpLine = lineOf('ct state new jump firewall-check');
  await h.goToLine(page, jumpLine);
  const jump = await h.until(async () => {
    const l = await lineSpans(page, jumpLine);
    return l.spans?.some((s) => s.text.trim() === 'jump') ? l : { ok: false, ...l };
  }, `line ${jumpLine} drawn with a span for jump`, 15_000);
  const keyword = jump.spans.find((s) => s.text.trim() === 'jump');
  const commentLine = lineOf('comment "rules for kube-proxy"');
  await h.goToLine(page, commentLine);
  const comment = await h.until(async () => {
    const l = await lineSpans(page, commentLine);
    return l.spans?.some((s) => s.text.includes('rules for kube-proxy')) ? l : { ok: false, ...l };
  }, `line ${commentLine} drawn`, 15_000);
  const string = comment.spans.find((s) => s.text.includes('rules for kube-proxy'));
  assert.notEqual(keyword.color, jump.plain, `jump is coloured (${keyword.cls} ${keyword.color}), not plain ${jump.plain}`);
  assert.notEqual(string.color, comment.plain, `the comment string is coloured (${string.cls} ${string.color})`);
  assert.notEqual(keyword.color, string.color, 'keyword and string colours differ');

  // 3. Diagnostics: the info squiggle of a Service without endpoints under the element's comment.
  const noEndpoint = lineOf('tcp . 3001 comment "ns2/svc2:p80" : drop');
  t = performance.now();
  await h.goToLine(page, noEndpoint);
  await h.until(async () => {
    const g = await h.lineGeometry(page, noEndpoint, '"ns2/svc2:p80"');
    return g.tokenRect && g.squiggles.some((s) => s.cls === 'squiggly-info' && h.covers(s, g.tokenRect)) ? g : { ok: false, ...g };
  }, `an info squiggle under "ns2/svc2:p80" on line ${noEndpoint}`, 60_000);
  h.figure('ui.nft.squiggle.ms', h.since(t));
  await page.mouse.move(5, 450);
  await h.shot(page, 'nft-1-colours-squiggle');

  // 4. Outline: Go to Symbol in Editor lists the chains and maps of table kube-proxy.
  await page.keyboard.press('Control+Shift+O');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'service-ips' }).first().waitFor({ timeout: 15_000 });
  await input.fill('@mark-for-masq');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'mark-for-masquerade' }).first().waitFor({ timeout: 15_000 });
  await h.shot(page, 'nft-2-symbols');
  await page.keyboard.press('Escape');
  await input.waitFor({ state: 'hidden' });

  // 5. Hover a service-ips element: the widget names the Service it routes to.
  const element = lineOf(`goto ${SERVICE_CHAIN}`);
  await h.goToLine(page, element);
  const g = await h.until(async () => {
    const x = await h.lineGeometry(page, element, SERVICE_CHAIN);
    return x.tokenRect ? x : { ok: false, ...x };
  }, `${SERVICE_CHAIN} drawn on line ${element}`, 15_000);
  t = performance.now();
  await page.mouse.move((g.tokenRect.left + g.tokenRect.right) / 2, (g.tokenRect.top + g.tokenRect.bottom) / 2);
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'ns1/svc1' }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  h.figure('ui.nft.hover.ms', h.since(t));
  const hoverText = await hover.innerText();
  assert.match(hoverText, /service chain/);
  assert.match(hoverText, /Service ns1\/svc1 port p80 \(tcp\)/);
  await h.shot(page, 'nft-3-hover');
  await page.mouse.move(5, 450);
  await page.keyboard.press('Escape');

  // 6. F12 on a jump target: the cursor lands on the chain's name in its declaration.
  const jumpTo = lineOf('jump mark-for-masquerade');
  const declared = lineOf('chain mark-for-masquerade {');
  await h.goToLine(page, jumpTo);
  const j = await h.until(async () => {
    const x = await h.lineGeometry(page, jumpTo, 'mark-for-masquerade');
    return x.tokenRect ? x : { ok: false, ...x };
  }, `mark-for-masquerade drawn on line ${jumpTo}`, 15_000);
  await page.mouse.click((j.tokenRect.left + j.tokenRect.right) / 2, (j.tokenRect.top + j.tokenRect.bottom) / 2);
  t = performance.now();
  await page.keyboard.press('F12');
  await page.locator('.statusbar-item[id="status.editor.selection"]', { hasText: new RegExp(`^Ln ${declared}, Col \\d+`) }).waitFor({ timeout: 15_000 });
  h.figure('ui.nft.definition.ms', h.since(t));
  await page.mouse.move(5, 450);
  await h.shot(page, 'nft-4-definition');
}
