import { ETHTOOL_LEGACY_NAMES, type EthtoolFeature, type EthtoolInterface, type EthtoolModel } from './model';
import { canonicalFeatureName } from './parse';

/**
 * The names under which one feature may be asked for or printed: the printed name, the
 * `ethtool -K` short name (`tx`, `tso`, `gro`, ...) and, for legacy groups that map to a single
 * kernel feature, the kernel name (`rx-checksum` for `rx-checksumming`).
 */
export function featureNameCandidates(name: string): readonly string[] {
  const c = canonicalFeatureName(name);
  const out = [c];
  for (const l of ETHTOOL_LEGACY_NAMES) {
    const kernel = l.kernel.includes('*') ? undefined : l.kernel;
    if (c === l.short || c === kernel) out.push(l.long);
    if (c === l.long && kernel) out.push(kernel);
  }
  return out;
}

/**
 * The state of feature `name` on `iface` (any spelling: printed name, old spaced name, `ethtool -K`
 * short name or kernel name). The last line wins if a block lists a feature twice.
 */
export function feature(iface: EthtoolInterface | undefined, name: string): EthtoolFeature | undefined {
  if (!iface) return undefined;
  for (const candidate of featureNameCandidates(name)) {
    for (let i = iface.features.length - 1; i >= 0; i--) {
      const f = iface.features[i]!;
      if (f.canonical === candidate) return f;
    }
  }
  return undefined;
}

/** The last block for interface `name` (a paste may show one interface before and after a change). */
export function findInterface(model: EthtoolModel, name: string): EthtoolInterface | undefined {
  for (let i = model.interfaces.length - 1; i >= 0; i--) {
    const it = model.interfaces[i]!;
    if (it.name.value === name) return it;
  }
  return undefined;
}

/** Sub-features printed under a group line (`tx-checksumming` or `tx` → `tx-checksum-ipv4`, `tx-checksum-ip-generic`, ...). */
export function children(iface: EthtoolInterface, group: string): readonly EthtoolFeature[] {
  const names = new Set(featureNameCandidates(group));
  return iface.features.filter((f) => f.parent !== undefined && names.has(f.parent));
}
