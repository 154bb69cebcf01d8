/**
 * Which table a line of a header-less iptables-save fragment belongs to.
 *
 * `iptables-save | grep KUBE-`, a few rules quoted in an issue, a paste that starts in the middle
 * of `*nat`: the `*table` line is missing, yet the chains and targets name the table in almost
 * every kube-proxy, CNI and Docker rule. Each kind of evidence votes with a weight; a target that
 * only one table accepts (DNAT, MASQUERADE, MARK in practice, NOTRACK) outweighs a chain name
 * that two tables use (KUBE-SERVICES is in nat and in filter; a REJECT rule in it is filter's).
 * A line without a clear winner keeps the table of the fragment line before it (grep keeps
 * iptables-save's order, table by table) and is counted as ambiguous for the fragment note.
 */

export type TableName = 'filter' | 'nat' | 'mangle' | 'raw' | 'security';

/** Targets and the table they are (in practice) written to. */
const TARGET_TABLE: Readonly<Record<string, TableName>> = {
  DNAT: 'nat',
  SNAT: 'nat',
  MASQUERADE: 'nat',
  REDIRECT: 'nat',
  NETMAP: 'nat',
  MARK: 'mangle',
  CONNMARK: 'mangle',
  TPROXY: 'mangle',
  TOS: 'mangle',
  TTL: 'mangle',
  HL: 'mangle',
  DSCP: 'mangle',
  ECN: 'mangle',
  CHECKSUM: 'mangle',
  CLASSIFY: 'mangle',
  TCPMSS: 'mangle',
  NOTRACK: 'raw',
  CT: 'raw',
  REJECT: 'filter',
  DROP: 'filter',
  ACCEPT: 'filter',
  SECMARK: 'security',
  CONNSECMARK: 'security',
};

/** Weight of a target's vote: ACCEPT and MARK appear in several tables (kube-proxy marks in nat), DNAT never outside nat. */
const TARGET_WEIGHT: Readonly<Record<string, number>> = { ACCEPT: 2, MARK: 1, TCPMSS: 1, REJECT: 2, DROP: 3 };

/** Chain names (exact or by pattern) and their table, with the weight of the vote. */
const CHAIN_TABLE: readonly (readonly [RegExp, TableName, number])[] = [
  [/^KUBE-(?:SVC|SEP|EXT|FW|XLB|SVL)-/, 'nat', 3],
  [/^KUBE-(?:POSTROUTING|MARK-MASQ|LOOP-BACK|NODE-PORT|LOAD-BALANCER|MARK-DROP)$/, 'nat', 3],
  [/^KUBE-(?:SERVICES|NODEPORTS)$/, 'nat', 1],
  [/^KUBE-(?:FORWARD|FIREWALL|EXTERNAL-SERVICES|PROXY-FIREWALL|ROUTER-(?:INPUT|FORWARD|OUTPUT)|NWPLCY-|POD-FW-)/, 'filter', 3],
  [/^(?:PREROUTING|POSTROUTING)$/, 'nat', 1],
  [/^(?:FORWARD|INPUT)$/, 'filter', 1],
  [/^(?:FLANNEL-POSTRTG|CNI-(?:[0-9a-f]{24}|HOSTPORT-\w+|DN-[0-9a-f]+)|CNI-HOSTPORT-(?:DNAT|SNAT|MASQ|SETMARK)|WEAVE|DOCKER-INGRESS|cali-nat-outgoing|cali-fip-[ds]nat|CILIUM_(?:POST|PRE|OUTPUT)_nat|KUBE-ROUTER-SNAT|ANTREA-POSTROUTING)$/, 'nat', 3],
  [/^(?:FLANNEL-FWD|CNI-FORWARD|CNI-ADMIN|DOCKER-USER|DOCKER-ISOLATION-STAGE-[12]|WEAVE-NPC(?:-\w+)?|WEAVE-EXPOSE|cali-(?:FORWARD|INPUT|OUTPUT)|cali-(?:fw|tw|from|to|pi|po|pri|pro)-|CILIUM_(?:INPUT|OUTPUT|FORWARD)|ANTREA-(?:FORWARD|INPUT))/, 'filter', 3],
  [/^(?:CILIUM_PRE_mangle|CILIUM_POST_mangle|ANTREA-MANGLE|KUBE-IPTABLES-HINT)$/, 'mangle', 3],
  [/^(?:CILIUM_(?:PRE|OUTPUT)_raw|cali-(?:PREROUTING|OUTPUT)$|cali-(?:from|to)-host-endpoint|ANTREA-PREROUTING)/, 'raw', 1],
  [/_nat$|-nat$|-NAT$/, 'nat', 2],
  [/_mangle$|-MANGLE$/, 'mangle', 2],
  [/_raw$|-RAW$/, 'raw', 2],
];

export interface TableGuess {
  readonly table: TableName | undefined;
  /** The winner's votes (1: one weak hint, which the lines around it may overrule). */
  readonly strength: number;
  /** The words that decided (for the fragment note). */
  readonly evidence: readonly string[];
}

/** Built-in chains and the tables that have them: a vote for a table without the chain does not count. */
const BUILTIN_IN: Readonly<Record<string, readonly TableName[]>> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  POSTROUTING: ['mangle', 'nat'],
  INPUT: ['mangle', 'nat', 'filter', 'security'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
};

/**
 * Votes of one line's chain, jump target (as a chain name) and target; `placed` is the table an
 * earlier line of the fragment put this chain in (a chain stays in its table).
 */
export function guessTable(chain: string | undefined, target: string | undefined, placed?: TableName): TableGuess {
  const votes = new Map<TableName, number>();
  const words: (readonly [TableName, string])[] = [];
  const vote = (t: TableName, w: number, word: string): void => {
    votes.set(t, (votes.get(t) ?? 0) + w);
    words.push([t, word]);
  };
  for (const name of [chain, target]) {
    if (name === undefined) continue;
    for (const [re, t, w] of CHAIN_TABLE) {
      if (re.test(name)) {
        vote(t, w, name);
        break;
      }
    }
  }
  if (target !== undefined) {
    const t = TARGET_TABLE[target];
    if (t) vote(t, TARGET_WEIGHT[target] ?? 3, target);
  }
  if (placed) votes.set(placed, (votes.get(placed) ?? 0) + 2);
  const allowed = chain !== undefined ? BUILTIN_IN[chain] : undefined;
  if (allowed) for (const t of [...votes.keys()]) if (!allowed.includes(t)) votes.delete(t);
  let best: TableName | undefined;
  let bestVotes = 0;
  let tie = false;
  for (const [t, v] of votes) {
    if (v > bestVotes) {
      best = t;
      bestVotes = v;
      tie = false;
    } else if (v === bestVotes) tie = true;
  }
  return tie || !best ? { table: undefined, strength: 0, evidence: [] } : { table: best, strength: bestVotes, evidence: words.filter(([t]) => t === best).map(([, w]) => w) };
}

const COMMAND = /^(?:\[\d+:\d+\][ \t]+)?-[AIDRN][ \t]+(\S+)/;
const DECLARATION = /^:(\S+)/;
const JUMP = /[ \t]-[jg][ \t]+(\S+)/;

/** The chain and target of a rule or declaration line, as a fragment reader needs them before reading the line. */
export function lineWords(line: string): { chain: string | undefined; target: string | undefined } {
  const d = DECLARATION.exec(line);
  if (d) return { chain: d[1], target: undefined };
  const c = COMMAND.exec(line);
  const j = JUMP.exec(line);
  return { chain: c?.[1], target: j?.[1]?.replace(/^["']|["']$/g, '') };
}

/** True for lines a fragment is made of: a rule (`-A`, with or without counters) or a chain declaration. */
export function isFragmentLine(line: string): boolean {
  return COMMAND.test(line) || /^:[A-Za-z]/.test(line);
}

/** Tables in the order a policy block without other evidence is given to (the table `iptables -S` shows without `-t`, then kube-proxy's). */
const TABLE_ORDER: readonly TableName[] = ['filter', 'nat', 'mangle', 'raw', 'security'];

/** The tables whose built-in chains include `chain` (none for a user chain). */
export function tablesWithBuiltin(chain: string): readonly TableName[] {
  return BUILTIN_IN[chain] ?? [];
}

/** How many built-in chains each table has: a policy block of exactly that many is the whole table's. */
const BUILTIN_COUNT: Readonly<Record<TableName, number>> = { raw: 2, mangle: 5, nat: 4, filter: 3, security: 3 };

/**
 * The table of a block of `iptables -S` policy lines (`-P PREROUTING ACCEPT` ...). `iptables -S`
 * prints one table: the policies of all its built-in chains, then its chains, then its rules.
 * So the set of chains given a policy names the table: the tables that have every one of them,
 * and among those the one with exactly these built-in chains (nat's four, raw's two; filter and
 * security share theirs). `iptables -S PREROUTING` shows one policy (raw, mangle or nat): the
 * lines that follow vote as fragment lines do (`guessTable`), then the fragment's current table
 * (`previous`) breaks a tie, then the table order above. `chains` holds only built-in names.
 */
export function policyBlockTable(chains: readonly string[], following: readonly { chain: string | undefined; target: string | undefined }[], previous?: TableName): TableGuess & { ambiguous: boolean } {
  let candidates: TableName[] = [...TABLE_ORDER];
  for (const c of chains) candidates = candidates.filter((t) => BUILTIN_IN[c]?.includes(t));
  const distinct = new Set(chains).size;
  const exact = candidates.filter((t) => BUILTIN_COUNT[t] === distinct);
  if (exact.length > 0) candidates = exact;
  const evidence = chains.length > 0 ? [`-P ${[...new Set(chains)].join('/')}`] : [];
  if (candidates.length === 0) return { table: undefined, strength: 0, evidence: [], ambiguous: true };
  if (candidates.length === 1) return { table: candidates[0], strength: 3, evidence, ambiguous: false };
  const votes = new Map<TableName, number>();
  const words = new Map<TableName, string[]>();
  for (const l of following) {
    const g = guessTable(l.chain, l.target);
    if (g.table === undefined || !candidates.includes(g.table)) continue;
    votes.set(g.table, (votes.get(g.table) ?? 0) + g.strength);
    const w = words.get(g.table) ?? [];
    words.set(g.table, [...w, ...g.evidence]);
  }
  let best: TableName | undefined;
  let bestVotes = 0;
  let tie = false;
  for (const t of candidates) {
    const v = votes.get(t) ?? 0;
    if (v > bestVotes) {
      best = t;
      bestVotes = v;
      tie = false;
    } else if (v === bestVotes && v > 0) tie = true;
  }
  if (best !== undefined && !tie) return { table: best, strength: bestVotes, evidence: [...evidence, ...(words.get(best) ?? [])], ambiguous: false };
  // filter's and security's chains with nothing for security: `iptables -S` without `-t` shows filter.
  if (best === undefined && exact.length === 2 && exact.includes('filter')) return { table: 'filter', strength: 3, evidence, ambiguous: false };
  // No evidence, or as much for two tables: the fragment's current table if it can be, else the first in order.
  const tied = best === undefined ? candidates : candidates.filter((t) => (votes.get(t) ?? 0) === bestVotes);
  const table = previous !== undefined && tied.includes(previous) ? previous : tied[0]!;
  return { table, strength: 0, evidence: [], ambiguous: true };
}
