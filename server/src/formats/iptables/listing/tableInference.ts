import type { Located, Span } from '../../../core/span';
import { BUILTIN_CHAINS } from '../model';
import type { TableInference } from './types';

/** iptables lists built-in chains in hook order; a repeat or step back means a new table. */
export const HOOK_ORDER: Readonly<Record<string, number>> = { PREROUTING: 0, INPUT: 1, FORWARD: 2, OUTPUT: 3, POSTROUTING: 4 };

/** Preference when the built-in chains fit several tables equally well. */
const PREFERENCE = ['filter', 'nat', 'mangle', 'raw', 'security'];

const TARGET_EVIDENCE: Readonly<Record<string, string>> = {
  DNAT: 'nat', SNAT: 'nat', MASQUERADE: 'nat', REDIRECT: 'nat', NETMAP: 'nat',
  REJECT: 'filter',
  CT: 'raw', NOTRACK: 'raw',
  TPROXY: 'mangle', TOS: 'mangle', TTL: 'mangle', HL: 'mangle', DSCP: 'mangle', ECN: 'mangle', CHECKSUM: 'mangle',
};

/** Chains that kube-proxy, kubelet, flannel and docker create in one table only. */
const CHAIN_EVIDENCE: Readonly<Record<string, string>> = {
  'KUBE-POSTROUTING': 'nat', 'KUBE-MARK-MASQ': 'nat', 'KUBE-MARK-DROP': 'nat', 'FLANNEL-POSTRTG': 'nat',
  'KUBE-FORWARD': 'filter', 'KUBE-EXTERNAL-SERVICES': 'filter', 'KUBE-PROXY-FIREWALL': 'filter', 'DOCKER-USER': 'filter', 'FLANNEL-FWD': 'filter',
  'KUBE-IPTABLES-HINT': 'mangle',
};
const CHAIN_PREFIX_EVIDENCE: readonly (readonly [string, string])[] = [
  ['KUBE-SVC-', 'nat'], ['KUBE-SEP-', 'nat'], ['KUBE-EXT-', 'nat'], ['KUBE-SVL-', 'nat'], ['KUBE-FW-', 'nat'], ['KUBE-XLB-', 'nat'],
  ['KUBE-LOAD-BALANCER', 'nat'], ['KUBE-NODE-PORT', 'nat'], ['CNI-HOSTPORT-', 'nat'], ['DOCKER-ISOLATION-', 'filter'],
];

function chainEvidence(name: string): string | undefined {
  const exact = CHAIN_EVIDENCE[name];
  if (exact) return exact;
  for (const [prefix, table] of CHAIN_PREFIX_EVIDENCE) if (name.startsWith(prefix)) return table;
  return undefined;
}

export interface InferenceInput {
  /** `-t nat` of a pasted `iptables ... -L` command line (absent: no command, or no `-t`). */
  readonly command?: { readonly table?: Located<string>; readonly span: Span };
  /** Chains printed with a policy, i.e. built-in chains. */
  readonly builtins: readonly Located<string>[];
  readonly chains: readonly Located<string>[];
  readonly targets: readonly Located<string>[];
}

export interface InferredTable {
  readonly name: string;
  readonly inference: TableInference;
}

/** Decides which table a run of `Chain` blocks belongs to, and says why. */
export function inferTable(input: InferenceInput): InferredTable {
  const seen = [...new Set(input.builtins.map((b) => b.value))];
  const candidates = PREFERENCE.filter((t) => seen.every((c) => BUILTIN_CHAINS[t]!.includes(c)));
  const seenText = seen.length > 0 ? seen.join(', ') : 'none';
  if (input.command) {
    const name = input.command.table?.value ?? 'filter';
    return {
      name,
      inference: {
        method: 'command',
        reason: input.command.table
          ? `the pasted command line lists table '${name}' (-t ${name})`
          : `the pasted command line has no -t, so iptables listed its default table 'filter'`,
        candidates,
        evidence: [input.command.table?.span ?? input.command.span],
      },
    };
  }
  const builtinSpans = input.builtins.map((b) => b.span);
  if (candidates.length === 1) {
    const name = candidates[0]!;
    return { name, inference: { method: 'builtin-chains', reason: `only table '${name}' has the built-in chains ${seenText}`, candidates, evidence: builtinSpans } };
  }
  // Targets and well-known chain names that exist in one table only.
  const score = new Map<string, Span[]>();
  const add = (table: string | undefined, s: Span): void => {
    if (!table || !candidates.includes(table)) return;
    const list = score.get(table) ?? [];
    list.push(s);
    score.set(table, list);
  };
  for (const t of input.targets) add(TARGET_EVIDENCE[t.value], t.span);
  for (const c of input.chains) add(chainEvidence(c.value), c.span);
  const ranked = [...score.entries()].sort((a, b) => b[1].length - a[1].length);
  const best = ranked[0];
  if (best && (ranked.length === 1 || ranked[1]![1].length < best[1].length)) {
    const [name, evidence] = best;
    const what = describeEvidence(input, evidence);
    return {
      name,
      inference: {
        method: 'rules',
        reason: `inferred '${name}' from ${what}${seen.length > 0 ? ` (built-in chains ${seenText} fit ${candidates.join(', ')})` : ''}`,
        candidates,
        evidence,
      },
    };
  }
  if (seen.length > 0 && candidates.length > 0) {
    const exact = candidates.find((t) => BUILTIN_CHAINS[t]!.length === seen.length);
    const name = exact ?? candidates[0]!;
    return {
      name,
      inference: {
        method: 'builtin-chains',
        reason: exact
          ? `the built-in chains ${seenText} are exactly those of table '${name}'`
          : `the built-in chains ${seenText} fit ${candidates.join(', ')}; assumed '${name}'`,
        candidates,
        evidence: builtinSpans,
      },
    };
  }
  return {
    name: 'filter',
    inference: {
      method: 'default',
      reason:
        seen.length > 0
          ? `no table has all the built-in chains ${seenText}; assumed iptables' default table 'filter'`
          : `no built-in chain is shown; assumed iptables' default table 'filter'`,
      candidates,
      evidence: [],
    },
  };
}

function describeEvidence(input: InferenceInput, evidence: readonly Span[]): string {
  const label = new Map<number, string>();
  for (const t of input.targets) label.set(t.span.start, `target ${t.value}`);
  for (const c of input.chains) label.set(c.span.start, `chain ${c.value}`);
  const names = new Set<string>();
  for (const s of evidence) {
    const l = label.get(s.start);
    if (l) names.add(l);
  }
  const list = [...names];
  const shown = list.slice(0, 3).join(', ');
  return list.length > 3 ? `${shown} and ${list.length - 3} more` : shown;
}
