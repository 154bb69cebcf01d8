import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';

/**
 * One model for every way a node's sysctl settings reach us: `sysctl -a` output (also with its
 * stderr mixed in), `/etc/sysctl.conf`, `/etc/sysctl.d/*.conf`, `sysctl --system` output, and a
 * `uname -r` / `uname -a` line that gives the kernel release. The model is a plain, serialisable
 * object; lookups are free functions (`effective`, `kernelRelease`) so it can cross process and
 * cache boundaries unchanged.
 */
export interface SysctlModel {
  /** Every assignment in document order, duplicates included (the last one wins, see `effective`). */
  readonly entries: readonly SysctlEntry[];
  /** sysctl.d(5) exclusions: a `-` prefixed key without `=` (`-net.ipv4.conf.lo.rp_filter`). */
  readonly exclusions: readonly SysctlExclusion[];
  /** Every `#` / `;` comment line (suppression directives live here). */
  readonly comments: readonly SysctlComment[];
  /**
   * Lines written by the tools rather than settings: `sysctl: permission denied on key ...`,
   * `sysctl: cannot stat ...`, `* Applying /etc/sysctl.d/...`, lsinitrd-style file headers.
   * They are recorded, not reported: they are normal in a `sysctl -a 2>&1` paste.
   */
  readonly notes: readonly SysctlNote[];
  readonly problems: readonly ParseProblem[];
}

/** A value token; `number` is set when the token is a decimal integer (approximate beyond 2^53). */
export interface SysctlValuePart extends Located<string> {
  readonly number?: number;
}

export interface SysctlEntry {
  /**
   * Canonical dotted key as `sysctl -a` prints it. sysctl.d(5): if the first separator of the
   * written key is `/`, dots and slashes are interchanged (`net/ipv4/conf/eth0.100/rp_filter` is
   * `net.ipv4.conf.eth0/100.rp_filter`); if it is `.`, the key is kept as written.
   */
  readonly key: string;
  /** The key exactly as written (without the `-` prefix) and where. */
  readonly rawKey: Located<string>;
  /** The value as sysctl writes it: trimmed, inner whitespace kept. Empty (span of length 0) for `key =`. */
  readonly value: Located<string>;
  /** Whitespace-separated parts of the value (`32768\t60999` → two parts), each located. */
  readonly parts: readonly SysctlValuePart[];
  /** The value as a number when it is one decimal integer. */
  readonly number?: number;
  /** Zero-based line number. */
  readonly line: number;
  /** From the first character (the `-` prefix if any) to the end of the value. */
  readonly span: Span;
  /** `-key = value`: failures to set the key are ignored (systemd-sysctl; newer procps-ng sysctl too). */
  readonly ignoreErrors: boolean;
  /** The `-` prefix, when present. */
  readonly ignoreErrorsSpan?: Span;
  /** The key contains glob characters (`*`, `?`, `[`): a sysctl.d pattern assignment. */
  readonly glob: boolean;
  /**
   * True when the line directly above sets the same key: `sysctl -a` prints a multi-line value
   * (`kernel.core_modes`, `dev.cdrom.info`) as one `key = line` per line. Such runs are not
   * reported as duplicates; `effective` still returns the last line, as sysctl -p would apply it.
   */
  readonly continuation: boolean;
  /** The comment on the line directly above the entry, if any (documentation or a directive). */
  readonly comment?: SysctlComment;
  /**
   * `sysctl` for a `key = value` line (sysctl -a output or a conf file); `uname` for a kernel
   * release read from a `uname -r` / `uname -a` line, entered as `kernel.osrelease` with an empty
   * `rawKey` (a zero-length span where the release starts).
   */
  readonly origin: 'sysctl' | 'uname';
  /**
   * The file named by the last `initramfs:/path` container header above this entry. `* Applying`
   * lines of `sysctl --system` do not set it: procps-ng 4 prints them all before any setting.
   */
  readonly file?: string;
}

export interface SysctlExclusion {
  readonly key: string;
  readonly rawKey: Located<string>;
  readonly span: Span;
  readonly line: number;
}

export interface SysctlComment {
  readonly marker: '#' | ';';
  /** The text after the marker, trimmed. */
  readonly text: Located<string>;
  /** From the marker to the end of the line's content. */
  readonly span: Span;
  readonly line: number;
}

export type SysctlNoteKind =
  /** `sysctl: permission denied on key 'kernel.cad_pid'` (non-root `sysctl -a`). */
  | 'permission-denied'
  /** `sysctl: cannot stat /proc/sys/net/ipv4/tcp_tw_recycle: No such file or directory`. */
  | 'cannot-stat'
  /** `sysctl: reading key "net.ipv6.conf.all.stable_secret"`. */
  | 'reading-key'
  /** `sysctl: setting key "...": Invalid argument`, old procps `error: "..." setting key "..."`. */
  | 'setting-key'
  /** Old procps: `error: "net.bridge.bridge-nf-call-iptables" is an unknown key`. */
  | 'unknown-key'
  /** `* Applying /etc/sysctl.d/99-sysctl.conf ...` (`sysctl --system`). */
  | 'applying'
  /** `initramfs:/etc/sysctl.conf` (lsinitrd / insights-style concatenation header). */
  | 'file-header'
  /** A line of `=` characters separating concatenated files. */
  | 'separator'
  /** Any other `sysctl: ...` message. */
  | 'other';

export interface SysctlNote {
  readonly kind: SysctlNoteKind;
  readonly span: Span;
  readonly line: number;
  /** The key the message is about, canonical dotted form (derived from the path for `cannot stat`). */
  readonly key?: string;
  /** Where that key (or path) is written in the message. */
  readonly keySpan?: Span;
  /** The file of an `applying` / `file-header` note. */
  readonly file?: Located<string>;
}
