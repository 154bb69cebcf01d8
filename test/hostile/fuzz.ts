/**
 * Mutation fuzzing through the CLI engine: real fixtures of every format (iptables-save, iptables
 * listings, ipvsadm, conntrack, sysctl, ethtool, Kubernetes YAML, nftables when present), mutated
 * by fast-check (test/helpers/mutations.ts), then parsed, linted by every rule with the node's
 * facts (a sibling of another format joins each node) and turned into a remediation script.
 * Every run must finish without a crash, every finding and fix edit must lie inside its text.
 *
 * `npm run fuzz` runs 100,000 mutations (seeded; `--runs N`, `--seed S`), then 5,000 sessions of
 * edits and requests through the language server (test/hostile/lspFuzz.ts; `--lsp-sessions N`, 0 to
 * skip); `npm test` runs a bounded seeded subset of each (fuzz.test.ts, lspFuzz.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyMutation, mutation, type Mutation } from '../helpers/mutations';
import { assertSane, checkNode } from './engine';
// lspFuzz.ts reads this file's seeds: the cycle is safe, both only call each other after loading.
import { fuzzServer } from './lspFuzz';

const FIXTURES = join(__dirname, '..', 'fixtures');
const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** One format's seeds: fixture folders, the file name that makes the detector pick it, tokens worth inserting. */
interface FormatSeeds {
  readonly format: string;
  readonly dirs: readonly string[];
  readonly fileName: string;
  readonly tokens: readonly string[];
}

const FORMATS: readonly FormatSeeds[] = [
  { format: 'iptables-save', dirs: ['iptables'], fileName: 'iptables-save.txt', tokens: ['-A ', '-j ', ' -m comment --comment "', '"', '\\', '*nat\n', 'COMMIT\n', ':KUBE-X - [0:0]\n', ' ! ', '--set-xmark 0x4000/0x4000', '[1:2] ', '-j MASQUERADE --random-fully', '\n'] },
  { format: 'iptables-listing', dirs: ['iptables-list'], fileName: 'iptables-L.txt', tokens: ['Chain ', ' (policy ACCEPT)', '/* ', ' */', '"', 'MARK or 0x4000', 'ctstate NEW', 'multiport dports ', 'tcp dpt:', '\n'] },
  { format: 'ipvsadm', dirs: ['ipvsadm'], fileName: 'ipvsadm-Ln.txt', tokens: ['TCP  ', 'UDP  ', '  -> ', ' rr', ' persistent ', 'Masq', 'Route', ' (', ')', ':', '\n'] },
  { format: 'conntrack', dirs: ['conntrack', 'conntrack/stats'], fileName: 'conntrack.txt', tokens: ['src=', 'dst=', 'sport=', 'dport=', '[UNREPLIED]', '[ASSURED]', 'mark=', 'zone=', 'tcp      6 ', 'udp      17 ', 'insert_failed=', '\n'] },
  { format: 'sysctl', dirs: ['sysctl'], fileName: 'sysctl-a.txt', tokens: [' = ', 'kernel.osrelease = ', 'net.ipv4.', '#', ';', '"', '5.4.0-', '\n'] },
  { format: 'ethtool', dirs: ['ethtool'], fileName: 'ethtool-k.txt', tokens: ['Features for ', ': on', ': off', ' [fixed]', ' [requested on]', 'tx-checksum-ip-generic', '\t', '\n'] },
  { format: 'k8s', dirs: ['k8s/flannel', 'k8s/kube-proxy', 'k8s/services'], fileName: 'manifest.yaml', tokens: ['{{ ', ' }}', '---\n', ': |\n', '- ', '&a ', '*a', '"', "'", '[', '{', '\t', '#', '\n  '] },
  { format: 'nftables', dirs: ['nftables'], fileName: 'nft-list-ruleset.txt', tokens: ['table inet ', 'chain ', '{', '}', ' ; ', 'meta mark set 0x4000', 'counter packets 1 bytes 2', '"', '\n'] },
];

function textFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.filter((n) => !n.endsWith('.md') && statSync(join(dir, n)).isFile()).map((n) => readFileSync(join(dir, n), 'utf8'));
}

/** Seeds per format; a format without fixtures (nftables before it lands) is left out. */
export function loadSeeds(maxSeedChars = Infinity): { format: FormatSeeds; texts: string[] }[] {
  return FORMATS.map((format) => ({ format, texts: format.dirs.flatMap((d) => textFiles(join(FIXTURES, d))).filter((t) => t.length <= maxSeedChars) })).filter((s) => s.texts.length > 0);
}

/** The other files of a node: the examples folders, so cross-format rules and facts run too. */
function exampleNodes(): { path: string; text: string }[][] {
  return readdirSync(EXAMPLES)
    .sort()
    .map((folder) => readdirSync(join(EXAMPLES, folder)).sort().map((n) => ({ path: `${folder}/${n}`, text: readFileSync(join(EXAMPLES, folder, n), 'utf8') })));
}

export interface FuzzOptions {
  /** Mutated inputs in all (split evenly over the formats). */
  readonly runs: number;
  readonly seed: number;
  /** Only fixtures up to this size (the `npm test` subset keeps to the small ones to stay fast). */
  readonly maxSeedChars?: number;
  readonly log?: (line: string) => void;
}

/** Runs the property for every format; throws (fast-check's report, with the seed and path to replay) on the first failure. */
export function fuzzAll(opts: FuzzOptions): { format: string; runs: number; ms: number }[] {
  const seeds = loadSeeds(opts.maxSeedChars);
  const nodes = exampleNodes();
  const perFormat = Math.max(1, Math.floor(opts.runs / seeds.length));
  const out: { format: string; runs: number; ms: number }[] = [];
  seeds.forEach(({ format, texts }, k) => {
    const started = Date.now();
    fc.assert(
      fc.property(
        fc.nat({ max: texts.length - 1 }),
        fc.array(mutation([...format.tokens]), { minLength: 1, maxLength: 6 }),
        fc.nat({ max: nodes.length }),
        (which: number, ops: Mutation[], nodeIndex: number) => {
          let text = texts[which]!;
          for (const op of ops) text = applyMutation(text, op);
          const siblings = nodeIndex < nodes.length ? nodes[nodeIndex]! : [];
          assertSane(checkNode('fuzz', [{ path: `fuzz/${format.fileName}`, text }], siblings));
        },
      ),
      { numRuns: perFormat, seed: opts.seed + k },
    );
    const ms = Date.now() - started;
    out.push({ format: format.format, runs: perFormat, ms });
    opts.log?.(`${format.format.padEnd(18)} ${perFormat} mutations in ${(ms / 1000).toFixed(1)} s`);
  });
  return out;
}

if (process.argv[1] && /fuzz\.ts$/.test(process.argv[1])) {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const runs = opt('--runs', 100_000);
  const seed = opt('--seed', 20_240_611);
  // Then the language server (test/hostile/lspFuzz.ts): sessions of edits and requests on dist/server.js.
  const sessions = opt('--lsp-sessions', 5_000);
  const started = Date.now();
  const main = async (): Promise<void> => {
    if (runs > 0) {
      process.stderr.write(`fuzz: ${runs} mutations through the CLI engine, seed ${seed}\n`);
      const r = fuzzAll({ runs, seed, log: (l) => process.stderr.write(`${l}\n`) });
      process.stderr.write(`fuzz: ${r.reduce((a, x) => a + x.runs, 0)} mutations over ${r.length} formats, no failure, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
    if (sessions > 0) {
      const lspStarted = Date.now();
      process.stderr.write(`fuzz: ${sessions} sessions through the language server (dist/server.js: \`npm run build\` first), seed ${seed}\n`);
      const s = await fuzzServer({ sessions, seed, log: (l) => process.stderr.write(`lsp ${l}\n`) });
      process.stderr.write(
        `fuzz: ${s.sessions} server sessions, ${s.changes} content changes, ${s.requests} requests (${s.errorAnswers} answered with an error, slowest ${s.slowestMs} ms), ` +
          `${s.diagnostics} diagnostics equal to the engine's, ${s.notOurs} documents no longer ours cleared, no failure, ${((Date.now() - lspStarted) / 1000).toFixed(0)} s\n`,
      );
    }
    process.stderr.write(`fuzz: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  };
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
