#!/usr/bin/env node
// UI test: kube-netlint driven as a person would, in code-server 4.100.3 (VS Code 1.100.3) + Debian Chromium.
//
//   node test/vscode/ui/editor.ui.mjs [--no-build] [--no-large] [--keep]
//
// A copy of examples/vxlan-63s-delay (its iptables-save.txt with --random-fully removed from the flannel
// MASQUERADE rule on line 20) is the workspace. The test opens iptables-save.txt with Quick Open, finds the info
// squiggle (a `.squiggly-info` decoration) under the MASQUERADE token of line 20, hovers the token and reads the
// hover widget, opens the quick-fix menu with Ctrl+., applies "Add --random-fully to this MASQUERADE rule",
// saves, and checks the file on disk is the original example again and the squiggle is gone. It traces a packet
// (healthy-node) and reads an nftables-mode ruleset (nftables.ui.mjs). Then it opens a
// generated 50 MB iptables-save and measures keystroke -> character on screen while the server lints it.
// Screenshots: test-results/ui-*.png.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  buildExtension,
  buildSuite,
  cleanup,
  deadline,
  ensureCodeServer,
  launchChromium,
  log,
  remote,
  RESULTS_DIR,
  ROOT,
  runDirs,
  since,
  startCodeServer,
  SUITE_OUT,
  workbenchUrl,
} from '../../../scripts/vscode/lib.mjs';
import { nftablesUi, prepareNftablesNode } from './nftables.ui.mjs';

const args = process.argv.slice(2);
const RULE = 'iptables/masquerade-without-random-fully';
const FIXED_LINE = '-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully';
const BROKEN_LINE = '-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE';
const FIX_TITLE = 'Add --random-fully to this MASQUERADE rule';
const figures = {};
const figure = (name, value) => {
  figures[name] = Math.round(value);
  log(`figure ${name} = ${Math.round(value)}`);
};
const shot = async (page, name) => {
  const path = join(RESULTS_DIR, `ui-${name}.png`);
  await page.screenshot({ path });
  log(`screenshot ${path}`);
};

/**
 * Geometry of 1-based editor line `line`: the rectangles of the view line, of `token` in it, and of every
 * squiggle drawn on it (with its severity class). Lines are matched through the line-number gutter.
 */
function lineGeometry(page, line, token) {
  return page.evaluate(
    ({ line, token }) => {
      const editor = document.querySelector('.editor-instance .monaco-editor') ?? document.querySelector('.monaco-editor');
      if (!editor) return { error: 'no editor' };
      const number = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find((e) => e.textContent.trim() === String(line));
      if (!number) return { error: `line ${line} not rendered` };
      const y = number.getBoundingClientRect().top;
      const viewLine = [...editor.querySelectorAll('.view-lines .view-line')].find((e) => Math.abs(e.getBoundingClientRect().top - y) < 2);
      if (!viewLine) return { error: `no view line at y=${y}` };
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
    { line, token },
  );
}

const covers = (s, t) => s.left <= t.left + 1 && s.right >= t.right - 1;

async function quickOpen(page, name, expectText, large = false) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  // Wait for the search result itself (recently opened files are listed first while it searches).
  const folder = name.split('/')[0];
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: folder }).waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  if (large) {
    // VS Code in a browser asks before opening files over 10 MB (workbench.editorLargeFileConfirmation).
    const openAnyway = page.getByRole('button', { name: 'Open Anyway' });
    await openAnyway.waitFor({ timeout: 60_000 });
    await page.mouse.move(5, 450);
    await shot(page, '5-large-confirmation');
    await openAnyway.click();
  }
  await page.locator('.editor-instance .view-lines', { hasText: expectText }).first().waitFor({ timeout: 120_000 });
}

async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Polls (no fixed sleep) until `fn` returns a truthy value; rejects after `ms` with the last value. */
async function until(fn, what, ms = 30_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    last = await fn();
    if (last && !last.error && last.ok !== false) return last;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Clicks the Service lens on healthy-node's kube-dns rule and screenshots the tree, the marks and the picture. */
async function traceUi(page) {
  await quickOpen(page, 'healthy-node/iptables-save.txt', '# Generated by iptables-save');
  await goToLine(page, 52);
  const lens = page.locator('.codelens-decoration').getByText('Trace a packet to this Service (udp 10.96.0.10:53').first();
  await lens.waitFor({ state: 'visible', timeout: 30_000 });
  let t = performance.now();
  await lens.click();
  const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Packet trace' }) });
  await tree.locator('.monaco-list-row', { hasText: 'path 1: 50%' }).waitFor({ timeout: 30_000 });
  // The step marks are `after` decorations: their text is in the editor's DOM as a class-based ::after.
  const marked = await until(
    () => page.evaluate(() => [...document.querySelectorAll('.editor-instance .view-line span[class*="ced-"]')].length > 0 || { ok: false }),
    'step marks drawn in the editor',
    15_000,
  );
  assert.ok(marked);
  figure('ui.trace.lensToTree.ms', since(t));
  await page.mouse.move(5, 450);
  await shot(page, 'trace-1-tree');

  t = performance.now();
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>kube-netlint: Show the packet trace as a picture');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Show the packet trace as a picture' }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  const picture = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await picture.locator('section.path', { hasText: 'path 2 of 2' }).waitFor({ timeout: 30_000 });
  const text = await picture.locator('body').innerText();
  assert.match(text, /udp 10\.244\.0\.2:40000 -> 10\.96\.0\.10:53 from pod/);
  assert.match(text, /DNAT 10\.244\.1\.7:53/);
  assert.match(text, /DNAT 10\.244\.2\.4:53/);
  figure('ui.trace.picture.ms', since(t));
  // The picture alone, full width (both paths side by side): maximize its editor group.
  const command = async (title) => {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  };
  await command('View: Toggle Maximize Editor Group');
  await until(async () => {
    const boxes = await picture.locator('section.path').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    return boxes.length === 2 && Math.abs(boxes[0] - boxes[1]) < 2;
  }, 'both paths side by side', 15_000);
  await page.mouse.move(5, 890);
  await shot(page, 'trace-2-picture');
  await command('View: Toggle Maximize Editor Group');
}

async function main() {
  const t0 = performance.now();
  ensureCodeServer();
  if (!args.includes('--no-build')) buildExtension();
  await buildSuite();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const dirs = runDirs('ui');
  const node = join(dirs.workspace, 'vxlan-63s-delay');
  cpSync(join(ROOT, 'examples', 'vxlan-63s-delay'), node, { recursive: true });
  const file = join(node, 'iptables-save.txt');
  const original = readFileSync(file, 'utf8');
  const lines = original.split('\n');
  const lineNo = lines.indexOf(FIXED_LINE) + 1;
  assert.equal(lineNo, 20, 'the flannel MASQUERADE rule is line 20 of the example');
  writeFileSync(file, original.replace(`${FIXED_LINE}\n`, `${BROKEN_LINE}\n`));
  // A second node with a two-endpoint Service: the packet trace's picture shows its branches.
  cpSync(join(ROOT, 'examples', 'healthy-node'), join(dirs.workspace, 'healthy-node'), { recursive: true });
  // An nftables-mode node (nftables.ui.mjs): kube-proxy's ruleset as the kernel printed it.
  const nftLines = prepareNftablesNode(ROOT, dirs.workspace);
  const large = !args.includes('--no-large');
  if (large) {
    const { generateLargeSave } = createRequire(import.meta.url)(join(SUITE_OUT, 'largeDump.js'));
    mkdirSync(join(dirs.workspace, 'big-node'));
    writeFileSync(join(dirs.workspace, 'big-node', 'iptables-save.txt'), generateLargeSave(50_000_000).text);
  }

  const server = await startCodeServer(dirs);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => log(`[page error] ${e.message}`));
  try {
    const payload = [['extensionDevelopmentPath', remote(server, ROOT)], ['skipWelcome', 'true']];
    await page.goto(workbenchUrl(server, dirs.workspace, payload));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'vxlan-63s-delay' }).waitFor({ timeout: 60_000 });
    figure('ui.workbench.ms', since(t0));

    // 1. Open the dump; the squiggle appears under MASQUERADE on line 20; the status bar shows the server.
    let t = performance.now();
    await quickOpen(page, 'vxlan-63s-delay/iptables-save.txt', '# Generated by iptables-save');
    await goToLine(page, lineNo);
    // The Service lenses (packet trace) are drawn above lines 14/15 and 31/33 once resolved and move the lines
    // down: wait for them before measuring where the token is.
    await page.locator('.codelens-decoration').getByText('Trace a packet to this Service').first().waitFor({ timeout: 30_000 });
    const before = await until(async () => {
      const g = await lineGeometry(page, lineNo, 'MASQUERADE');
      return g.tokenRect && g.squiggles.some((s) => s.cls === 'squiggly-info' && covers(s, g.tokenRect)) ? g : { ok: false, ...g };
    }, 'an info squiggle under MASQUERADE on line 20', 60_000);
    figure('ui.openToSquiggle.ms', since(t));
    assert.equal(before.text, BROKEN_LINE);
    const status = page.locator('.statusbar-item', { hasText: 'kube-netlint' });
    await status.locator('.codicon-check').waitFor({ timeout: 30_000 });
    await page.mouse.move(5, 450);
    await shot(page, '1-squiggle');

    // 2. Hover the token: the widget shows the finding (rule, docs summary) and what MASQUERADE is.
    const tr = before.tokenRect;
    t = performance.now();
    await page.mouse.move((tr.left + tr.right) / 2, (tr.top + tr.bottom) / 2);
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content', { hasText: RULE }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.monaco-hover:not(.hidden)', { hasText: 'target MASQUERADE' }).first().waitFor({ timeout: 15_000 });
    figure('ui.hover.ms', since(t));
    const hoverText = await page.locator('.monaco-hover:not(.hidden)').first().innerText();
    assert.match(hoverText, /masquerade-without-random-fully/);
    assert.match(hoverText, /MASQUERADE\/SNAT without --random-fully/);
    assert.match(hoverText, /target MASQUERADE/);
    // The hover cites the node's other files by their path in the node folder, never the workspace's absolute path.
    assert.match(hoverText, /ethtool-k-flannel\.1\.txt/);
    assert.ok(!hoverText.includes(dirs.workspace), `the hover shows the absolute path ${dirs.workspace}`);
    // The widget fades in: the picture (the README's hero) is taken once it is opaque and no animation runs.
    await page.waitForFunction(() => {
      const widget = document.querySelector('.monaco-hover:not(.hidden)');
      return widget !== null && getComputedStyle(widget).opacity === '1' && widget.getAnimations({ subtree: true }).every((a) => a.playState !== 'running');
    }, undefined, { timeout: 5_000 });
    await shot(page, '2-hover');

    // 3. Ctrl+. on the token: the quick-fix menu lists the fix; apply it.
    await page.mouse.click((tr.left + tr.right) / 2, (tr.top + tr.bottom) / 2);
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 450);
    t = performance.now();
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget');
    const item = menu.locator('.action-list-item, .monaco-list-row', { hasText: FIX_TITLE }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    figure('ui.quickFixMenu.ms', since(t));
    const menuText = await menu.innerText();
    assert.match(menuText, new RegExp(`Disable ${RULE} for this line`));
    await shot(page, '3-quickfix');
    // The menu's pointer block swallows synthetic clicks: choose with the keyboard, as people do.
    for (let i = 0; i < 10 && (await menu.locator('.monaco-list-row.focused').getAttribute('aria-label')) !== FIX_TITLE; i++) {
      await page.keyboard.press('ArrowDown');
    }
    assert.equal(await menu.locator('.monaco-list-row.focused').getAttribute('aria-label'), FIX_TITLE);
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });

    // 4. The line now ends with --random-fully, the squiggle under MASQUERADE is gone, the saved file is the example.
    const after = await until(async () => {
      const g = await lineGeometry(page, lineNo, 'MASQUERADE');
      return g.text === FIXED_LINE && g.tokenRect && !g.squiggles.some((s) => covers(s, g.tokenRect)) ? g : { ok: false, ...g };
    }, 'fixed line without a squiggle under MASQUERADE', 30_000);
    assert.equal(after.text, FIXED_LINE);
    await page.keyboard.press('Control+S');
    await until(() => readFileSync(file, 'utf8') === original, 'the saved file to equal the original example', 15_000);
    await page.mouse.move(5, 450);
    await shot(page, '4-after-fix');

    // 4b. Packet trace: the lens above kube-dns's KUBE-SERVICES rule traces a packet from a pod; the tree view
    // lists the steps, the rules carry their step numbers; the picture webview draws both branches.
    await traceUi(page);

    // 4c. nftables: language, colours, squiggle, symbols, a hover naming the Service, F12 on a jump target.
    await nftablesUi(page, { quickOpen, goToLine, until, shot, figure, since, lineGeometry, covers }, nftLines);

    // 5. 50 MB dump: keystroke -> character on screen while the language server parses and lints it.
    if (large) {
      t = performance.now();
      await quickOpen(page, 'big-node/iptables-save.txt', '# Generated by iptables-save v1.8.7', true);
      figure('ui.large.open.ms', since(t));
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('End');
      const latencies = [];
      let typed = '';
      for (let i = 0; i < 10; i++) {
        typed += String(i);
        const k0 = performance.now();
        await page.keyboard.type(String(i));
        await page.waitForFunction(
          (suffix) => {
            const first = document.querySelector('.editor-instance .view-lines .view-line');
            return first?.textContent.replace(/\u00a0/g, ' ').endsWith(suffix);
          },
          typed,
          { polling: 'raf', timeout: 10_000 },
        );
        latencies.push(performance.now() - k0);
      }
      figure('ui.large.keystroke.max.ms', Math.max(...latencies));
      figure('ui.large.keystroke.median.ms', [...latencies].sort((a, b) => a - b)[5]);
      await shot(page, '6-large-typing');
      assert.ok(Math.max(...latencies) < 1000, `keystroke latencies ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
    }
    figure('ui.total.ms', since(t0));
    writeFileSync(join(RESULTS_DIR, 'ui-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    if (!args.includes('--keep')) rmSync(dirs.base, { recursive: true, force: true });
  } catch (e) {
    await shot(page, 'failure').catch(() => undefined);
    log(`run directory kept: ${dirs.base}`);
    throw e;
  }
}

const limit = deadline(Number(process.env.KN_TIMEOUT_MS ?? 8 * 60_000), 'the UI test');
let code = 0;
try {
  await Promise.race([main(), limit]);
  log('UI test passed');
} catch (e) {
  log(`UI test FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  code = 1;
} finally {
  limit.cancel();
  await cleanup();
}
process.exit(code);
