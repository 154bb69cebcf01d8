/**
 * A dotted version as found in dumps and image tags: `5.4.0-107-generic`, `v1.29.3`, `1.8.7`.
 * `parts` holds the leading numeric components; `suffix` what follows (distro build, `-gke.7`).
 */
export interface Version {
  readonly parts: readonly number[];
  readonly suffix: string;
  readonly text: string;
}

const VERSION = /^v?(\d+(?:\.\d+)*)(.*)$/;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { parts: m[1]!.split('.').map(Number), suffix: m[2] ?? '', text: text.trim() };
}

/** Compares numerically on the leading parts; missing parts count as 0. */
export function compareVersions(a: Version | readonly number[], b: Version | readonly number[]): number {
  const pa = 'parts' in a ? a.parts : a;
  const pb = 'parts' in b ? b.parts : b;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function versionAtLeast(v: Version, min: readonly number[]): boolean {
  return compareVersions(v, min) >= 0;
}
