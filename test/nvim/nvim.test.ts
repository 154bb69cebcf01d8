import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Neovim's built-in LSP client (Debian `neovim`, 0.7.2) talking to the shipped dist/server.js over
 * stdio: a second, unrelated client, so the server is proven to speak LSP and not "VS Code".
 * test/nvim/lsp.lua does the editor side and writes what it got as JSON; this file asserts on it.
 */
const ROOT = join(__dirname, '..', '..');
const SERVER_JS = join(ROOT, 'dist', 'server.js');
const SCRIPT = join(ROOT, 'test', 'nvim', 'lsp.lua');
const RULE = 'iptables/masquerade-without-random-fully';
const FIXED_LINE = '-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully';
const BROKEN_LINE = '-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE';

/** Neovim's log, state and shada directories: a temporary directory, not $HOME. */
const XDG = mkdtempSync(join(tmpdir(), 'kube-netlint-nvim-xdg-'));
process.on('exit', () => rmSync(XDG, { recursive: true, force: true }));
const XDG_ENV = {
  XDG_CACHE_HOME: join(XDG, 'cache'),
  XDG_STATE_HOME: join(XDG, 'state'),
  XDG_DATA_HOME: join(XDG, 'data'),
  XDG_CONFIG_HOME: join(XDG, 'config'),
};

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8', env: { ...process.env, ...XDG_ENV } });
const nvimVersion = nvim.error ? undefined : nvim.stdout.split('\n')[0];
const skip = nvimVersion ? false : 'nvim is not installed (apt-get install -y neovim): Neovim LSP client test skipped';

interface NvimDiagnostic {
  code?: string;
  severity: number;
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  source?: string;
  message: string;
}

interface NvimResult {
  scenario: string;
  error?: string;
  log: string[];
  server?: { hoverProvider?: boolean; codeActionProvider?: boolean };
  diagnostics?: NvimDiagnostic[];
  hover?: string | null;
  actions?: string[];
  fixedLine?: string;
  afterFix?: NvimDiagnostic[];
}

/** A copy of the vxlan-63s-delay node whose flannel MASQUERADE rule lacks --random-fully. */
function brokenNode(): { dir: string; file: string; original: string; line: number } {
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-nvim-'));
  cpSync(join(ROOT, 'examples', 'vxlan-63s-delay'), dir, { recursive: true });
  const file = join(dir, 'iptables-save.txt');
  const original = readFileSync(file, 'utf8');
  const line = original.split('\n').indexOf(FIXED_LINE);
  assert.ok(line >= 0, 'example has the flannel MASQUERADE rule');
  writeFileSync(file, original.replace(`${FIXED_LINE}\n`, `${BROKEN_LINE}\n`));
  return { dir, file, original, line };
}

function runNvim(scenario: 'default' | 'push' | 'init', file: string): NvimResult {
  const out = join(mkdtempSync(join(tmpdir(), 'kube-netlint-nvim-out-')), 'result.json');
  try {
    const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-u', 'NONE', '-c', `luafile ${SCRIPT}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...process.env,
        ...XDG_ENV,
        KN_SERVER: SERVER_JS,
        KN_FILE: file,
        KN_OUT: out,
        KN_SCENARIO: scenario,
        KN_RULE: RULE,
      },
    });
    assert.ok(existsSync(out), `nvim wrote no results (status ${r.status ?? r.signal}; stderr: ${r.stderr}; stdout: ${r.stdout})`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as NvimResult;
    assert.equal(result.error, undefined, `nvim script failed: ${result.error}\nserver log:\n${result.log.join('\n')}`);
    return result;
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
}

describe(`Neovim LSP client (${nvimVersion ?? 'not installed'}) against dist/server.js --stdio`, { skip }, () => {
  it('publishes the diagnostic, answers hover and code actions; the quick fix edits the buffer', () => {
    assert.ok(existsSync(SERVER_JS), 'run `npm run build` first: the test talks to the bundle users get');
    const node = brokenNode();
    try {
      const r = runNvim('default', node.file);
      assert.deepEqual(r.server, { hoverProvider: true, codeActionProvider: true });
      const ours = (r.diagnostics ?? []).filter((d) => d.code === RULE);
      assert.equal(ours.length, 1, JSON.stringify(r.diagnostics));
      const d = ours[0]!;
      const col = BROKEN_LINE.indexOf('MASQUERADE');
      assert.deepEqual([d.lnum, d.col, d.end_lnum, d.end_col], [node.line, col, node.line, col + 'MASQUERADE'.length]);
      assert.equal(d.severity, 3, 'info (vim.diagnostic.severity.INFO = 3)');
      assert.equal(d.source, 'kube-netlint');
      assert.match(d.message, /without --random-fully/);

      assert.ok(r.hover, 'hover answered');
      assert.match(r.hover, new RegExp(`\\*\\*${RULE}\\*\\*`));
      assert.match(r.hover, /target `MASQUERADE`/);

      assert.deepEqual(r.actions, ['Add --random-fully to this MASQUERADE rule', `Disable ${RULE} for this line`, `Show documentation for ${RULE}`]);
      assert.equal(r.fixedLine, FIXED_LINE);
      assert.deepEqual((r.afterFix ?? []).filter((x) => x.code === RULE), [], 'finding gone after the fix');
    } finally {
      rmSync(node.dir, { recursive: true, force: true });
    }
  });

  it('applies kubeNetlint.rules sent with workspace/didChangeConfiguration (as nvim-lspconfig sends settings)', () => {
    const node = brokenNode();
    try {
      const r = runNvim('push', node.file);
      const d = (r.diagnostics ?? []).find((x) => x.code === RULE);
      assert.equal(d?.severity, 2, `warning from the client's kubeNetlint.rules setting: ${JSON.stringify(d)}`);
    } finally {
      rmSync(node.dir, { recursive: true, force: true });
    }
  });

  it('honours settings given only in initializationOptions (README "Other editors")', () => {
    const node = brokenNode();
    try {
      const r = runNvim('init', node.file);
      const d = (r.diagnostics ?? []).find((x) => x.code === RULE);
      assert.equal(d?.severity, 2, `warning from initializationOptions.settings.rules: ${JSON.stringify(d)}`);
    } finally {
      rmSync(node.dir, { recursive: true, force: true });
    }
  });
});
