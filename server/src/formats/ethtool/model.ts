import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';

/**
 * What `ethtool -k IFACE` (`--show-features`, `--show-offload`) printed, for one or several
 * interfaces pasted one after another, plus the `Actual changes:` report of `ethtool -K` and the
 * messages ethtool writes around them. A plain, serialisable object; lookups are free functions.
 */
export interface EthtoolModel {
  readonly interfaces: readonly EthtoolInterface[];
  /** `Actual changes:` blocks printed by `ethtool -K IFACE ...`. */
  readonly changes: readonly EthtoolChanges[];
  /** Lines ethtool (or the shell) wrote that are not features: recorded, not reported. */
  readonly notes: readonly EthtoolNote[];
  readonly problems: readonly ParseProblem[];
}

export interface EthtoolInterface {
  /**
   * The interface name from `Features for NAME:` (ethtool ≥ 3.4) or `Offload parameters for NAME:`
   * (older ethtool). Empty, with a zero-length span at the first feature, when feature lines
   * appear without any header (a partial paste).
   */
  readonly name: Located<string>;
  /** The header line; for a headerless block, the zero-length span where the features start. */
  readonly header: Span;
  readonly style: 'features' | 'offload-parameters' | 'headerless';
  readonly features: readonly EthtoolFeature[];
}

export interface EthtoolChanges {
  /** The `Actual changes:` line. */
  readonly header: Span;
  /** The interface named by the `ethtool -K IFACE` command echoed just above, when the paste has it. */
  readonly interface?: Located<string>;
  readonly features: readonly EthtoolFeature[];
}

/** The bracketed note after a state, exactly as ethtool prints it. */
export type EthtoolAnnotation = 'fixed' | 'requested on' | 'requested off' | 'not requested';

export interface EthtoolFeature {
  /** As written (`tx-checksum-ip-generic`; very old ethtool: `tcp segmentation offload`). */
  readonly name: Located<string>;
  /** `name` with spaces turned into `-` (`tcp segmentation offload` → `tcp-segmentation-offload`). */
  readonly canonical: string;
  readonly state: Located<'on' | 'off'>;
  /** `[fixed]`: the driver does not let this feature change (`ethtool -K` cannot turn it on/off). */
  readonly fixed: boolean;
  /** `[requested on]` / `[requested off]`: the user asked for the other state, a dependency prevents it. */
  readonly requested?: 'on' | 'off';
  /** `[not requested]` (`ethtool -K` output): changed as a side effect of another change. */
  readonly notRequested: boolean;
  readonly annotation?: Located<EthtoolAnnotation>;
  /** For an indented sub-feature: the canonical name of the group line above it (`tx-checksumming`). */
  readonly parent?: string;
  /** The whole line without its indentation. */
  readonly span: Span;
  /** Zero-based line number. */
  readonly line: number;
}

export type EthtoolNoteKind =
  /** `Cannot get device udp-fragmentation-offload settings: Operation not supported`, `Cannot get device udp tunnel port information`. */
  | 'cannot-get'
  /** `netlink error: ...`, `Could not change any device features`, `Cannot change ...`, `no offload info available`, ... */
  | 'error'
  /** A shell prompt line running ethtool (`root@node:~# ethtool -k flannel.1`). */
  | 'command';

export interface EthtoolNote {
  readonly kind: EthtoolNoteKind;
  readonly text: Located<string>;
  readonly line: number;
  /** `command`: the interface argument. */
  readonly interface?: Located<string>;
  /** `command`: `-k` (show) or `-K` (change). */
  readonly action?: 'show' | 'change';
}

/**
 * The names `ethtool -K` accepts for the legacy offload groups (short name, the name `ethtool -k`
 * prints, and the kernel feature name), from ethtool's `off_flag_def` table.
 */
export const ETHTOOL_LEGACY_NAMES: readonly { readonly short: string; readonly long: string; readonly kernel: string }[] = [
  { short: 'rx', long: 'rx-checksumming', kernel: 'rx-checksum' },
  { short: 'tx', long: 'tx-checksumming', kernel: 'tx-checksum-*' },
  { short: 'sg', long: 'scatter-gather', kernel: 'tx-scatter-gather*' },
  { short: 'tso', long: 'tcp-segmentation-offload', kernel: 'tx-tcp*-segmentation' },
  { short: 'ufo', long: 'udp-fragmentation-offload', kernel: 'tx-udp-fragmentation' },
  { short: 'gso', long: 'generic-segmentation-offload', kernel: 'tx-generic-segmentation' },
  { short: 'gro', long: 'generic-receive-offload', kernel: 'rx-gro' },
  { short: 'lro', long: 'large-receive-offload', kernel: 'rx-lro' },
  { short: 'rxvlan', long: 'rx-vlan-offload', kernel: 'rx-vlan-hw-parse' },
  { short: 'txvlan', long: 'tx-vlan-offload', kernel: 'tx-vlan-hw-insert' },
  { short: 'ntuple', long: 'ntuple-filters', kernel: 'rx-ntuple-filter' },
  { short: 'rxhash', long: 'receive-hashing', kernel: 'rx-hashing' },
];
