import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';

/**
 * One model for everything conntrack prints, as a paste may mix them:
 *
 * - the connection table: `conntrack -L` (also `-o extended`, which adds the `ipv4 2` columns),
 *   `/proc/net/nf_conntrack`, legacy `/proc/net/ip_conntrack`, `conntrackd -i` (no timeout);
 * - `conntrack -E` event lines (`[NEW] tcp ...`);
 * - the `conntrack v1.4.6 (conntrack-tools): 50 flow entries have been shown.` trailer;
 * - statistics: `conntrack -S` (`cpu=0 found=0 invalid=123 ...`, also without `cpu=`), the very old
 *   `conntrack -S` one-counter-per-line form and the `/proc/net/stat/nf_conntrack` hex table.
 *
 * A node's table can hold a million entries, so the model keeps AGGREGATES of the table (counts,
 * bounded groups with example spans, a bounded sample of fully parsed entries), never every entry.
 * `parseConntrackEntry` re-parses any single line in full (hover).
 */
export interface ConntrackModel {
  /** The shapes found in the text, in order of first appearance. */
  readonly formats: readonly ConntrackFormat[];
  /** Aggregates over the table entries (event lines are counted separately in `events`). */
  readonly table: ConntrackTableAggregate;
  readonly events: ConntrackEventAggregate;
  /** `conntrack vX (conntrack-tools): ...` lines (stderr; may come before the entries when piped). At most MAX_LIST. */
  readonly summaries: readonly ConntrackSummary[];
  /** `conntrack -C` output: a lone number, the current number of entries in the table. At most MAX_LIST. */
  readonly counts: readonly Located<number>[];
  /** Statistics tables; a second `cpu=0` row or a new header starts a new table (snapshot). At most MAX_STATS_ROWS rows in all. */
  readonly stats: readonly ConntrackStatsTable[];
  /** Lines such as `...` where the author elided output: the paste is not the whole dump. At most MAX_LIST. */
  readonly elisions: readonly Span[];
  readonly problems: readonly ParseProblem[];
}

export type ConntrackFormat =
  /** `conntrack -L`, legacy `/proc/net/ip_conntrack`: `tcp 6 117 TIME_WAIT src=...`. */
  | 'list'
  /** `/proc/net/nf_conntrack` or `conntrack -L -o extended`: `ipv4 2 tcp 6 117 ...`. */
  | 'list-l3'
  /** `conntrackd -i`: no timeout column, `[active since 536s]`. */
  | 'cache'
  /** `conntrack -E`: `[NEW] tcp ...`. */
  | 'events'
  /** `conntrack -S`: `cpu=0 found=0 invalid=0 ...` (or the same without `cpu=`). */
  | 'stats'
  /** `/proc/net/stat/nf_conntrack`: header row of counter names, one hex row per CPU. */
  | 'stats-proc'
  /** Old `conntrack -S` (proc fallback): one `name   value` line per counter, first CPU only. */
  | 'stats-legacy';

/** Where an entry is: enough for a diagnostic or for `parseConntrackEntry` to re-read it. */
export interface ConntrackEntryRef {
  /** The entry's text on its line (without leading blanks or the line break). */
  readonly span: Span;
  /** Zero-based line number. */
  readonly line: number;
  /** The span of the value the entry was grouped by (e.g. the reply `src=` address). */
  readonly key: Span;
}

/** Entries sharing one key (an address), with where the first few of them are. */
export interface ConntrackEntryGroup {
  readonly key: string;
  readonly count: number;
  /** The first `MAX_GROUP_EXAMPLES` entries of the group in document order. */
  readonly examples: readonly ConntrackEntryRef[];
}

/** Bounded grouping: at most `MAX_GROUPS` distinct keys are kept, in order of first appearance. */
export interface ConntrackGroups {
  /** Entries that matched the condition, grouped or not. */
  readonly total: number;
  readonly groups: readonly ConntrackEntryGroup[];
  /** Entries whose key first appeared after the group limit was reached (not in any group). */
  readonly ungrouped: number;
}

export interface ConntrackTableAggregate {
  /** Complete table entries (both tuples read). */
  readonly total: number;
  /** Entry lines that were cut off or malformed (each has a problem); not in any other count. */
  readonly incomplete: number;
  /** `ipv4` / `ipv6` (only the `list-l3` shape names the L3 protocol; others are not counted). */
  readonly byL3: ReadonlyMap<string, number>;
  /** `tcp`, `udp`, `icmp`, ... */
  readonly byL4: ReadonlyMap<string, number>;
  /** TCP entries by conntrack state (`ESTABLISHED`, `TIME_WAIT`, ...). */
  readonly byTcpState: ReadonlyMap<string, number>;
  readonly unreplied: number;
  readonly assured: number;
  /**
   * Complete entries holding a blanked-out value (`dst=x.x.x.x`, core/redaction.ts): counted in
   * `total` and by protocol, state and flags, but in no NAT count, group or DNS count (their
   * addresses and ports are unknown).
   */
  readonly redacted: number;
  /** Entries whose reply `src` differs from the original `dst` (destination NAT: service -> pod). */
  readonly dnat: number;
  /** Entries whose reply `dst` differs from the original `src` (source NAT / MASQUERADE). */
  readonly snat: number;
  /** TCP `SYN_SENT` + `[UNREPLIED]`, grouped by reply-tuple source (the DNATed pod). */
  readonly synSentUnreplied: ConntrackGroups;
  readonly dns: ConntrackDnsAggregate;
  /** UDP `[UNREPLIED]` entries WITHOUT destination NAT, grouped by original `dst` (stale ClusterIP flows). */
  readonly udpUnrepliedNoDnat: ConntrackGroups;
  /** The first `MAX_SAMPLE` entry lines (complete or not, events included), parsed in full. */
  readonly sample: readonly ConntrackEntry[];
}

export interface ConntrackDnsAggregate {
  /** UDP entries with original `dport=53`. */
  readonly udp: number;
  readonly udpUnreplied: number;
  /** TCP entries with original `dport=53`. */
  readonly tcp: number;
  /** UDP/53 entries grouped by original `dst` (the DNS service address). */
  readonly udpByDst: ConntrackGroups;
}

export interface ConntrackEventAggregate {
  readonly total: number;
  /** `NEW`, `UPDATE`, `DESTROY`. */
  readonly byType: ReadonlyMap<string, number>;
}

/** A key=value field exactly as printed. */
export interface ConntrackField {
  readonly key: Located<string>;
  /** The raw value text (for `secctx=` a label, for `src=` an address, ...). */
  readonly value: Located<string>;
  /** Decimal value when the text is an unsigned decimal number. */
  readonly number?: number;
  /** `key=value`. */
  readonly span: Span;
}

/** One direction of a flow: `src= dst= sport= dport=` (ICMP: `type= code= id=`), with its counters. */
export interface ConntrackTuple {
  /** From the first to the last field of the tuple. */
  readonly span: Span;
  readonly src?: Located<string>;
  readonly dst?: Located<string>;
  readonly sport?: Located<number>;
  readonly dport?: Located<number>;
  /** ICMP. */
  readonly type?: Located<number>;
  readonly code?: Located<number>;
  readonly id?: Located<number>;
  /** With `nf_conntrack_acct=1`. */
  readonly packets?: Located<number>;
  readonly bytes?: Located<number>;
  /** All fields of the tuple in order (including `vtag=`, `srckey=`, ... for SCTP/GRE). */
  readonly fields: readonly ConntrackField[];
}

/** A `[...]` token: `[UNREPLIED]`, `[ASSURED]`, `[OFFLOAD]`, `[active since 536s]`, `[NEW]`. */
export type ConntrackFlag = Located<string>;

export interface ConntrackEntry {
  /** The entry's text (without leading blanks and the line break). */
  readonly span: Span;
  /** Zero-based line number (0 when parsed alone with `parseConntrackEntry`). */
  readonly line: number;
  /** A `cat -n` line number prefix. */
  readonly lineNumber?: Located<number>;
  /** `conntrack -E` event type (`NEW`, `UPDATE`, `DESTROY`); the span covers `[NEW]`. */
  readonly event?: Located<string>;
  /** `conntrack -E -o timestamp`: `[1700000000.123456]`, seconds. */
  readonly eventTime?: Located<number>;
  /** `ipv4` / `ipv6` (only in the `list-l3` shape). */
  readonly l3?: Located<string>;
  readonly l3Number?: Located<number>;
  /** `tcp`, `udp`, ... When the name was cut off, it is inferred from the number and its span is the number's. */
  readonly protocol: Located<string>;
  readonly protocolNumber?: Located<number>;
  /** True when `protocol` was inferred from `protocolNumber` (the line starts mid-entry). */
  readonly protocolInferred?: boolean;
  /** Seconds until the entry expires (absent in `conntrackd -i`). */
  readonly timeout?: Located<number>;
  /** TCP/SCTP/DCCP state word. */
  readonly state?: Located<string>;
  readonly original: ConntrackTuple;
  readonly reply?: ConntrackTuple;
  readonly unreplied?: Span;
  readonly assured?: Span;
  /** Every bracketed flag after the protocol header, in order (inner text as value). */
  readonly flags: readonly ConntrackFlag[];
  readonly mark?: Located<number>;
  readonly secmark?: Located<number>;
  readonly secctx?: Located<string>;
  readonly zone?: Located<number>;
  readonly use?: Located<number>;
  /** Fields after the tuples (mark, use, zone, vendor extras, ...), in order. */
  readonly fields: readonly ConntrackField[];
  /** Both tuples read with valid addresses (or blanked-out ones: `redacted`). */
  readonly complete: boolean;
  /** Reply `src` != original `dst` (false when a value is blanked out: unknown). */
  readonly dnat: boolean;
  /** Reply `dst` != original `src` (false when a value is blanked out: unknown). */
  readonly snat: boolean;
  /** A value of the entry was blanked out before the dump was shared (`dst=x.x.x.x`). */
  readonly redacted?: true;
}

export interface ConntrackEntryParse {
  readonly entry?: ConntrackEntry;
  readonly problems: readonly ParseProblem[];
}

export interface ConntrackSummary {
  readonly span: Span;
  /** `1.4.6`. */
  readonly version: Located<string>;
  /** Everything after `(conntrack-tools): `. */
  readonly message: Located<string>;
  /** `50` in `50 flow entries have been shown.` */
  readonly count?: Located<number>;
  /** `entries`, `events`, `expectations`. */
  readonly what?: string;
  /** `shown`, `deleted`, `created`, `updated`, `added`. */
  readonly action?: string;
}

export interface ConntrackStatCounter {
  readonly name: Located<string>;
  /** Parsed value (hex in the proc table, decimal otherwise); span is the value text. */
  readonly value: Located<number>;
  /** The value as printed (`0000588a`, `2329761182`). */
  readonly raw: string;
}

export interface ConntrackStatsRow {
  /** `cpu=N` as printed; absent in the proc table (row order is the CPU) and the summary forms. */
  readonly cpu?: Located<number>;
  /** Position of the row in its table. */
  readonly index: number;
  /** Counter name -> value, in printed order. */
  readonly counters: ReadonlyMap<string, ConntrackStatCounter>;
  readonly span: Span;
  readonly line: number;
}

export interface ConntrackStatsTable {
  readonly format: 'stats' | 'stats-proc' | 'stats-legacy';
  readonly span: Span;
  /** Proc table header: the column names (they differ between kernel versions). */
  readonly header?: { readonly span: Span; readonly columns: readonly Located<string>[] };
  readonly rows: readonly ConntrackStatsRow[];
  /**
   * Sum over rows per counter. `entries` is a global count repeated on every row, so its total
   * is the largest value, not the sum.
   */
  readonly totals: ReadonlyMap<string, number>;
}

export const MAX_GROUPS = 1000;
export const MAX_GROUP_EXAMPLES = 5;
export const MAX_SAMPLE = 100;
export const MAX_PROBLEMS = 1000;
/** Cap for the other lists that grow with the input (summaries, counts, elisions). */
export const MAX_LIST = 1000;
/** Cap for statistics rows over all tables (one row per CPU; 8192 CPUs is far beyond real nodes). */
export const MAX_STATS_ROWS = 8192;

/** Counter names printed by `conntrack -S` and `/proc/net/stat/nf_conntrack` across kernel versions. */
export const STAT_COUNTERS: ReadonlySet<string> = new Set([
  'entries',
  'searched',
  'found',
  'new',
  'invalid',
  'ignore',
  'delete',
  'delete_list',
  'insert',
  'insert_failed',
  'drop',
  'early_drop',
  'error',
  'icmp_error',
  'expect_new',
  'expect_create',
  'expect_delete',
  'search_restart',
  'clash_resolve',
  'clashres',
  'chaintoolong',
  'chainlength',
]);

/** L4 protocol numbers, for entries whose name was cut off. */
export const L4_BY_NUMBER: ReadonlyMap<number, string> = new Map([
  [1, 'icmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [33, 'dccp'],
  [47, 'gre'],
  [58, 'icmpv6'],
  [132, 'sctp'],
  [136, 'udplite'],
]);
