/** Command-line arguments of `kube-netlint check`, parsed without a dependency. */
export interface CheckArgs {
  readonly format: 'text' | 'compact' | 'json' | 'sarif';
  readonly kernel?: string;
  readonly kubeProxyVersion?: string;
  readonly nodeCount?: number;
  readonly paths: readonly string[];
}

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
  | { readonly command: 'check' | 'script'; readonly args: CheckArgs }
  | { readonly command: 'collect'; readonly args: CollectArgs }
  /** `trace` reads its own options (cli/trace.ts). */
  | { readonly command: 'trace'; readonly argv: readonly string[] }
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | { readonly command: 'rules' }
  | { readonly command: 'error'; readonly message: string };

export const USAGE = `Usage: kube-netlint check [--format text|compact|json|sarif] [--kernel X.Y.Z] [--kube-proxy-version X.Y.Z]
                          [--node-count N] PATH...
       kube-netlint script [--kernel X.Y.Z] [--kube-proxy-version X.Y.Z] [--node-count N] PATH...
                                 print each node's remediation commands as a shell script
       kube-netlint collect [--out DIR] [--netns NAME] [--max-conntrack N] [--timeout SECONDS] [--force]
                            [--check [--format F] [--kernel X.Y.Z] ...]
                                 capture this node (as root, read-only commands) into one node folder
       kube-netlint trace --packet "PROTO SRC[:SPORT] -> DST:DPORT" [--from pod|host|external] [--in IFACE]
                          [--out IFACE] [--mark 0xN] [--ctstate new|established|related|invalid]
                          [--local IP[,IP...]] [--route CIDR=IFACE]... [--format text|json] PATH
                                 follow one packet through a node's rules (PATH: a node folder or one dump)
       kube-netlint rules        list every rule
       kube-netlint --version

Lints Kubernetes node networking dumps (iptables-save, iptables -L, ipvsadm, conntrack, sysctl,
ethtool -k) and manifests. Folders are walked; the files directly in one folder are one node.
Exit status: 0 nothing at warning or above, 1 findings at warning or above, 2 usage or read error.`;

const VALUE_OPTIONS = new Set(['--format', '--kernel', '--kube-proxy-version', '--node-count']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0) return { command: 'error', message: 'missing command (try: kube-netlint check PATH)' };
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command === 'rules') return { command: 'rules' };
  if (command === 'collect') return parseCollect(rest);
  if (command === 'trace') return { command: 'trace', argv: rest };
  if (command !== 'check' && command !== 'script') return { command: 'error', message: `unknown command '${command}' (try: kube-netlint check PATH)` };
  const values: Record<string, string> = {};
  const paths: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') {
      paths.push(...rest.slice(i + 1));
      break;
    }
    if (a === '--help' || a === '-h') return { command: 'help' };
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!VALUE_OPTIONS.has(name)) return { command: 'error', message: `unknown option '${name}'` };
      const value = eq < 0 ? rest[++i] : a.slice(eq + 1);
      if (value === undefined || value === '') return { command: 'error', message: `option '${name}' needs a value` };
      values[name] = value;
      continue;
    }
    paths.push(a);
  }
  const format = values['--format'] ?? 'text';
  if (format !== 'text' && format !== 'compact' && format !== 'json' && format !== 'sarif') return { command: 'error', message: `--format must be text, compact, json or sarif, not '${format}'` };
  if (paths.length === 0) return { command: 'error', message: 'no PATH given' };
  for (const [flag, v] of [['--kernel', values['--kernel']], ['--kube-proxy-version', values['--kube-proxy-version']]] as const) {
    if (v !== undefined && !/^v?\d+(\.\d+)*/.test(v)) return { command: 'error', message: `${flag} expects a version like 5.4.0, not '${v}'` };
  }
  const nodeCount = values['--node-count'];
  if (nodeCount !== undefined && !/^[1-9]\d{0,8}$/.test(nodeCount)) return { command: 'error', message: `--node-count expects a whole number of nodes, not '${nodeCount}'` };
  return {
    command,
    args: {
      format,
      ...(values['--kernel'] ? { kernel: values['--kernel'] } : {}),
      ...(values['--kube-proxy-version'] ? { kubeProxyVersion: values['--kube-proxy-version'] } : {}),
      ...(nodeCount ? { nodeCount: Number(nodeCount) } : {}),
      paths,
    },
  };
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
  const checkArgv = ['check', ...['--format', '--kernel', '--kube-proxy-version', '--node-count'].flatMap((f) => (values[f] !== undefined ? [`${f}=${values[f]}`] : [])), '.'];
  const checked = parseArgs(checkArgv);
  if (checked.command === 'error') return checked;
  if (checked.command !== 'check') return { command: 'error', message: 'invalid check options' };
  const { paths: _paths, ...checkArgs } = checked.args;
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
