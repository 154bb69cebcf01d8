import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Neovim's built-in LSP client (Debian `neovim`, 0.7.2) on an nftables-mode node: kube-proxy's
 * ruleset as the kernel printed it (test/fixtures/nftables/kube-proxy-ipv4.list.nft, saved as
 * `ruleset.nft` in a folder of its own), opened with filetype nftables against the shipped
 * dist/server.js over stdio. test/nvim/nftables.lua does the editor side and writes what it got.
 */
const ROOT = join(__dirname, '..', '..');
const SERVER_JS = join(ROOT, 'dist', 'server.js');
const SCRIPT = join(ROOT, 'test', 'nvim', 'nftables.lua');
const RULE = 'nftables/service-without-endpoints';

const XDG = mkdtempSync(join(tmpdir(), 'kube-netlint-nvim-nft-xdg-'));
process.on('exit', () => rmSync(XDG, { recursive: true, force: true }));
const XDG_ENV = { XDG_CACHE_HOME: join(XDG, 'cache'), XDG_STATE_HOME: join(XDG, 'state'), XDG_DATA_HOME: join(XDG, 'data'), XDG_CONFIG_HOME: join(XDG, 'config') };

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8', env: { ...process.env, ...XDG_ENV } });
const nvimVersion = nvim.error ? undefined : nvim.stdout.split('\n')[0];
const skip = nvimVersion ? false : 'nvim is not installed (apt-get install -y neovim): Neovim LSP client test skipped';

interface Result {
  error?: string;
  log: string[];
  diagnostics?: { code?: string; severity: number; lnum: number; col: number; end_lnum: number; end_col: number; source?: string; message: string }[];
  hover?: string | null;
  /** Location, Location[] or LocationLink[]. */
  definition?: Definition | Definition[] | null;
}
interface Definition {
  uri?: string;
  targetUri?: string;
  range?: LspRange;
  targetSelectionRange?: LspRange;
}
interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

describe(`Neovim LSP client (${nvimVersion ?? 'not installed'}) on an nftables ruleset`, { skip }, () => {
  it('publishes the node findings, hovers a Service chain and goes from a jump to its chain', () => {
    assert.ok(existsSync(SERVER_JS), 'run `npm run build` first: the test talks to the bundle users get');
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'nftables', 'kube-proxy-ipv4.list.nft'), 'utf8');
    const lines = text.split('\n');
    const at = (needle: string, offset: number): { line: number; character: number } => {
      const line = lines.findIndex((l) => l.includes(needle));
      assert.ok(line >= 0, needle);
      return { line, character: lines[line]!.indexOf(needle) + offset };
    };
    const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-nvim-nft-'));
    try {
      const file = join(dir, 'ruleset.nft');
      writeFileSync(file, text);
      const out = join(dir, 'result.json');
      const hoverAt = at('goto service-ULMVA6XW-ns1/svc1/tcp/p80', 12);
      const defineAt = at('jump mark-for-masquerade', 'jump '.length + 3);
      const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-u', 'NONE', '-c', `luafile ${SCRIPT}`], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, ...XDG_ENV, KN_SERVER: SERVER_JS, KN_FILE: file, KN_OUT: out, KN_RULE: RULE, KN_HOVER: `${hoverAt.line}:${hoverAt.character}`, KN_DEFINE: `${defineAt.line}:${defineAt.character}` },
      });
      assert.ok(existsSync(out), `nvim wrote no results (status ${r.status ?? r.signal}; stderr: ${r.stderr}; stdout: ${r.stdout})`);
      const result = JSON.parse(readFileSync(out, 'utf8')) as Result;
      assert.equal(result.error, undefined, `nvim script failed: ${result.error}\nserver log:\n${result.log.join('\n')}`);

      const ours = (result.diagnostics ?? []).filter((d) => d.code === RULE);
      // On the element's comment, which names the Service.
      const nodePort = at('"ns2/svc2:p80" : drop', 0);
      const service = at('"ns6/svc6:p80" : goto reject-chain', 0);
      assert.deepEqual(ours.map((d) => [d.lnum, d.col]).sort((a, b) => a[0]! - b[0]!), [[nodePort.line, nodePort.character], [service.line, service.character]], JSON.stringify(result.diagnostics));
      assert.ok(ours.every((d) => d.severity === 3 && d.source === 'kube-netlint'), 'info (vim.diagnostic.severity.INFO = 3) from kube-netlint');
      assert.match(ours.find((d) => d.lnum === nodePort.line)!.message, /Service ns2\/svc2:p80 has no ready endpoint/);

      assert.ok(result.hover, 'hover answered');
      assert.match(result.hover, /kube-proxy \*\*service chain\*\* of Service `ns1\/svc1` port `p80` \(tcp\)/);

      const defs = Array.isArray(result.definition) ? result.definition : result.definition ? [result.definition] : [];
      assert.equal(defs.length, 1, JSON.stringify(result.definition));
      const range = defs[0]!.targetSelectionRange ?? defs[0]!.range!;
      const decl = at('chain mark-for-masquerade {', 'chain '.length);
      assert.deepEqual(range, { start: decl, end: { line: decl.line, character: decl.character + 'mark-for-masquerade'.length } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
