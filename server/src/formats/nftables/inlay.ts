import type { Span } from '../../core/span';
import type { InlayNote } from '../features';
import type { NftElement, NftExpr, NftablesModel } from './model';

/**
 * Inline notes on `numgen random mod N vmap { 0 : goto A, 1 : goto B, … }`: each element's share
 * of new connections, the count of generator values its key covers (a number or a range `a-b`)
 * over N. kube-proxy writes one value per endpoint, so every endpoint gets 1/N; a hand-written
 * map can weight an endpoint with a range. `numgen inc` (round robin) shares the same way.
 */
export function nftablesInlayNotes(m: NftablesModel, range: Span): InlayNote[] {
  const notes: InlayNote[] = [];
  for (const t of m.tables) {
    for (const c of t.chains) {
      for (const r of c.rules) {
        if (r.span.end < range.start || r.span.start > range.end) continue;
        for (const s of r.statements) {
          if (s.kind !== 'vmap' || s.key.kind !== 'numgen' || s.map.kind !== 'anonSet') continue;
          const mod = s.key.mod?.value;
          // A single endpoint takes everything: a "100 %" note would only add noise.
          if (mod === undefined || mod < 2 || s.map.elements.length < 2) continue;
          const first = s.key.offset?.value ?? 0;
          for (const el of s.map.elements) {
            const covered = coveredValues(el.key, first, first + mod - 1);
            const at = el.verdict?.target?.span.end ?? el.span.end;
            if (covered === undefined || at < range.start || at > range.end) continue;
            notes.push({
              offset: at,
              label: `→ ${formatShare(covered / mod)}`,
              tooltip: `Share of new connections sent to ${target(el)}: ${covered} of the ${mod} values of \`numgen ${s.key.mode.value} mod ${mod}\`.`,
            });
          }
        }
      }
    }
  }
  return notes;
}

/** How many of the generator's values `lo..hi` the element key covers; undefined if unreadable. */
function coveredValues(key: NftExpr, lo: number, hi: number): number | undefined {
  if (key.kind !== 'value') return undefined;
  const m = /^(\d{1,10})(?:\s*-\s*(\d{1,10}))?$/.exec(key.text);
  if (!m) return undefined;
  const a = Math.max(Number(m[1]), lo);
  const b = Math.min(m[2] === undefined ? Number(m[1]) : Number(m[2]), hi);
  return b >= a ? b - a + 1 : 0;
}

function target(el: NftElement): string {
  const v = el.verdict;
  return v ? `\`${v.verdict.value}${v.target ? ` ${v.target.value}` : ''}\`` : 'this element';
}

function formatShare(share: number): string {
  const pct = share * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(1) : pct.toPrecision(2)} %`;
}
