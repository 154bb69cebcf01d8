/**
 * A dotted version as found in dumps and image tags: `5.4.0-107-generic`, `v1.29.3`, `1.8.7`.
 * `parts` holds the leading numeric components; `suffix` what follows (distro build, `-gke.7`).
 */
export interface Version {
  readonly parts: readonly number[];
  readonly suffix: string;
  readonly text: string;
}

/**
 * Longer text is not a version: the longest real ones (`5.15.0-1057-azure-fde+`, GKE image tags)
 * are under 80 characters, and a dump that says `kernel.osrelease = 5.5.5.…` five million times
 * must not make every message quote it (nor a regex backtrack through it: that overflowed the stack).
 */
export const MAX_VERSION_LENGTH = 256;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Reads `v?digits(.digits)*` then the suffix, in one pass without a regex (bounded, no backtracking). */
export function parseVersion(text: string): Version | undefined {
  const t = text.length > MAX_VERSION_LENGTH * 4 ? '' : text.trim();
  if (t.length === 0 || t.length > MAX_VERSION_LENGTH) return undefined;
  let i = t.charCodeAt(0) === 118 /* v */ ? 1 : 0;
  if (!isDigit(t.charCodeAt(i))) return undefined;
  const parts: number[] = [];
  for (;;) {
    const start = i;
    while (i < t.length && isDigit(t.charCodeAt(i))) i++;
    parts.push(Number(t.slice(start, i)));
    // A dot continues the number only when a digit follows it (`1.29.` keeps `.` in the suffix).
    if (t.charCodeAt(i) === 46 && isDigit(t.charCodeAt(i + 1))) i++;
    else break;
  }
  return { parts, suffix: t.slice(i), text: t };
}

/** Compares numerically on the leading parts; missing parts count as 0. */
export function compareVersions(a: Version | readonly number[], b: Version | readonly number[]): number {
  const pa = 'parts' in a ? a.parts : a;
  const pb = 'parts' in b ? b.parts : b;
  const n = pa.length > pb.length ? pa.length : pb.length;
  for (let i = 0; i < n; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function versionAtLeast(v: Version, min: readonly number[]): boolean {
  return compareVersions(v, min) >= 0;
}
