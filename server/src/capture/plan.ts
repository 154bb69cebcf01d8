/**
 * What `kube-netlint collect` runs, as data: each entry is one read-only command (an argv, never
 * shell text), the file its output goes to, the kind of dump that file holds, and when it applies.
 * The runner (run.ts) and the writer (write.ts) know nothing about iptables or conntrack; this
 * table is the only place that does, so a test can read it and assert that nothing in it changes
 * the node.
 */
import type { KnownKind } from '../formats/kind';

/**
 * The dump kind a file holds. Kinds kube-netlint reads today are `KnownKind`s; the others are
 * captured for people and for formats still to come (their files are not linted yet).
 */
export type CaptureKind = KnownKind | 'nftables' | 'ip-link' | 'ip-addr' | 'ip-route' | 'ip-rule' | 'bridge-link' | 'tool-version' | 'conntrack-count';

/** When an entry runs. */
export type Applies =
  /** Always (a missing program is recorded in the manifest). */
  | { readonly when: 'always' }
  /** Only when the program exists: the optional back ends (`iptables-legacy-save` on a host without it is not "missing"). */
  | { readonly when: 'if-installed' }
  /** Only when none of these programs exist (the plain `iptables-save` of iptables < 1.8, which has no back-end variants). */
  | { readonly when: 'unless-installed'; readonly programs: readonly string[] }
  /** Once per overlay device found in the `ip -d link` capture; `{dev}` in argv and file is the device. */
  | { readonly when: 'per-overlay-device' };

/** Where stderr goes. */
export type StderrUse =
  /** Recorded in the manifest only (an excerpt). */
  | 'manifest'
  /**
   * Written into the saved file before stdout, each line as a `#` comment: the file's own format
   * treats it as a comment and kube-netlint reads it (iptables-nft's "# Warning: iptables-legacy
   * tables present" banner goes to stderr, so a plain redirect loses it).
   */
  | 'comment-before'
  /** Appended after stdout as is: `conntrack -L` prints its "N flow entries have been shown." trailer there. */
  | 'append';

export interface PlanEntry {
  /** Stable id, used in the manifest and in tests. */
  readonly id: string;
  /** Program and arguments, exactly as the program receives them. */
  readonly argv: readonly [program: string, ...args: string[]];
  /** File name inside --out (named so that detect.ts and package.json's filenamePatterns read it as `kind`), or where in the manifest the output goes. */
  readonly output: { readonly file: string } | { readonly manifest: 'tools' | 'conntrack-count' };
  readonly kind: CaptureKind;
  readonly applies: Applies;
  readonly stderr: StderrUse;
  /** Stop reading after this many lines (only `conntrack -L`, bounded by --max-conntrack). */
  readonly lineCap?: 'max-conntrack';
  /** Outputs that are short by nature get a small size cap; others use the collector's default. */
  readonly maxBytes?: number;
}

const SMALL = 64 * 1024;
const ALWAYS: Applies = { when: 'always' };
const IF_INSTALLED: Applies = { when: 'if-installed' };

/** iptables-save from both back ends (ipv4 and ipv6); the plain program only when it has no variants. */
const IPTABLES_SAVE: readonly PlanEntry[] = (['iptables', 'ip6tables'] as const).flatMap((family): PlanEntry[] => [
  ...(['legacy', 'nft'] as const).map(
    (backend): PlanEntry => ({
      id: `${family}-${backend}-save`,
      argv: [`${family}-${backend}-save`],
      output: { file: `${family}-${backend}-save.txt` },
      kind: 'iptables',
      applies: IF_INSTALLED,
      stderr: 'comment-before',
    }),
  ),
  {
    id: `${family}-save`,
    argv: [`${family}-save`],
    output: { file: `${family}-save.txt` },
    kind: 'iptables',
    applies: { when: 'unless-installed', programs: [`${family}-legacy-save`, `${family}-nft-save`] },
    stderr: 'comment-before',
  },
]);

export const PLAN: readonly PlanEntry[] = [
  ...IPTABLES_SAVE,
  { id: 'iptables-nat-listing', argv: ['iptables', '-t', 'nat', '-L', '-n', '-v', '-x'], output: { file: 'iptables-nat-L.txt' }, kind: 'iptables', applies: ALWAYS, stderr: 'comment-before' },
  { id: 'nft-ruleset', argv: ['nft', 'list', 'ruleset'], output: { file: 'nft-list-ruleset.nft' }, kind: 'nftables', applies: ALWAYS, stderr: 'manifest' },
  { id: 'nft-ruleset-handles', argv: ['nft', '-a', 'list', 'ruleset'], output: { file: 'nft-list-ruleset-a.nft' }, kind: 'nftables', applies: ALWAYS, stderr: 'manifest' },
  { id: 'ipvsadm', argv: ['ipvsadm', '-Ln'], output: { file: 'ipvsadm-Ln.txt' }, kind: 'ipvsadm', applies: ALWAYS, stderr: 'manifest' },
  { id: 'ipvsadm-stats', argv: ['ipvsadm', '-Ln', '--stats'], output: { file: 'ipvsadm-Ln-stats.txt' }, kind: 'ipvsadm', applies: ALWAYS, stderr: 'manifest' },
  { id: 'ipvsadm-timeout', argv: ['ipvsadm', '-Ln', '--timeout'], output: { file: 'ipvsadm-Ln-timeout.txt' }, kind: 'ipvsadm', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
  { id: 'conntrack-stats', argv: ['conntrack', '-S'], output: { file: 'conntrack-S.txt' }, kind: 'conntrack', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
  { id: 'conntrack-count', argv: ['conntrack', '-C'], output: { manifest: 'conntrack-count' }, kind: 'conntrack-count', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
  { id: 'conntrack-list', argv: ['conntrack', '-L'], output: { file: 'conntrack-L.txt' }, kind: 'conntrack', applies: ALWAYS, stderr: 'append', lineCap: 'max-conntrack' },
  { id: 'sysctl', argv: ['sysctl', '-a'], output: { file: 'sysctl-a.txt' }, kind: 'sysctl', applies: ALWAYS, stderr: 'manifest' },
  { id: 'uname', argv: ['uname', '-r'], output: { file: 'uname-r.txt' }, kind: 'sysctl', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
  { id: 'ip-link', argv: ['ip', '-d', 'link', 'show'], output: { file: 'ip-d-link.txt' }, kind: 'ip-link', applies: ALWAYS, stderr: 'manifest' },
  { id: 'ip-addr', argv: ['ip', '-d', 'addr', 'show'], output: { file: 'ip-d-addr.txt' }, kind: 'ip-addr', applies: ALWAYS, stderr: 'manifest' },
  { id: 'ip-route', argv: ['ip', 'route', 'show', 'table', 'all'], output: { file: 'ip-route.txt' }, kind: 'ip-route', applies: ALWAYS, stderr: 'manifest' },
  { id: 'ip-rule', argv: ['ip', 'rule', 'show'], output: { file: 'ip-rule.txt' }, kind: 'ip-rule', applies: ALWAYS, stderr: 'manifest' },
  { id: 'bridge-link', argv: ['bridge', '-d', 'link', 'show'], output: { file: 'bridge-d-link.txt' }, kind: 'bridge-link', applies: ALWAYS, stderr: 'manifest' },
  { id: 'ethtool-features', argv: ['ethtool', '-k', '{dev}'], output: { file: 'ethtool-k-{dev}.txt' }, kind: 'ethtool', applies: { when: 'per-overlay-device' }, stderr: 'manifest', maxBytes: SMALL },
  { id: 'iptables-version', argv: ['iptables', '-V'], output: { manifest: 'tools' }, kind: 'tool-version', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
  { id: 'nft-version', argv: ['nft', '--version'], output: { manifest: 'tools' }, kind: 'tool-version', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
  { id: 'conntrack-version', argv: ['conntrack', '--version'], output: { manifest: 'tools' }, kind: 'tool-version', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
  { id: 'ipvsadm-version', argv: ['ipvsadm', '--version'], output: { manifest: 'tools' }, kind: 'tool-version', applies: ALWAYS, stderr: 'manifest', maxBytes: SMALL },
];

/**
 * Link kinds (the word `ip -d link` prints on the line after `link/...`) of the overlay devices
 * whose offloads matter: flannel.1, vxlan.calico, cilium_vxlan, genev_sys_6081, wg0, tunl0, ...
 */
export const OVERLAY_LINK_KINDS: ReadonlySet<string> = new Set(['vxlan', 'geneve', 'wireguard', 'ipip', 'ip6tnl']);

/**
 * Interface names that are safe as a file name part and as an argument: Linux allows up to 15
 * bytes and forbids `/` and whitespace; a name outside this set is recorded and skipped rather
 * than mapped (two names must never share one file).
 */
const SAFE_DEVICE = /^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,14}$/;

/** A link header line of `ip -d link`: `3: eth0@if2: <BROADCAST,...> mtu 1500 ...`. */
const LINK_HEADER = /^\d+:\s+([^\s:@]+)(?:@[^\s:]+)?:\s+</;
/** The details line naming the link kind: four spaces, then the kind (`    vxlan id 1 local ...`). */
const KIND_LINE = /^\s+([a-z][a-z0-9_]*)(?:\s|$)/;

export interface OverlayDevices {
  readonly devices: readonly string[];
  /** Overlay devices whose names were not safe to use (recorded in the manifest). */
  readonly refused: readonly string[];
}

/**
 * The overlay devices in an `ip -d link` capture. One pass, no backtracking: the capture comes
 * from the node but is still bounded text from a program.
 */
export function overlayDevices(ipDetailLink: string): OverlayDevices {
  const devices: string[] = [];
  const refused: string[] = [];
  let current: string | undefined;
  let kindSeen = false;
  for (const line of ipDetailLink.split('\n')) {
    const header = LINK_HEADER.exec(line);
    if (header) {
      current = header[1];
      kindSeen = false;
      continue;
    }
    if (current === undefined || kindSeen || /^\s+link\//.test(line)) continue;
    const kind = KIND_LINE.exec(line);
    if (!kind) continue;
    kindSeen = true;
    if (!OVERLAY_LINK_KINDS.has(kind[1]!)) continue;
    const list = SAFE_DEVICE.test(current) ? devices : refused;
    if (!list.includes(current)) list.push(current);
  }
  return { devices, refused };
}

/** An entry with `{dev}` replaced: the concrete command for one device. */
export function forDevice(entry: PlanEntry, device: string): PlanEntry {
  const sub = (s: string): string => s.split('{dev}').join(device);
  const [program, ...args] = entry.argv;
  return {
    ...entry,
    id: `${entry.id}:${device}`,
    argv: [sub(program), ...args.map(sub)],
    output: 'file' in entry.output ? { file: sub(entry.output.file) } : entry.output,
  };
}

/** Whether `name` is a file some entry of `plan` writes (`{dev}` standing for any device name). */
export function isPlanOutput(plan: readonly PlanEntry[], name: string): boolean {
  return plan.some((e) => {
    if (!('file' in e.output)) return false;
    const [before, after] = e.output.file.split('{dev}');
    if (after === undefined) return name === before;
    return name.length > before!.length + after.length && name.startsWith(before!) && name.endsWith(after);
  });
}
