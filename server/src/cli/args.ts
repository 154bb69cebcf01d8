import { parseCheckArgs, type CheckArgs } from './checkArgs';

export type { CheckArgs } from './checkArgs';

/** Command-line arguments of `kube-netlint collect`; `check` holds the options used by --check. */
export interface CollectArgs {
  readonly out?: string;
  readonly netns?: string;
  readonly maxConntrack?: number;
  readonly timeoutSeconds?: number;
  readonly check: boolean;
  readonly force: boolean;
  readonly checkArgs: Omit<CheckArgs, 'paths'>;
}

export type ParsedArgs =
  | { readonly command: 'check' | 'script' | 'fix' | 'diff'; readonly args: CheckArgs }
  /** `explain RULE`: the rule's docs page in the terminal. */
  | { readonly command: 'explain'; readonly rule: string }
  | { readonly command: 'collect'; readonly args: CollectArgs }
  /** `trace` reads its own options (cli/trace.ts). */
  | { readonly command: 'trace'; readonly argv: readonly string[] }
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | { readonly command: 'rules'; readonly format: 'text' | 'json' | 'markdown' }
  | { readonly command: 'error'; readonly message: string };

export const USAGE = `Usage: kube-netlint check [--format text|compact|json|sarif|html] [--fail-on error|warning|info|never]
                          [--rule ID=off|error|warning|info|hint]... [--config FILE] [--jobs N]
                          [--kernel X.Y.Z] [--kube-proxy-version X.Y.Z] [--node-count N] PATH...
       kube-netlint check --stdin --kind iptables|nftables|ipvsadm|conntrack|sysctl|ethtool|k8s [options]
       kube-netlint fix [--dry-run] [--unsafe] [--rule ID=...]... [--config FILE] PATH...
                                 apply the safe edit fixes in place (--dry-run: print a unified diff)
       kube-netlint diff [--format text|json] [--fail-on ...] BEFORE AFTER
                                 what changed between two captures of a node (exit 1: findings appeared)
       kube-netlint script [--kernel X.Y.Z] [--kube-proxy-version X.Y.Z] [--node-count N] PATH...
                                 print each node's remediation commands as a shell script
       kube-netlint collect [--out DIR] [--netns NAME] [--max-conntrack N] [--timeout SECONDS] [--force]
                            [--check [--format F] [--kernel X.Y.Z] ...]
                                 capture this node (as root, read-only commands) into one node folder
       kube-netlint trace --packet "PROTO SRC[:SPORT] -> DST:DPORT" [--from pod|host|external] [--in IFACE]
                          [--out IFACE] [--mark 0xN] [--ctstate new|established|related|invalid]
                          [--local IP[,IP...]] [--route CIDR=IFACE]... [--format text|json] PATH
                                 follow one packet through a node's rules (PATH: a node folder or one dump)
       kube-netlint rules [--format text|json|markdown]   list every rule
       kube-netlint explain RULE  the rule's documentation page
       kube-netlint --version

Lints Kubernetes node networking dumps (iptables-save, iptables -L, ipvsadm, conntrack, sysctl,
ethtool -k) and manifests. Folders are walked; the files directly in one folder are one node.
Settings (rules, facts) come from --config FILE or the first .kube-netlint.yaml / .kube-netlint.json
found upward from each node folder (up to a .git folder); see docs/cli.md.
Exit status: 0 nothing at --fail-on (default warning) or above, 1 findings at or above it, 2 usage or read error.`;

const RULES_FORMATS = ['text', 'json', 'markdown'] as const;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) return { command: 'error', message: 'missing command (try: kube-netlint check PATH)' };
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command === 'rules') return parseRules(rest);
  if (command === 'explain') {
    if (rest[0] === '--help' || rest[0] === '-h') return { command: 'help' };
    return rest.length === 1 ? { command: 'explain', rule: rest[0]! } : { command: 'error', message: 'explain takes one rule id (kube-netlint rules lists them)' };
  }
  if (command === 'collect') return parseCollect(rest);
  if (command === 'trace') return { command: 'trace', argv: rest };
  if (command !== 'check' && command !== 'script' && command !== 'fix' && command !== 'diff') return { command: 'error', message: `unknown command '${command}' (try: kube-netlint check PATH)` };
  const parsed = parseCheckArgs(command, rest);
  if (parsed === 'help') return { command: 'help' };
  if (typeof parsed === 'string') return { command: 'error', message: parsed };
  return { command, args: parsed };
}

function parseRules(rest: readonly string[]): ParsedArgs {
  let format: string = 'text';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--format') format = rest[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else return { command: 'error', message: `rules: unknown argument '${a}'` };
  }
  const known = RULES_FORMATS.find((f) => f === format);
  return known ? { command: 'rules', format: known } : { command: 'error', message: `rules --format must be text, json or markdown, not '${format}'` };
}

const COLLECT_VALUES = new Set(['--out', '--netns', '--max-conntrack', '--timeout', '--format', '--kernel', '--kube-proxy-version', '--node-count']);
const COLLECT_FLAGS = new Set(['--check', '--force']);

/** `collect` options; the check options are validated by the check parser itself (same messages). */
function parseCollect(rest: readonly string[]): ParsedArgs {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--help' || a === '-h') return { command: 'help' };
    if (!a.startsWith('--')) return { command: 'error', message: `collect takes no PATH ('${a}'); the folder is --out DIR` };
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (COLLECT_FLAGS.has(name) && eq < 0) {
      flags.add(name);
      continue;
    }
    if (!COLLECT_VALUES.has(name)) return { command: 'error', message: `unknown option '${name}'` };
    const value = eq < 0 ? rest[++i] : a.slice(eq + 1);
    if (value === undefined || value === '') return { command: 'error', message: `option '${name}' needs a value` };
    values[name] = value;
  }
  const checkArgv = [...['--format', '--kernel', '--kube-proxy-version', '--node-count'].flatMap((f) => (values[f] !== undefined ? [`${f}=${values[f]}`] : [])), '.'];
  const checked = parseCheckArgs('collect-check', checkArgv);
  if (checked === 'help') return { command: 'help' };
  if (typeof checked === 'string') return { command: 'error', message: checked };
  const { paths: _paths, ...checkArgs } = checked;
  const whole = (flag: string, max: number): number | undefined | string => {
    const v = values[flag];
    if (v === undefined) return undefined;
    if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > max) return `${flag} expects a whole number from 1 to ${max}, not '${v}'`;
    return Number(v);
  };
  const maxConntrack = whole('--max-conntrack', 100_000_000);
  const timeoutSeconds = whole('--timeout', 3600);
  for (const v of [maxConntrack, timeoutSeconds]) if (typeof v === 'string') return { command: 'error', message: v };
  return {
    command: 'collect',
    args: {
      ...(values['--out'] !== undefined ? { out: values['--out'] } : {}),
      ...(values['--netns'] !== undefined ? { netns: values['--netns'] } : {}),
      ...(typeof maxConntrack === 'number' ? { maxConntrack } : {}),
      ...(typeof timeoutSeconds === 'number' ? { timeoutSeconds } : {}),
      check: flags.has('--check'),
      force: flags.has('--force'),
      checkArgs,
    },
  };
}
