/** Command-line arguments of `kube-netlint check`, parsed without a dependency. */
export interface CheckArgs {
  readonly format: 'text' | 'compact' | 'json' | 'sarif';
  readonly kernel?: string;
  readonly kubeProxyVersion?: string;
  readonly nodeCount?: number;
  readonly paths: readonly string[];
}

export type ParsedArgs =
  | { readonly command: 'check' | 'script'; readonly args: CheckArgs }
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | { readonly command: 'rules' }
  | { readonly command: 'error'; readonly message: string };

export const USAGE = `Usage: kube-netlint check [--format text|compact|json|sarif] [--kernel X.Y.Z] [--kube-proxy-version X.Y.Z]
                          [--node-count N] PATH...
       kube-netlint script [--kernel X.Y.Z] [--kube-proxy-version X.Y.Z] [--node-count N] PATH...
                                 print each node's remediation commands as a shell script
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
