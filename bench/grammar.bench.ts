/**
 * Benchmark: TextMate tokenization speed of our iptables grammar against VS Code's built-in
 * shell-script grammar (from code-server 4.100.3), side by side in one process on the same
 * engine (vscode-textmate + oniguruma WASM, as in VS Code).
 *
 * Issue target: tokenizing the generated kube-proxy dump with `source.iptables` is at least as
 * fast per line as `source.shell` on the same number of lines. Two references are measured:
 *   - the same dump lines tokenized as shell (what VS Code does to an unrecognised dump that a
 *     user sets to "Shell Script");
 *   - a realistic shell script of as many lines: the dump rewritten line for line as
 *     `iptables -t nat -A ...` / `-N` / `-P` commands (what the shell grammar sees in practice).
 * ratio = shell µs/line ÷ ours µs/line (target >= 1 for both).
 *
 * Lines: by default 7,500 lines sampled evenly (every 10th line, in order) from the 75,000-line
 * dump, so the sample has the dump's mix of declarations, service, endpoint and DNAT rules: the
 * shell grammar needs about 1 ms per line, and five interleaved rounds over all 75,000 lines
 * would take over ten minutes. `--lines 75000` tokenizes the whole dump.
 *
 * Method: one untimed warm-up pass of each input (grammar compilation, JIT), then 5 rounds; each
 * round tokenizes the three inputs in a rotating order (interleaved); medians of the rounds.
 * Tokenization carries the rule stack from line to line as the editor does.
 *
 * Run: node --import tsx bench/grammar.bench.ts [--no-fail] [--lines N] [--runs N]
 * Stdout: one JSON line per figure; stderr: details and a table. Exit 1 when a target is missed
 * (unless --no-fail), 2 on an error (e.g. the npm registry is unreachable and nothing is cached).
 */
import type { IGrammar } from 'vscode-textmate';
import { measureTokenize, splitLines, type TokenizeStats } from '../test/grammars/tokenize';
import { kubeProxyDump } from './lib/dump';
import { finish, log, significant, type BenchResult } from './lib/report';
import { asShellScript } from './lib/shellScript';
import { CODE_SERVER_VERSION, loadGrammars, obtainShellGrammar } from './lib/shellGrammar';
import { median, round } from './lib/stats';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isInteger(v) && v > 0 ? v : fallback;
};
const DUMP_LINES = 75_000;
const LINES = Math.min(DUMP_LINES, arg('--lines', 7_500));
const RUNS = Math.max(5, arg('--runs', 5));

interface Input {
  readonly key: 'ours' | 'shellSame' | 'shellScript';
  readonly label: string;
  readonly grammar: IGrammar;
  readonly lines: readonly string[];
}

async function main(): Promise<void> {
  const shellFile = obtainShellGrammar();
  log(`shell grammar: ${shellFile.origin}`);
  const grammars = await loadGrammars(shellFile);
  const dump = kubeProxyDump(DUMP_LINES);
  const all = splitLines(dump.text).slice(0, DUMP_LINES);
  if (all.length < DUMP_LINES) throw new Error(`the dump has only ${all.length} lines`);
  // Evenly spaced lines, in order: the whole dump when LINES = DUMP_LINES.
  const picked = Array.from({ length: LINES }, (_, i) => Math.floor((i * DUMP_LINES) / LINES));
  const dumpLines = picked.map((i) => all[i]!);
  // Rewritten before sampling, so every command carries the table its line is in.
  const allScript = asShellScript(all);
  const script = picked.map((i) => allScript[i]!);
  const sample = LINES === DUMP_LINES ? `all ${DUMP_LINES} lines` : `${LINES} lines sampled evenly from the first ${DUMP_LINES} lines`;
  log(`dump: ${dump.generator}, ${dump.lines} lines; ${sample}; shell grammar version ${grammars.shellVersion}`);

  const inputs: Input[] = [
    { key: 'ours', label: 'dump / source.iptables', grammar: grammars.iptables, lines: dumpLines },
    { key: 'shellSame', label: 'dump / source.shell', grammar: grammars.shell, lines: dumpLines },
    { key: 'shellScript', label: 'iptables commands / source.shell', grammar: grammars.shell, lines: script },
  ];
  const cold = new Map<string, TokenizeStats>();
  for (const input of inputs) {
    const s = measureTokenize(input.grammar, input.lines);
    cold.set(input.key, s);
    log(`warm-up ${input.label}: ${s.totalMs.toFixed(0)} ms, ${(s.tokens / s.lines).toFixed(1)} tokens/line, slowest line ${s.maxLineMs.toFixed(2)} ms (#${s.maxLineIndex + 1})`);
  }
  const runs = new Map<string, number[]>(inputs.map((i) => [i.key, []]));
  let stoppedEarly = 0;
  for (let r = 0; r < RUNS; r++) {
    const order = [...inputs.slice(r % inputs.length), ...inputs.slice(0, r % inputs.length)];
    for (const input of order) {
      const s = measureTokenize(input.grammar, input.lines, 1);
      stoppedEarly += s.stoppedEarly;
      runs.get(input.key)!.push((s.totalMs * 1000) / s.lines);
    }
  }
  for (const input of inputs) log(`${input.label}: µs/line per round ${runs.get(input.key)!.map((x) => x.toFixed(2)).join(' ')}`);

  const us = (key: Input['key']): number => median(runs.get(key)!);
  const ours = us('ours');
  const common = {
    lines: LINES,
    sample,
    runs: RUNS,
    dump: dump.generator,
    shellGrammar: `code-server@${CODE_SERVER_VERSION} shellscript/syntaxes/shell-unix-bash.tmLanguage.json (${grammars.shellVersion})`,
    oursTokensPerLine: round(cold.get('ours')!.tokens / LINES, 2),
    oursRunsUsPerLine: runs.get('ours')!.map((x) => round(x, 3)),
  };
  const result = (name: string, key: 'shellSame' | 'shellScript'): BenchResult => {
    const reference = us(key);
    const ratio = reference / ours;
    return {
      name,
      ours: round(ours, 3),
      reference: round(reference, 3),
      unit: 'µs/line',
      ratio: significant(ratio),
      target: 1,
      pass: ratio >= 1,
      ...common,
      referenceTokensPerLine: round(cold.get(key)!.tokens / LINES, 2),
      referenceRunsUsPerLine: runs.get(key)!.map((x) => round(x, 3)),
      coldMs: { ours: round(cold.get('ours')!.totalMs, 1), reference: round(cold.get(key)!.totalMs, 1) },
    };
  };
  if (stoppedEarly > 0) log(`warning: ${stoppedEarly} line(s) hit a time limit`);
  finish('grammar benchmark (ratio = shell µs/line ÷ ours µs/line; higher is better)', [
    result(`grammar: ${LINES} dump lines, shell grammar on the same lines vs ours`, 'shellSame'),
    result(`grammar: ${LINES} dump lines, shell grammar on them as iptables commands vs ours`, 'shellScript'),
  ]);
}

main().catch((e: unknown) => {
  process.stderr.write(`grammar benchmark failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
