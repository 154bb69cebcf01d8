import { compareVersions } from '../../core/version';
import { describeKernel, kernelAtLeast as kernelAtLeastFact, kernelRelated, type Tristate } from '../../node/questions';
import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import type { ConntrackEntry, ConntrackEntryGroup, ConntrackStatsTable } from '../../formats/conntrack';
import { firstField, total, type Growth } from '../../formats/conntrack/query';
import { matchOption, ruleComment, targetName, targetOption } from '../../formats/iptables/query';
import type { IptRule } from '../../formats/iptables/model';
import { effective } from '../../formats/sysctl';
import type { SysctlEntry } from '../../formats/sysctl';
import type { Step } from '../../core/shell';
import type { CommandFix, Related } from '../rule';
import { note, run, safeFix, write } from '../shared/commands';
import { nodePath } from '../../node/nodePath';

/**
 * What the conntrack rules share: the sysctl values of the node, the kernel version (from facts
 * or from which counters the kernel prints), and the remediation scripts that several rules offer.
 * Counters and entries are read by formats/conntrack/query.ts.
 */

// ---------------------------------------------------------------------------------------------
// Statistics phrases

export function describeGrowth(name: string, g: Growth): string {
  return g.last > g.first
    ? `${name} grew from ${g.first} to ${g.last} across the ${g.snapshots} snapshots in this file, so it is still happening.`
    : `${name} did not grow across the ${g.snapshots} snapshots in this file: the count may be historic.`;
}

const cpuCount = (table: ConntrackStatsTable): string => (table.rows.length === 1 ? '1 CPU row' : `${table.rows.length} CPU rows`);

/** "insert_failed = 5 (sum over 2 CPU rows)". */
export function describeTotal(table: ConntrackStatsTable, name: string, value: number): string {
  return `${name} = ${value} (sum over ${cpuCount(table)})`;
}

// ---------------------------------------------------------------------------------------------
// Kernel version: facts first, then what the counters themselves prove.

export interface KernelCheck {
  readonly answer: Tristate;
  /** Where the answer came from, for messages: "kernel 5.15.0-1111-azure (from uname-r.txt)". */
  readonly evidence: string;
  readonly related?: Related;
}

/**
 * Whether the node's kernel is at least `min`. Without a kernel fact the statistics can still
 * prove a floor: the kernel prints `clash_resolve` from 5.10 and `chaintoolong` from 5.15.
 */
export function kernelAtLeast(node: NodeSnapshot, min: readonly number[], table?: ConntrackStatsTable): KernelCheck {
  const answer = kernelAtLeastFact(node, min);
  if (answer !== 'unknown') {
    const rel = kernelRelated(node);
    return { answer, evidence: describeKernel(node), ...(rel ? { related: rel } : {}) };
  }
  if (table) {
    if (total(table, 'chaintoolong') !== undefined && compareVersions([5, 15], min) >= 0) {
      return { answer: 'yes', evidence: 'the chaintoolong counter, which kernels print from 5.15' };
    }
    if (total(table, 'clash_resolve') !== undefined && compareVersions([5, 10], min) >= 0) {
      return { answer: 'yes', evidence: 'the clash_resolve counter, which kernels print from 5.10' };
    }
  }
  return { answer: 'unknown', evidence: 'the kernel version is unknown' };
}

// ---------------------------------------------------------------------------------------------
// Sysctl values of the node

export interface SysctlValue {
  readonly document: ParsedDocument<'sysctl'>;
  readonly entry: SysctlEntry;
  readonly value: number;
}

/**
 * Sysctl documents of the node, live dumps first: a file that shows the read-only
 * `nf_conntrack_count` is `sysctl -a` output (what the kernel uses now), while a sysctl.d file
 * only says what will be applied.
 */
function sysctlDocs(node: NodeSnapshot): ParsedDocument<'sysctl'>[] {
  const docs = node.ofKind('sysctl');
  const live = docs.filter((d) => effective(d.model, 'net.netfilter.nf_conntrack_count') !== undefined);
  return [...live, ...docs.filter((d) => !live.includes(d))];
}

/** The first numeric value of any of `keys` (in order of preference) in the node's sysctl documents. */
export function sysctlNumber(node: NodeSnapshot, keys: readonly string[]): SysctlValue | undefined {
  for (const document of sysctlDocs(node)) {
    for (const key of keys) {
      const entry = effective(document.model, key);
      if (entry && entry.number !== undefined) return { document, entry, value: entry.number };
    }
  }
  return undefined;
}

export const MAX_KEYS = ['net.netfilter.nf_conntrack_max', 'net.nf_conntrack_max'] as const;
export const COUNT_KEYS = ['net.netfilter.nf_conntrack_count'] as const;
export const BUCKETS_KEYS = ['net.netfilter.nf_conntrack_buckets'] as const;

export function sysctlRelated(v: SysctlValue, message: string): Related {
  return { document: v.document, span: v.entry.span, message };
}

export const where = (v: SysctlValue, node: NodeSnapshot): string => `${v.entry.key} = ${v.value} in ${nodePath(v.document, node)}`;

// ---------------------------------------------------------------------------------------------
// Table entries

/** Other entries of a group named in related information, at most. */
const MAX_RELATED_EXAMPLES = 4;

/** `10.96.0.10:53` when the port is known. */
export const hostPort = (ip: string, port: number | undefined): string => (port !== undefined ? `${ip}:${port}` : ip);

/**
 * DNATed complete `protocol` entries by original `ip:port`, the first of each: without an iptables
 * dump the table itself proves an address is a Service when other entries to it WERE DNATed.
 */
export function dnatedByDestination(protocol: 'tcp' | 'udp', entries: Iterable<ConntrackEntry | undefined>): Map<string, ConntrackEntry> {
  const out = new Map<string, ConntrackEntry>();
  for (const e of entries) {
    if (e?.complete && e.dnat && e.protocol.value === protocol && e.original.dst) {
      const k = hostPort(e.original.dst.value, e.original.dport?.value);
      if (!out.has(k)) out.set(k, e);
    }
  }
  return out;
}

/** Service addresses kube-proxy DNATs (KUBE-SERVICES -d IP/32 rules), by address. */
export function servicesByIp(node: NodeSnapshot): Map<string, ServiceAddress[]> {
  const out = new Map<string, ServiceAddress[]>();
  for (const s of serviceAddresses(node)) {
    const list = out.get(s.ip);
    if (list) list.push(s);
    else out.set(s.ip, [s]);
  }
  return out;
}

/** A group of entries to a Service address whose reply shows no DNAT, with why the address is a Service's. */
export interface UndnatedServiceEntries {
  readonly ip: string;
  readonly port: number | undefined;
  /** `{ip}` or `{ip}:{port}`. */
  readonly destination: string;
  /** Why the address is a Service's, for messages: the KUBE-SERVICES rule or a DNATed entry. */
  readonly evidence: string;
  /** The Service has no endpoints now: only its "no endpoints" rules name it and no entry to it was DNATed. */
  readonly noEndpointsNow: boolean;
  readonly related: Related[];
}

export interface UndnatedServiceQuery {
  readonly document: ParsedDocument<'conntrack'>;
  readonly node: NodeSnapshot;
  readonly protocol: 'tcp' | 'udp';
  readonly services: ReadonlyMap<string, readonly ServiceAddress[]>;
  readonly dnated: ReadonlyMap<string, ConntrackEntry>;
  /** How evidence names other DNATed entries: `other {entries} to 10.96.0.1:443 in this file were DNATed`. */
  readonly entries: string;
  /** How related names the group's other examples: `another {example} to 10.96.0.1 without DNAT`. */
  readonly example: string;
}

/**
 * The group (keyed by original destination address) when that address is a Service's, proven by a
 * KUBE-SERVICES rule for its protocol and port or by a DNATed entry to the same address and port.
 */
export function undnatedServiceEntries(q: UndnatedServiceQuery, group: ConntrackEntryGroup): UndnatedServiceEntries | undefined {
  const first = group.examples[0];
  if (!first) return undefined;
  const portText = firstField(q.document.text, first.span, 'dport');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const ip = group.key;
  const destination = hostPort(ip, port);
  const matches = (q.services.get(ip) ?? []).filter((s) => (s.protocol === undefined || s.protocol === q.protocol) && (s.port === undefined || port === undefined || s.port === port));
  const proof = q.dnated.get(destination);
  if (matches.length === 0 && !proof) return undefined;

  const [rule] = matches;
  const comment = rule ? ruleComment(rule.rule) : undefined;
  const evidence = rule
    ? `KUBE-SERVICES in ${nodePath(rule.document, q.node)}${comment ? `: "${comment}"` : ''}`
    : `other ${q.entries} to ${destination} in this file were DNATed to ${proof!.reply?.src?.value ?? 'a pod'}`;
  const related: Related[] = [];
  for (const s of matches.slice(0, 2)) {
    related.push({ document: s.document, span: s.span, message: s.noEndpoints ? `${s.ip} has no endpoints (${s.rule.target?.name.value ?? 'rule'})` : `kube-proxy DNATs ${hostPort(s.ip, s.port)} here` });
  }
  if (proof) related.push({ document: q.document, span: proof.reply?.src?.span ?? proof.span, message: `${destination} DNATed to ${proof.reply?.src?.value ?? 'a pod'}` });
  for (const ex of group.examples.slice(1, MAX_RELATED_EXAMPLES + 1)) related.push({ document: q.document, span: ex.key, message: `another ${q.example} to ${ip} without DNAT` });
  const noEndpointsNow = matches.length > 0 && matches.every((s) => s.noEndpoints) && !proof;
  return { ip, port, destination, evidence, noEndpointsNow, related };
}

// ---------------------------------------------------------------------------------------------
// iptables evidence

export interface IptEvidence {
  readonly document: ParsedDocument<'iptables'>;
  readonly rule: IptRule;
}

/**
 * MASQUERADE/SNAT rules of the node's iptables dumps that pick ports without full randomisation
 * (`--random` counts as full on kernel 5.0+, iptables-extensions(8)).
 */
export function snatWithoutRandomFully(node: NodeSnapshot): IptEvidence[] {
  const k = node.facts.kernel;
  const randomIsFully = k !== undefined && compareVersions(k.value, [5, 0]) >= 0;
  const out: IptEvidence[] = [];
  for (const document of node.ofKind('iptables')) {
    for (const table of document.model.tables) {
      if (table.name.value !== 'nat') continue;
      for (const rule of table.rules) {
        const name = targetName(rule);
        if (name !== 'MASQUERADE' && name !== 'SNAT') continue;
        if (targetOption(rule, '--random-fully')) continue;
        if (randomIsFully && targetOption(rule, '--random')) continue;
        out.push({ document, rule });
      }
    }
  }
  return out;
}

/** A Service address kube-proxy DNATs, from `-A KUBE-SERVICES -d 10.96.0.10/32 -p udp ... --dport 53 ...`. */
export interface ServiceAddress {
  readonly ip: string;
  /** `udp`/`tcp`/... when the rule names one. */
  readonly protocol?: string;
  readonly port?: number;
  /** The rule is the filter table's "has no endpoints" REJECT: the Service has no endpoints now. */
  readonly noEndpoints: boolean;
  readonly document: ParsedDocument<'iptables'>;
  readonly rule: IptRule;
  /** The `-d` value. */
  readonly span: Span;
}

const HOST_ADDRESS = /^([0-9a-fA-F.:]+?)(?:\/(32|128))?$/;

/** Service addresses (ClusterIPs, external and load-balancer IPs) from KUBE-SERVICES rules of the node. */
export function serviceAddresses(node: NodeSnapshot): ServiceAddress[] {
  const out: ServiceAddress[] = [];
  for (const document of node.ofKind('iptables')) {
    for (const table of document.model.tables) {
      if (table.name.value !== 'nat' && table.name.value !== 'filter') continue;
      for (const rule of table.rules) {
        if (rule.chain.value !== 'KUBE-SERVICES' || !rule.destination || rule.destination.negation) continue;
        const m = HOST_ADDRESS.exec(rule.destination.value.value);
        if (!m || m[1] === '0.0.0.0' || m[1] === '::') continue;
        const protocol = rule.protocol && !rule.protocol.negation ? rule.protocol.value.value.toLowerCase() : undefined;
        const dport = protocol ? matchOption(rule, protocol, '--dport') : undefined;
        const portText = dport && !dport.negation ? dport.values[0]?.value : undefined;
        const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
        const target = targetName(rule);
        out.push({
          ip: m[1]!,
          ...(protocol ? { protocol } : {}),
          ...(port !== undefined ? { port } : {}),
          noEndpoints: table.name.value === 'filter' && (target === 'REJECT' || target === 'DROP'),
          document,
          rule,
          span: rule.destination.value.span,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Remediation scripts

const nextPowerOfTwo = (n: number): number => {
  let p = 1;
  while (p < n) p *= 2;
  return p;
};

/** kube-proxy's floor for nf_conntrack_max (`conntrack.min`, default 131072). */
export const KUBE_PROXY_CONNTRACK_MIN = 131072;

/** A new nf_conntrack_max: at least twice the current limit and twice the entries seen, a power of two, never below 262144. */
export function suggestedMax(currentMax: number | undefined, count: number | undefined): number {
  return Math.max(2 * KUBE_PROXY_CONNTRACK_MIN, nextPowerOfTwo(2 * Math.max(currentMax ?? 0, count ?? 0)));
}

const KUBE_PROXY_NOTE: readonly Step[] = [
  note('kube-proxy rewrites nf_conntrack_max at start-up to max(conntrack.maxPerCore x CPUs, conntrack.min)'),
  note('(defaults 32768 and 131072): on kube-proxy nodes raise conntrack.maxPerCore in its ConfigMap instead,'),
  note('or set maxPerCore: 0 so kube-proxy keeps the value set here.'),
];

/**
 * Raise nf_conntrack_max now and persistently. With the current limit unknown the raise is left
 * as a note (a script must not lower a limit it cannot see) and the first step shows the values.
 * Every value is a number computed here, never text from the dump.
 */
export function raiseMaxSteps(currentMax: number | undefined, count: number | undefined, buckets: number | undefined): Step[] {
  if (currentMax === undefined && count === undefined) {
    return [
      note('Show the current table size and limit:'),
      run('sysctl', 'net.netfilter.nf_conntrack_count', 'net.netfilter.nf_conntrack_max'),
      note('If the count is close to the limit, raise it (here: double it) and persist the new value:'),
      note('  sysctl -w net.netfilter.nf_conntrack_max=$(( $(sysctl -n net.netfilter.nf_conntrack_max) * 2 ))'),
      note("  echo 'net.netfilter.nf_conntrack_max = <new value>' > /etc/sysctl.d/90-nf-conntrack-max.conf"),
      ...KUBE_PROXY_NOTE,
    ];
  }
  const max = suggestedMax(currentMax, count);
  const hash = max / 4;
  const steps: Step[] = [
    note(`Raise the conntrack table limit now (not kept across reboots)${currentMax !== undefined ? ` from ${currentMax}` : ''}:`),
    run('sysctl', '-w', `net.netfilter.nf_conntrack_max=${max}`),
  ];
  const growHash = buckets === undefined || buckets < hash;
  if (growHash) {
    steps.push(note('Keep the hash table at a quarter of the limit, as kube-proxy does (root network namespace only):'), write('/sys/module/nf_conntrack/parameters/hashsize', String(hash)));
  }
  steps.push(note('Persist the limit:'), write('/etc/sysctl.d/90-nf-conntrack-max.conf', `net.netfilter.nf_conntrack_max = ${max}`));
  if (growHash) steps.push(write('/etc/modprobe.d/nf_conntrack.conf', `options nf_conntrack hashsize=${hash}`));
  steps.push(...KUBE_PROXY_NOTE);
  return steps;
}

/** The command fix every "table full" finding offers: raising a limit is safe (it never lowers one it cannot see). */
export function raiseMaxFix(currentMax: number | undefined, count: number | undefined, buckets: number | undefined): CommandFix {
  return safeFix('Raise nf_conntrack_max (and the hash table) now and persistently', raiseMaxSteps(currentMax, count, buckets));
}
