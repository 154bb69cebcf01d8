import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import type { Version } from '../../core/version';

/**
 * One model for every way IPVS state is shown: `ipvsadm -Ln` (and `-L` with names), `--stats`,
 * `--rate`, `--thresholds`, `--persistent-conn`, `-Sn` / `ipvsadm-save`, `/proc/net/ip_vs`,
 * `-L --timeout`, `-Lnc` and `/proc/net/ip_vs_conn`, `/proc/net/ip_vs_stats` and `--daemon`.
 * A paste may hold several of them one after another; each becomes a section that records which
 * variant it is. Rules mostly read the flattened lists (`services`, `timeouts`, ...).
 */
export interface IpvsadmModel {
  readonly sections: readonly IpvsSection[];
  /** Every virtual service of every table section, in document order. */
  readonly services: readonly IpvsService[];
  /** Every `Timeout (tcp tcpfin udp): ...` line, in document order. */
  readonly timeouts: readonly IpvsTimeouts[];
  readonly connectionTables: readonly IpvsConnectionTable[];
  /** `/proc/net/ip_vs_stats` blocks. */
  readonly globalStats: readonly IpvsGlobalStats[];
  /** The first `IP Virtual Server version 1.2.1 (size=4096)` line. */
  readonly version?: IpvsVersionLine;
  /** Shell prompt lines found between outputs (`$ ipvsadm --set 900 30 300`). */
  readonly commands: readonly IpvsCommand[];
  readonly problems: readonly ParseProblem[];
}

export type IpvsVariant =
  /** `ipvsadm -Ln` / `-L`: Scheduler Flags; Forward Weight ActiveConn InActConn. */
  | 'list'
  /** `--stats`: Conns InPkts OutPkts InBytes OutBytes. */
  | 'stats'
  /** `--rate`: CPS InPPS OutPPS InBPS OutBPS. */
  | 'rate'
  /** `--thresholds`: Uthreshold Lthreshold ActiveConn InActConn. */
  | 'thresholds'
  /** `--persistent-conn`: Weight PersistConn ActiveConn InActConn. */
  | 'persistent-conn'
  /** `/proc/net/ip_vs`: like `list` but addresses, ports, fwmarks and masks in hex. */
  | 'proc'
  /** `ipvsadm -Sn` / `ipvsadm-save` (restore format: `-A ...` / `-a ...`). */
  | 'save'
  /** `ipvsadm -L --timeout`. */
  | 'timeout'
  /** `ipvsadm -Lnc` connection table. */
  | 'connections'
  /** `/proc/net/ip_vs_conn` (hex). */
  | 'proc-connections'
  /** `/proc/net/ip_vs_stats` (hex). */
  | 'proc-stats'
  /** `ipvsadm -L --daemon`. */
  | 'daemon';

export type IpvsTableVariant = 'list' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'proc' | 'save';

export interface IpvsSection {
  readonly variant: IpvsVariant;
  /** From the first to the last line of the section. */
  readonly span: Span;
  /** Zero-based line of the first line. */
  readonly line: number;
  /** The shell command shown just before this output (`$ ipvsadm -ln --rate`), if any. */
  readonly command?: IpvsCommand;
  readonly versionLine?: IpvsVersionLine;
  /** The column header line(s) (`Prot LocalAddress:Port ...` / `  -> RemoteAddress:Port ...`). */
  readonly columnHeader?: Span;
  /** Table variants: virtual services with their real servers. */
  readonly services: readonly IpvsService[];
  /** Real-server rows that appear before any virtual service (paste starting mid-table, after `...`). */
  readonly orphanRealServers: readonly IpvsRealServer[];
  /** True when addresses or ports are names (`ipvsadm -L` without `-n`). */
  readonly resolvedNames: boolean;
  readonly timeouts?: IpvsTimeouts;
  readonly connections?: IpvsConnectionTable;
  readonly globalStats?: IpvsGlobalStats;
  readonly daemons: readonly IpvsDaemon[];
}

export interface IpvsVersionLine {
  readonly span: Span;
  /** `1.2.1` (DPVS prints its own version, old builds `0.0.0`). */
  readonly version: Located<Version>;
  /** Connection hash table size (`size=4096`, 2^ip_vs_conn_tab_bits). Not a limit on connections. */
  readonly tableSize?: IpvsNumber;
}

export interface IpvsCommand {
  /** The command without its prompt (`ipvsadm --set 900 30 300`). */
  readonly text: Located<string>;
  readonly span: Span;
}

/** A number read from a column; `raw` is the token as printed. */
export interface IpvsNumber extends Located<number> {
  readonly raw: string;
}

/**
 * A counter as ipvsadm prints it without `--exact`: `2938M` means at least 2 938 000 000
 * (ipvsadm divides by 1000 and truncates). `value` is the expanded number, `unit` the suffix.
 */
export interface IpvsCounter extends IpvsNumber {
  readonly unit?: 'K' | 'M' | 'G' | 'T';
  /** True when a unit suffix was used: the real value is in [value, value + multiplier). */
  readonly approximate: boolean;
}

export interface IpvsStats {
  readonly conns: IpvsCounter;
  readonly inPackets: IpvsCounter;
  readonly outPackets: IpvsCounter;
  readonly inBytes: IpvsCounter;
  readonly outBytes: IpvsCounter;
  readonly span: Span;
}

export interface IpvsRate {
  readonly connsPerSecond: IpvsCounter;
  readonly inPacketsPerSecond: IpvsCounter;
  readonly outPacketsPerSecond: IpvsCounter;
  readonly inBytesPerSecond: IpvsCounter;
  readonly outBytesPerSecond: IpvsCounter;
  readonly span: Span;
}

export type IpvsFamily = 'ipv4' | 'ipv6' | 'name';

/** `10.0.0.1:443`, `[fd00::1]:443`, `C0A80A64:0050`, `kubernetes.default.svc.cluster.local:https`. */
export interface IpvsAddress {
  /** The whole address text as written (`[fd00::1]:443`). */
  readonly span: Span;
  readonly text: string;
  /** The host part as written, without brackets (`fd00::1`, `C0A80A64`, `ip-10-0-62-121.ec2.internal`). */
  readonly host: Located<string>;
  /** Canonical numeric address (dotted quad, RFC 5952 IPv6) when the host is numeric or hex. */
  readonly ip?: string;
  readonly family: IpvsFamily;
  /** `hex` for `/proc/net/ip_vs*` (address and port in hex). */
  readonly encoding: 'text' | 'hex';
  /** The port as a number (decoded from hex for /proc). */
  readonly port?: IpvsNumber;
  /** The port as a service name (`https`, `postgresql`) when ipvsadm ran without `-n`. */
  readonly portName?: Located<string>;
  /**
   * ipvsadm cut this name to 28 characters (it does so for IPv4 services without `-n`): the port,
   * and perhaps the end of the name, are missing or wrong.
   */
  readonly truncated: boolean;
  /**
   * The host (or the port) was blanked out before the dump was shared (`x.x.x.x:443`,
   * `<redacted>:80`, core/redaction.ts): unknown, not a name. Two such addresses that read alike
   * may be different servers.
   */
  readonly redacted?: true;
}

export type IpvsProtocol = 'TCP' | 'UDP' | 'SCTP' | 'FWM';

export interface IpvsPersistence {
  /** `persistent 10800` / `-p 10800` (or a bare `-p`). */
  readonly span: Span;
  /** Absent for a bare `-p`: ipvsadm then uses 300 s. */
  readonly timeout?: IpvsNumber;
}

export interface IpvsService {
  readonly variant: IpvsTableVariant;
  /** `TCP`, `UDP`, `SCTP`, `FWM`; the span covers the text it was read from (`TCP`, `-t`, `--tcp-service`). */
  readonly protocol: Located<IpvsProtocol | string>;
  /** Absent for firewall-mark services. */
  readonly address?: IpvsAddress;
  /** Firewall-mark services: `FWM  100` / `-f 100` (hex in /proc). */
  readonly fwmark?: IpvsNumber;
  /** `ipv4`, `ipv6` (bracketed address, `FWM  100 IPv6`, `-f 100 -6`) or `name`. */
  readonly family: IpvsFamily;
  /** Listing formats with scheduler column and the save format (`-s rr`); absent in stats/rate. */
  readonly scheduler?: Located<string>;
  /** `(sh-fallback,sh-port)` / `-b sh-fallback,sh-port`. */
  readonly schedulerFlags: readonly Located<string>[];
  readonly persistence?: IpvsPersistence;
  /** Persistence granularity: `mask 255.255.255.0` / `-M 255.255.255.0` (hex in /proc, decoded here). */
  readonly netmask?: Located<string>;
  /** Persistence engine: `pe sip` / `--pe sip`. */
  readonly persistenceEngine?: Located<string>;
  /** One-packet scheduling: `ops` / `-o` / `--ops`. */
  readonly onePacket?: Span;
  /** Flags this parser does not interpret, as tokens (`dest-check`, `internal:default`, `conn-timeout`, `60`, `sip`). */
  readonly otherFlags: readonly Located<string>[];
  /** Listings: everything after the scheduler (the `Flags` column); save format: every option after the service. */
  readonly flagsSpan?: Span;
  readonly stats?: IpvsStats;
  readonly rate?: IpvsRate;
  readonly realServers: readonly IpvsRealServer[];
  /** The service line (trimmed). */
  readonly span: Span;
  readonly line: number;
}

export type IpvsForwardMethod = 'Masq' | 'Route' | 'Tunnel' | 'Local' | 'FullNat' | 'SNat';

export interface IpvsRealServer {
  readonly variant: IpvsTableVariant;
  readonly address: IpvsAddress;
  /** `Masq`, `Route`, `Tunnel`, `Local`, `FullNat` (DPVS); save: `-m`, `-g`, `-i`. Absent: not shown / save default (`-g`). */
  readonly forward?: Located<IpvsForwardMethod | string>;
  /** Absent in save format means the default 1. */
  readonly weight?: IpvsNumber;
  readonly activeConn?: IpvsNumber;
  readonly inActConn?: IpvsNumber;
  readonly persistConn?: IpvsNumber;
  readonly upperThreshold?: IpvsNumber;
  readonly lowerThreshold?: IpvsNumber;
  readonly stats?: IpvsStats;
  readonly rate?: IpvsRate;
  /** Trailing tokens beyond the columns (`inhibited` from DPVS health checks; save options not read). */
  readonly extra: readonly Located<string>[];
  /** The row (trimmed). */
  readonly span: Span;
  readonly line: number;
}

export interface IpvsTimeouts {
  readonly span: Span;
  /** Idle timeout of established TCP entries (s); ipvsadm default 900. */
  readonly tcp?: IpvsNumber;
  /** TCP entries after FIN (s); default 120. */
  readonly tcpFin?: IpvsNumber;
  /** UDP entries (s); default 300. */
  readonly udp?: IpvsNumber;
}

export interface IpvsConnection {
  readonly protocol: Located<string>;
  /** Seconds left before the entry expires (`14:59` → 899). */
  readonly expire: IpvsNumber;
  readonly state: Located<string>;
  readonly source: IpvsAddress;
  readonly virtual: IpvsAddress;
  readonly destination: IpvsAddress;
  /** Persistence engine name and data, when shown. */
  readonly persistenceEngine?: Located<string>;
  readonly persistenceData?: Located<string>;
  readonly span: Span;
  readonly line: number;
}

export interface IpvsConnectionCount {
  readonly count: number;
  /** Count per IPVS state (`ESTABLISHED`, `TIME_WAIT`, `NONE` for persistence templates, ...). */
  readonly byState: ReadonlyMap<string, number>;
  /** The first entry counted here. */
  readonly firstSeen: Span;
}

export interface IpvsVirtualConnections extends IpvsConnectionCount {
  readonly protocol: string;
  /** The virtual address text as written (`169.46.7.238:28372`). */
  readonly virtual: string;
}

export interface IpvsDestinationConnections extends IpvsVirtualConnections {
  readonly destination: string;
}

export interface IpvsConnectionTable {
  readonly variant: 'connections' | 'proc-connections';
  readonly span: Span;
  /** `IPVS connection entries` and the column header line. */
  readonly header?: Span;
  /** Number of entries read. */
  readonly total: number;
  readonly byState: ReadonlyMap<string, number>;
  /** Per protocol + virtual address (keys bounded across the paste; see `unaggregated`). */
  readonly byVirtual: readonly IpvsVirtualConnections[];
  /** Per protocol + virtual + destination (bounded). */
  readonly byDestination: readonly IpvsDestinationConnections[];
  /** Entries counted in `total`/`byState` but not in `byVirtual`/`byDestination` because of the bound. */
  readonly unaggregated: number;
  /** The first entries with their spans (bounded across all tables of a paste; `omittedEntries` more were only counted). */
  readonly entries: readonly IpvsConnection[];
  readonly omittedEntries: number;
}

export interface IpvsGlobalStats {
  readonly span: Span;
  readonly totals?: {
    readonly conns: IpvsNumber;
    readonly inPackets: IpvsNumber;
    readonly outPackets: IpvsNumber;
    readonly inBytes: IpvsNumber;
    readonly outBytes: IpvsNumber;
    readonly span: Span;
  };
  readonly rates?: {
    readonly connsPerSecond: IpvsNumber;
    readonly inPacketsPerSecond: IpvsNumber;
    readonly outPacketsPerSecond: IpvsNumber;
    readonly inBytesPerSecond: IpvsNumber;
    readonly outBytesPerSecond: IpvsNumber;
    readonly span: Span;
  };
}

/** `master sync daemon (mcast=eth0, syncid=1)`. */
export interface IpvsDaemon {
  readonly role: Located<'master' | 'backup'>;
  readonly mcastInterface?: Located<string>;
  readonly syncId?: IpvsNumber;
  readonly span: Span;
}

/** Schedulers known to the kernel (`ip_vs_<name>` modules) and to DPVS. */
export const IPVS_SCHEDULERS: readonly string[] = [
  'rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos', 'conhash',
];

/** Bounds that keep memory flat on huge pastes (connection bounds are shared by all tables of one paste). */
export const IPVS_LIMITS = {
  /** Lines modelled per paste (services, real servers, headers, ...); rows of a connection table are free. */
  modelLines: 200_000,
  connectionEntries: 1000,
  aggregateKeys: 10000,
  problems: 1000,
  tokensPerLine: 64,
} as const;
