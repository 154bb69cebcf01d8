import { DOCUMENT_KINDS, isKnownKind, type KnownKind } from '../formats/kind';
import type { RuleSetting } from '../node/settings';
import { ALL_RULE_META } from '../rules/catalogue';

/** Where findings start to fail the run (exit 1); `never` only fails on usage and read errors. */
export type FailOn = 'error' | 'warning' | 'info' | 'never';
export const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

export type CheckFormat = 'text' | 'compact' | 'json' | 'sarif' | 'html';

/** Options of `check`, `script`, `fix` and `diff` (each command accepts its own subset, see OPTIONS_OF). */
export interface CheckArgs {
  readonly format: CheckFormat;
  readonly kernel?: string;
  readonly kubeProxyVersion?: string;
  readonly nodeCount?: number;
  readonly paths: readonly string[];
  readonly failOn?: FailOn;
  /** `--rule ID=SETTING`, in order (a later one for the same id wins). */
  readonly rules?: Readonly<Record<string, RuleSetting>>;
  readonly config?: string;
  /** Lint standard input as one file of this kind (`--stdin --kind iptables`). */
  readonly stdinKind?: KnownKind;
  /** Worker threads for many node folders (default: one per core). */
  readonly jobs?: number;
  readonly dryRun?: boolean;
  readonly unsafe?: boolean;
}

export type CheckCommand = 'check' | 'script' | 'fix' | 'diff' | 'collect-check';

const COMMON_VALUES = ['--kernel', '--kube-proxy-version', '--node-count', '--rule', '--config'];
/** Which options each command reads; anything else is a usage error, not silently ignored. */
const OPTIONS_OF: Record<CheckCommand, { values: readonly string[]; flags: readonly string[]; formats: readonly CheckFormat[] }> = {
  check: { values: [...COMMON_VALUES, '--format', '--fail-on', '--kind', '--jobs'], flags: ['--stdin'], formats: ['text', 'compact', 'json', 'sarif', 'html'] },
  script: { values: [...COMMON_VALUES, '--format'], flags: [], formats: ['text', 'compact', 'json', 'sarif'] },
  fix: { values: [...COMMON_VALUES, '--fail-on'], flags: ['--dry-run', '--unsafe'], formats: ['text'] },
  diff: { values: [...COMMON_VALUES, '--format', '--fail-on'], flags: [], formats: ['text', 'json'] },
  'collect-check': { values: ['--kernel', '--kube-proxy-version', '--node-count', '--format'], flags: [], formats: ['text', 'compact', 'json', 'sarif'] },
};

const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'error', 'warning', 'info', 'hint'];
const RULE_IDS = new Set(ALL_RULE_META.map((m) => m.id));

const list = (xs: readonly string[]): string => (xs.length <= 2 ? xs.join(' or ') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);

/** Parses the options after the command word; a string is the usage error to print. */
export function parseCheckArgs(command: CheckCommand, rest: readonly string[]): CheckArgs | 'help' | string {
  const allowed = OPTIONS_OF[command];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const paths: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') {
      paths.push(...rest.slice(i + 1));
      break;
    }
    if (a === '--help' || a === '-h') return 'help';
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (allowed.flags.includes(name) && eq < 0) {
        flags.add(name);
        continue;
      }
      if (!allowed.values.includes(name)) return `unknown option '${name}'`;
      const value = eq < 0 ? rest[++i] : a.slice(eq + 1);
      if (value === undefined || value === '') return `option '${name}' needs a value`;
      values.set(name, [...(values.get(name) ?? []), value]);
      continue;
    }
    paths.push(a);
  }
  const one = (n: string): string | undefined => values.get(n)?.at(-1);
  const format = one('--format') ?? 'text';
  if (!(allowed.formats as readonly string[]).includes(format)) return `--format must be ${list(allowed.formats)}, not '${format}'`;
  for (const flag of ['--kernel', '--kube-proxy-version']) {
    const v = one(flag);
    if (v !== undefined && !/^v?\d+(\.\d+)*/.test(v)) return `${flag} expects a version like 5.4.0, not '${v}'`;
  }
  const nodeCount = one('--node-count');
  if (nodeCount !== undefined && !/^[1-9]\d{0,8}$/.test(nodeCount)) return `--node-count expects a whole number of nodes, not '${nodeCount}'`;
  const failOn = one('--fail-on');
  if (failOn !== undefined && !(FAIL_ON as readonly string[]).includes(failOn)) return `--fail-on must be ${list(FAIL_ON)}, not '${failOn}'`;
  const jobs = one('--jobs');
  if (jobs !== undefined && !/^[1-9]\d{0,2}$/.test(jobs)) return `--jobs expects a whole number from 1 to 999, not '${jobs}'`;
  const rules: Record<string, RuleSetting> = {};
  for (const r of values.get('--rule') ?? []) {
    const eq = r.lastIndexOf('=');
    const id = r.slice(0, Math.max(0, eq));
    const setting = r.slice(eq + 1);
    if (eq < 0 || !(RULE_SETTINGS as readonly string[]).includes(setting)) return `--rule expects ID=${RULE_SETTINGS.join('|')}, not '${r}'`;
    if (!RULE_IDS.has(id)) return `--rule: no rule '${id}' (kube-netlint rules lists them)`;
    rules[id] = setting as RuleSetting;
  }
  const kind = one('--kind');
  const stdin = flags.has('--stdin');
  if (kind !== undefined && !stdin) return '--kind goes with --stdin (files are recognised by their content)';
  if (stdin) {
    if (kind === undefined || !isKnownKind(kind)) return `--stdin needs --kind ${DOCUMENT_KINDS.join('|')}${kind === undefined ? '' : `, not '${kind}'`}`;
    if (paths.length > 0) return '--stdin reads standard input: give no PATH';
  } else if (command === 'diff') {
    if (paths.length !== 2) return 'diff compares two captures of a node: kube-netlint diff BEFORE AFTER';
  } else if (paths.length === 0) return 'no PATH given';
  const config = one('--config');
  return {
    format: format as CheckFormat,
    ...(one('--kernel') ? { kernel: one('--kernel')! } : {}),
    ...(one('--kube-proxy-version') ? { kubeProxyVersion: one('--kube-proxy-version')! } : {}),
    ...(nodeCount ? { nodeCount: Number(nodeCount) } : {}),
    paths,
    ...(failOn ? { failOn: failOn as FailOn } : {}),
    ...(Object.keys(rules).length ? { rules } : {}),
    ...(config !== undefined ? { config } : {}),
    ...(stdin && kind !== undefined && isKnownKind(kind) ? { stdinKind: kind } : {}),
    ...(jobs ? { jobs: Number(jobs) } : {}),
    ...(flags.has('--dry-run') ? { dryRun: true } : {}),
    ...(flags.has('--unsafe') ? { unsafe: true } : {}),
  };
}
