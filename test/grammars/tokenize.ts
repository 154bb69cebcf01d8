// Loads the TextMate grammars of syntaxes/ through vscode-textmate + the oniguruma wasm (the same
// engine VS Code uses) and tokenizes lines. Shared by the grammar tests and the benchmark.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar } from 'vscode-textmate';
import type { IGrammar, IOnigLib, IRawGrammar, StateStack } from 'vscode-textmate';

export const REPO_ROOT = join(__dirname, '..', '..');
export const SYNTAXES = join(REPO_ROOT, 'syntaxes');

/** The five dump languages: VS Code language id -> TextMate scope name. */
export const LANGUAGES = {
  iptables: 'source.iptables',
  nftables: 'source.nftables',
  ipvsadm: 'source.ipvsadm',
  conntrack: 'source.conntrack',
  sysctl: 'source.sysctl',
  ethtool: 'source.ethtool',
  'ip-link': 'source.ip-link',
  'ip-addr': 'source.ip-addr',
  'ip-route': 'source.ip-route',
  'ip-rule': 'source.ip-rule',
  'bridge-link': 'source.bridge-link',
} as const;
export type LanguageId = keyof typeof LANGUAGES;

/** syntaxes/<id>.tmLanguage.json for a scope name `source.<id>`. */
export function grammarPath(scopeName: string): string {
  const id = scopeName.replace(/^source\./, '');
  return join(SYNTAXES, `${id}.tmLanguage.json`);
}

let onigLib: Promise<IOnigLib> | undefined;
function loadOnig(): Promise<IOnigLib> {
  if (!onigLib) {
    const wasmPath = join(REPO_ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm');
    const wasm = readFileSync(wasmPath);
    const data = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength);
    onigLib = oniguruma.loadWASM(data).then(() => ({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }));
  }
  return onigLib;
}

let registry: Registry | undefined;
const grammars = new Map<string, Promise<IGrammar>>();

/** Loads (once) the grammar for `scopeName` from syntaxes/; rejects if it does not exist. */
export function loadGrammar(scopeName: string): Promise<IGrammar> {
  registry ??= new Registry({
    onigLib: loadOnig(),
    loadGrammar: async (name: string): Promise<IRawGrammar | null> => {
      const path = grammarPath(name);
      return parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  const reg = registry;
  let g = grammars.get(scopeName);
  if (!g) {
    g = reg.loadGrammar(scopeName).then((grammar) => {
      if (!grammar) throw new Error(`grammar ${scopeName} not found`);
      return grammar;
    });
    grammars.set(scopeName, g);
  }
  return g;
}

export interface Token {
  /** The token text. */
  readonly text: string;
  /** UTF-16 column range [start, end) in its line. */
  readonly start: number;
  readonly end: number;
  /** Scopes from the root (`source.x`) to the innermost. */
  readonly scopes: readonly string[];
}

export interface TokenizedLine {
  readonly text: string;
  readonly tokens: readonly Token[];
  /** Wall time spent in `tokenizeLine` for this line, milliseconds. */
  readonly ms: number;
  /** vscode-textmate gave up because the time limit passed. */
  readonly stoppedEarly: boolean;
}

export interface TokenizeOptions {
  /** Per-line limit handed to vscode-textmate (0 = none, the default). */
  readonly timeLimitMs?: number;
}

/**
 * Tokenizes lines in order, carrying the rule stack from line to line as an editor does. Lines
 * must not contain line breaks (split with `splitLines`).
 */
export function tokenizeLines(grammar: IGrammar, lines: Iterable<string>, options: TokenizeOptions = {}): TokenizedLine[] {
  const out: TokenizedLine[] = [];
  let state: StateStack = INITIAL;
  for (const text of lines) {
    const t0 = performance.now();
    const r = grammar.tokenizeLine(text, state, options.timeLimitMs ?? 0);
    const ms = performance.now() - t0;
    state = r.ruleStack;
    const tokens: Token[] = [];
    for (const t of r.tokens) {
      // vscode-textmate appends "\n" internally; the last token may end one past the text.
      const end = Math.min(t.endIndex, text.length);
      if (t.startIndex >= end && text.length > 0) continue;
      tokens.push({ text: text.slice(t.startIndex, end), start: t.startIndex, end, scopes: t.scopes });
    }
    out.push({ text, tokens, ms, stoppedEarly: r.stoppedEarly });
  }
  return out;
}

export interface TokenizeStats {
  readonly lines: number;
  readonly tokens: number;
  /** Wall time for all lines, milliseconds. */
  readonly totalMs: number;
  /** The slowest single line: its index and time. */
  readonly maxLineMs: number;
  readonly maxLineIndex: number;
  /** Indexes of the `keepSlowest` slowest lines, slowest first. */
  readonly slowest: readonly number[];
  /** Lines where vscode-textmate hit the time limit. */
  readonly stoppedEarly: number;
}

/**
 * Tokenizes like `tokenizeLines` but keeps only figures (no token objects), so 100,000-line dumps
 * are measured without the garbage collector dominating. Used by the grammar tests and the benchmark.
 */
export function measureTokenize(grammar: IGrammar, lines: readonly string[], keepSlowest = 5, options: TokenizeOptions = {}): TokenizeStats {
  let state: StateStack = INITIAL;
  let tokens = 0;
  let stoppedEarly = 0;
  const times = new Float64Array(lines.length);
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i++) {
    const a = performance.now();
    const r = grammar.tokenizeLine(lines[i] ?? '', state, options.timeLimitMs ?? 0);
    times[i] = performance.now() - a;
    state = r.ruleStack;
    tokens += r.tokens.length;
    if (r.stoppedEarly) stoppedEarly++;
  }
  const totalMs = performance.now() - t0;
  const order = Array.from(times.keys()).sort((x, y) => (times[y] ?? 0) - (times[x] ?? 0));
  const maxLineIndex = order[0] ?? -1;
  return {
    lines: lines.length,
    tokens,
    totalMs,
    maxLineMs: maxLineIndex >= 0 ? (times[maxLineIndex] ?? 0) : 0,
    maxLineIndex,
    slowest: order.slice(0, keepSlowest),
    stoppedEarly,
  };
}

/** Best of `tries` wall times (ms) for tokenizing one line from the initial state. */
export function timeLine(grammar: IGrammar, line: string, tries = 3): number {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const a = performance.now();
    grammar.tokenizeLine(line, INITIAL, 0);
    best = Math.min(best, performance.now() - a);
  }
  return best;
}

/** Splits a document into lines as VS Code does ("\n", "\r\n" and a lone "\r" end a line). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The token covering column `col` of a tokenized line. */
export function tokenAt(line: TokenizedLine, col: number): Token | undefined {
  return line.tokens.find((t) => t.start <= col && col < t.end);
}

/**
 * Renders tokens as `L:C-C "text" scope scope ...` lines (root scope and whitespace-only tokens
 * that carry no scope beyond the line's meta scope omitted) for golden files.
 */
export function renderTokens(lines: readonly TokenizedLine[]): string {
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(`${i + 1}| ${JSON.stringify(line.text)}`);
    for (const t of line.tokens) {
      const scopes = t.scopes.slice(1);
      if (/^\s*$/.test(t.text) && scopes.every((s) => s.startsWith('meta.'))) continue;
      out.push(`  ${t.start + 1}-${t.end + 1} ${JSON.stringify(t.text)} ${scopes.join(' ') || '-'}`);
    }
  });
  return out.join('\n') + '\n';
}
