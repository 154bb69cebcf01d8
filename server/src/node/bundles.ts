import { isKnownKind, type KnownKind } from '../formats/kind';

/**
 * Support bundles people already have, read as nodes: which folder is a bundle's root, and which
 * of its files hold which dump, decided by PATH (their names say what command wrote them; their
 * content is often too short to say it, e.g. an empty `conntrack_-L_-o_extended`).
 *
 * - sosreport (sosreport/sos, `sos report`): one node, the whole report. Each plugin writes a
 *   command's output to `sos_commands/<plugin>/<mangled command>`, mangled as sos's
 *   `_mangle_command` does (sos/utilities.py, checked at 5c7e63ee): a leading `/usr/bin/`, `/bin/`,
 *   `/sbin/` dropped, every run of characters other than letters, digits, `_`, `-`, `.` and `/`
 *   becomes one `_`, `/` becomes `.`, and ` ._-` are trimmed at both ends: `nft -a list ruleset` →
 *   `nft_-a_list_ruleset`, `ethtool -k flannel.1` → `ethtool_-k_flannel.1`. Copied files keep their
 *   path (`etc/sysctl.conf`). The plugins read: firewall_tables, conntrack, ipvs, kernel,
 *   networking, kubernetes. `sos_commands/networking/namespaces/<ns>/` holds other network
 *   namespaces (pods), not the node: never read as the node.
 * - Cilium sysdump (`cilium sysdump`, cilium-cli): a folder of cluster-wide manifests with one
 *   `cilium-bugtool-<pod>-<ts>` folder per node (the agent's bugtool archive, unpacked by
 *   sysdump). A sysdump of N nodes is N nodes: each bugtool folder is one, and each also reads
 *   the sysdump's cluster-wide manifests for facts; those manifests are linted once, as a node of
 *   their own (the sysdump folder).
 * - cilium-bugtool: `cmd/<command>.md`, the command with `/` and spaces turned into `-`
 *   (bugtool/cmd/root.go `writeCmdToFile`): `iptables-save -c` → `iptables-save--c.md`. Plain
 *   text despite the `.md` (markdown is an opt-in flag). The archive's own top folder
 *   (`cilium-bugtool-<ts>-<rand>/cmd/`) may sit inside the sysdump's folder.
 *
 * Files of a bundle that no row maps are left out silently (a sosreport holds thousands of files
 * kube-netlint does not read): one summary note per bundle, not one "unknown format" per file.
 */

export type BundleType = 'sosreport' | 'cilium-sysdump' | 'cilium-bugtool';

/** Bundle folder names (users keep the names the tools gave; the archive's name is the folder's). */
export const SYSDUMP_FOLDER = /^cilium-sysdump-/;
export const BUGTOOL_FOLDER = /(?:^|-)cilium-bugtool-/;

export interface PathKindRow {
  readonly bundle: BundleType;
  /**
   * The folder holding the file, relative to the bundle root, segment by segment: a literal, `*`
   * (any one folder), or a last `**` (any depth below, the folder itself included).
   */
  readonly dir: string;
  /** The file's name. */
  readonly name: RegExp;
  /** A kind name: rows whose kind the formats do not know (yet) are left out of KIND_BY_PATH. */
  readonly kind: string;
}

const sos = (dir: string, name: RegExp, kind: string): PathKindRow => ({ bundle: 'sosreport', dir, name, kind });
const bugtool = (name: RegExp, kind: string): PathKindRow[] => [
  { bundle: 'cilium-bugtool', dir: 'cmd', name, kind },
  { bundle: 'cilium-bugtool', dir: '*/cmd', name, kind },
];
const sysdump = (name: RegExp, kind: string): PathKindRow => ({ bundle: 'cilium-sysdump', dir: '', name, kind });

/** Every path → kind row, including kinds still being added (see KIND_BY_PATH for the live ones). */
export const PATH_KIND_ROWS: readonly PathKindRow[] = [
  // firewall_tables: `nft -a list ruleset`; `iptables -t <table> -nvL` per table; `iptables -vnxL`.
  sos('sos_commands/firewall_tables', /^nft_-a_list_ruleset$/, 'nftables'),
  sos('sos_commands/firewall_tables', /^ip6?tables_(?:-t_\w+_-nvL|-vnxL)$/, 'iptables'),
  // sos itself does not run iptables-save for the host (only per namespace); kept for bundles where it was added.
  sos('sos_commands/firewall_tables', /^ip6?tables-save$/, 'iptables'),
  sos('sos_commands/networking', /^ip6?tables-save$/, 'iptables'),
  // conntrack: `conntrack -L -o extended`, `conntrack -S` (older sos ran them from networking).
  sos('sos_commands/conntrack', /^conntrack_-(?:L_-o_extended|S)$/, 'conntrack'),
  sos('sos_commands/networking', /^conntrack_-(?:L_-o_extended|S)$/, 'conntrack'),
  // ipvs: `ipvsadm -Ln` and its --connection, --persistent-conn, --rate, --stats, --thresholds, --timeout.
  sos('sos_commands/ipvs', /^ipvsadm_-Ln(?:_--[a-z-]+)?$/, 'ipvsadm'),
  // kernel: `sysctl -a`, `uname -a` (the kernel release: read as kernel.osrelease), sysctl files copied.
  sos('sos_commands/kernel', /^(?:sysctl_-a|uname_-a)$/, 'sysctl'),
  sos('etc', /^sysctl\.conf$/, 'sysctl'),
  sos('etc/sysctl.d', /\.conf$/, 'sysctl'),
  sos('run/sysctl.d', /\.conf$/, 'sysctl'),
  sos('lib/sysctl.d', /\.conf$/, 'sysctl'),
  sos('usr/lib/sysctl.d', /\.conf$/, 'sysctl'),
  sos('usr/local/lib/sysctl.d', /\.conf$/, 'sysctl'),
  // networking: `ethtool -k <dev>` per device; `ip -s -d link`; `ip -o addr`, `ip -d address`;
  // `ip route show table all`, `ip -6 route show table all`; `ip -4 rule list`, `ip -6 rule list`;
  // `bridge -s -s -d link show`.
  sos('sos_commands/networking', /^ethtool_-k_.+$/, 'ethtool'),
  sos('sos_commands/networking', /^ip(?:_-[sd])*_link$/, 'ip-link'),
  sos('sos_commands/networking', /^ip_(?:-o_addr|-d_address)$/, 'ip-addr'),
  sos('sos_commands/networking', /^ip(?:_-6)?_route_show_table_all$/, 'ip-route'),
  sos('sos_commands/networking', /^ip_-[46]_rule_list$/, 'ip-rule'),
  sos('sos_commands/networking', /^bridge(?:_-[sd])*_link_show$/, 'bridge-link'),
  // kubernetes: manifests and kubelet config copied from the node; `kubectl get -o json <resources>` lists.
  sos('etc/kubernetes/**', /\.(?:ya?ml|json)$/, 'k8s'),
  sos('var/lib/kubelet', /^config\.yaml$/, 'k8s'),
  sos('sos_commands/kubernetes/**', /^kubectl_(?:.*_)?get_-o_json_.*(?:configmaps|daemonsets|services|nodes|endpoints|pods)$/, 'k8s'),
  // cilium-bugtool: iptables saves of each backend, listings, sysctl, uname, ip link/addr/route/rule.
  ...bugtool(/^ip6?tables(?:-nft|-legacy)?-save(?:--c)?\.md$/, 'iptables'),
  ...bugtool(/^ip6?tables(?:-nft|-legacy)?--L--v\.md$/, 'iptables'),
  ...bugtool(/^nft(?:--a)?-list-ruleset\.md$/, 'nftables'),
  ...bugtool(/^(?:sysctl--a|uname--a)\.md$/, 'sysctl'),
  ...bugtool(/^ip--d--s-l\.md$/, 'ip-link'),
  ...bugtool(/^ip-a\.md$/, 'ip-addr'),
  ...bugtool(/^ip--[46]-r(?:oute-show-table-\d+)?\.md$/, 'ip-route'),
  ...bugtool(/^ip-rule\.md$/, 'ip-rule'),
  // Cilium sysdump, cluster-wide: nodes, pods (kube-proxy's image and flags), services, endpoints,
  // Cilium's and the CNI's config maps, the agent DaemonSet, any kube-proxy object.
  sysdump(/^(?:k8s-(?:nodes|pods|services|endpoints)|cilium-(?:config-)?configmap|cilium-cm|cni-configmap|cilium-daemonset|cilium-ds)-[\d-]+\.yaml$/, 'k8s'),
  sysdump(/kube-proxy.*\.ya?ml$/, 'k8s'),
];

export interface LiveRow extends PathKindRow {
  readonly kind: KnownKind;
}

/** The rows whose kind the formats read today (kinds being added join when formats/kind.ts lists them). */
export const KIND_BY_PATH: readonly LiveRow[] = PATH_KIND_ROWS.filter((r): r is LiveRow => isKnownKind(r.kind));

const segments = (p: string): string[] => (p === '' ? [] : p.split('/'));

/** Does the folder pattern (see PathKindRow.dir) match this folder? */
export function dirMatches(pattern: string, folder: string): boolean {
  const pat = segments(pattern);
  const seg = segments(folder);
  for (let i = 0; i < pat.length; i++) {
    if (pat[i] === '**') return true;
    if (i >= seg.length || (pat[i] !== '*' && pat[i] !== seg[i])) return false;
  }
  return pat.length === seg.length;
}

/** Could a file below this folder match the pattern? (decides which folders a bundle walk enters) */
export function dirLeadsTo(pattern: string, folder: string): boolean {
  const pat = segments(pattern);
  const seg = segments(folder);
  for (let i = 0; i < seg.length; i++) {
    if (i >= pat.length) return false;
    if (pat[i] === '**') return true;
    if (pat[i] !== '*' && pat[i] !== seg[i]) return false;
  }
  return true;
}

/** The kind a file's path inside a bundle decides (`relative`: from the bundle root, `/`-separated). */
export function kindByPath(bundle: BundleType, relative: string): KnownKind | undefined {
  const cut = relative.lastIndexOf('/');
  const folder = cut < 0 ? '' : relative.slice(0, cut);
  const name = relative.slice(cut + 1);
  for (const row of KIND_BY_PATH) if (row.bundle === bundle && row.name.test(name) && dirMatches(row.dir, folder)) return row.kind;
  return undefined;
}

/** Whether a bundle walk enters this folder (relative to the bundle root): only where rows can match. */
export function walkInto(bundle: BundleType, folder: string): boolean {
  for (const row of KIND_BY_PATH) if (row.bundle === bundle && dirLeadsTo(row.dir, folder)) return true;
  return false;
}

/** What a folder's entries say about it: the marks of a bundle root. */
export interface FolderLook {
  /** The folder's own name. */
  readonly name: string;
  /** Names of the sub-folders it holds. */
  readonly subdirs: readonly string[];
  /** Whether `sos_reports/manifest.json` exists below it (sos 4.x writes it). */
  readonly sosManifest: boolean;
}

/** The kind of bundle rooted at this folder, if it is one. */
export function bundleAt(look: FolderLook): BundleType | undefined {
  if (look.subdirs.includes('sos_commands') || look.sosManifest) return 'sosreport';
  if (BUGTOOL_FOLDER.test(look.name)) return 'cilium-bugtool';
  if (SYSDUMP_FOLDER.test(look.name) || look.subdirs.some((d) => BUGTOOL_FOLDER.test(d))) return 'cilium-sysdump';
  return undefined;
}

/** Words for notes, by bundle. */
export const BUNDLE_NAME: Readonly<Record<BundleType, string>> = {
  sosreport: 'sosreport',
  'cilium-sysdump': 'Cilium sysdump',
  'cilium-bugtool': 'cilium-bugtool archive',
};
