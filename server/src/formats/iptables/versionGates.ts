import { compareVersions, parseVersion } from '../../core/version';
import type { IptablesHeader } from './model';

/**
 * What an iptables release means for the rules, by version range [from, before) and backend: the
 * one table the rules gate on and the header hover explains.
 */
export interface IptablesVersionGate {
  readonly id: 'no-masquerade-random-fully' | 'broken-check';
  readonly from: readonly number[];
  readonly before: readonly number[];
  readonly backend?: 'nf_tables';
  readonly note: string;
}

export const IPTABLES_VERSION_GATES: readonly IptablesVersionGate[] = [
  {
    // kube-proxy's `RandomFullyMinVersion` (k/k#78547).
    id: 'no-masquerade-random-fully',
    from: [0],
    before: [1, 6, 2],
    note: 'Older than 1.6.2: MASQUERADE has no `--random-fully`, so this dump cannot show it and this iptables cannot restore it; kube-proxy adds it only with 1.6.2 or newer (k/k#78547).',
  },
  {
    id: 'broken-check',
    from: [1, 8, 0],
    before: [1, 8, 3],
    backend: 'nf_tables',
    note: '`iptables -C` is broken in iptables-nft 1.8.0–1.8.2: components that check before appending add their rules again on every resync (duplicate rules; fixed in 1.8.3).',
  },
  {
    id: 'broken-check',
    from: [1, 8, 10],
    before: [1, 8, 11],
    backend: 'nf_tables',
    note: 'iptables-nft 1.8.10 brought back a broken `iptables -C` (duplicate rules; kube-router#1789).',
  },
];

/** The gates the iptables that wrote this header trips (none without a readable version). */
export function versionGatesOf(header: IptablesHeader | undefined): IptablesVersionGate[] {
  const v = header?.version ? parseVersion(header.version.value) : undefined;
  if (!v) return [];
  const backend = header?.backend?.value;
  return IPTABLES_VERSION_GATES.filter((g) => compareVersions(v, g.from) >= 0 && compareVersions(v, g.before) < 0 && (!g.backend || g.backend === backend));
}

/** True when the header's iptables trips gate `id`. */
export function tripsGate(header: IptablesHeader | undefined, id: IptablesVersionGate['id']): boolean {
  return versionGatesOf(header).some((g) => g.id === id);
}
