import type { Located } from '../../core/span';
import type { SysctlEntry, SysctlModel } from './model';
import { normaliseKey } from './parse';

/**
 * Lookups over a SysctlModel. The model stays a plain serialisable object; the per-model index
 * these functions build lives in a WeakMap and disappears with the model.
 */

interface Index {
  /** Last (effective) entry per canonical key, exact (non-glob) keys only. */
  readonly exact: Map<string, SysctlEntry>;
  /** Every occurrence per canonical key, in document order. */
  readonly all: Map<string, SysctlEntry[]>;
  /** Glob assignments, in document order. */
  readonly globs: readonly SysctlEntry[];
  /** Keys excluded from glob matching by a `-key` line. */
  readonly excluded: Set<string>;
}

const INDEX = new WeakMap<SysctlModel, Index>();

function index(model: SysctlModel): Index {
  let ix = INDEX.get(model);
  if (ix) return ix;
  const exact = new Map<string, SysctlEntry>();
  const all = new Map<string, SysctlEntry[]>();
  const globs: SysctlEntry[] = [];
  for (const e of model.entries) {
    const list = all.get(e.key);
    if (list) list.push(e);
    else all.set(e.key, [e]);
    if (e.glob) globs.push(e);
    else exact.set(e.key, e);
  }
  ix = { exact, all, globs, excluded: new Set(model.exclusions.map((x) => x.key)) };
  INDEX.set(model, ix);
  return ix;
}

/**
 * The entry that decides `key` (dotted or slashed, any spelling sysctl accepts): the last
 * assignment of exactly that key; failing that, the last glob assignment (`net.ipv4.conf.*.rp_filter`)
 * that matches it, unless a `-key` line excludes the key from globs (sysctl.d(5): explicit keys
 * always beat patterns). Undefined when the text does not set the key.
 */
export function effective(model: SysctlModel, key: string): SysctlEntry | undefined {
  const ix = index(model);
  const k = normaliseKey(key);
  const hit = ix.exact.get(k);
  if (hit) return hit;
  if (ix.excluded.has(k)) return undefined;
  for (let i = ix.globs.length - 1; i >= 0; i--) {
    const g = ix.globs[i]!;
    if (globMatches(g.key, k)) return g;
  }
  return undefined;
}

/** The effective entry of `key` when it has a value (`key =` with nothing after it is no value). */
export function valueOf(doc: { readonly model: SysctlModel }, key: string): SysctlEntry | undefined {
  const e = effective(doc.model, key);
  return e && e.value.value !== '' ? e : undefined;
}

/** The effective entry of `key` when its value is one integer. */
export function numberOf(doc: { readonly model: SysctlModel }, key: string): (SysctlEntry & { readonly number: number }) | undefined {
  const e = effective(doc.model, key);
  return e && e.number !== undefined ? (e as SysctlEntry & { readonly number: number }) : undefined;
}

/** Every assignment of exactly `key` (glob entries only under their own pattern), in document order. */
export function occurrences(model: SysctlModel, key: string): readonly SysctlEntry[] {
  return index(model).all.get(normaliseKey(key)) ?? [];
}

/** The kernel release (`kernel.osrelease`, from `sysctl -a` or a `uname -r` line) with its span. */
export function kernelRelease(model: SysctlModel): Located<string> | undefined {
  const e = effective(model, 'kernel.osrelease');
  return e && e.value.value ? e.value : undefined;
}

/**
 * fnmatch-style matching of a dotted sysctl key against a dotted pattern: `*` matches any run of
 * characters except `.` (one path component), `?` one such character, `[...]` / `[!...]` a set.
 * Greedy matching with one backtrack point (the last `*`): O(pattern × key) on short keys.
 */
export function globMatches(pattern: string, key: string): boolean {
  let p = 0;
  let k = 0;
  let starP = -1;
  let starK = -1;
  while (k < key.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starK = k;
      continue;
    }
    if (p < pattern.length && key[k] !== '.') {
      if (pc === '?') {
        p++;
        k++;
        continue;
      }
      if (pc === '[') {
        const m = matchClass(pattern, p, key[k]!);
        if (m.end > 0 && m.ok) {
          p = m.end;
          k++;
          continue;
        }
        if (m.end < 0 && key[k] === '[') {
          p++;
          k++;
          continue;
        }
      } else if (pc === key[k]) {
        p++;
        k++;
        continue;
      }
    } else if (p < pattern.length && pc === '.' && key[k] === '.') {
      p++;
      k++;
      continue;
    }
    // Mismatch: let the last `*` swallow one more character, unless that would cross a `.`.
    if (starP >= 0 && key[starK] !== '.') {
      p = starP + 1;
      k = ++starK;
      continue;
    }
    return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** `[abc]`, `[a-z]`, `[!x]`; `end` is the index after `]`, or -1 when the class is not closed. */
function matchClass(pattern: string, at: number, ch: string): { ok: boolean; end: number } {
  let i = at + 1;
  const negate = pattern[i] === '!' || pattern[i] === '^';
  if (negate) i++;
  let ok = false;
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    first = false;
    const lo = pattern[i]!;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      const hi = pattern[i + 2]!;
      if (ch >= lo && ch <= hi) ok = true;
      i += 3;
    } else {
      if (ch === lo) ok = true;
      i++;
    }
  }
  if (i >= pattern.length) return { ok: false, end: -1 };
  return { ok: ok !== negate, end: i + 1 };
}
