import { forEachLine } from '../core/lines';

/**
 * Inline suppressions written in the document's own comments:
 *   # kube-netlint-disable-next-line iptables/masquerade-without-random-fully
 *   # kube-netlint-disable sysctl/ipvs-conn-reuse-mode, sysctl/ip-forward-disabled
 * Without rule ids a directive covers every rule. `-next-line` covers the next line that is not
 * itself a comment, so several directives can be stacked above one line.
 */
export interface Suppressions {
  isSuppressed(ruleId: string, line: number): boolean;
}

const DIRECTIVE = /(?:^|\s)[#;]\s*kube-netlint-(disable-next-line|disable)\b([^\n]*)$/;
const COMMENT_ONLY = /^\s*[#;]/;

export const NO_SUPPRESSIONS: Suppressions = { isSuppressed: () => false };

export function findSuppressions(text: string): Suppressions {
  // Fast path: most documents carry no directive at all.
  if (!text.includes('kube-netlint-disable')) return NO_SUPPRESSIONS;
  const fileWide = new Set<string>();
  const byLine = new Map<number, Set<string>>();
  let pending: Set<string>[] = [];
  const ALL = '*';
  forEachLine(text, ({ text: line, number }) => {
    if (pending.length > 0 && line.trim() && !COMMENT_ONLY.test(line)) {
      const merged = new Set<string>();
      for (const s of pending) for (const id of s) merged.add(id);
      byLine.set(number, merged);
      pending = [];
    }
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const ids = m[2]!.split(/[\s,]+/).filter((s) => s && !s.startsWith('--'));
    const set = new Set(ids.length > 0 ? ids : [ALL]);
    if (m[1] === 'disable') for (const id of set) fileWide.add(id);
    else pending.push(set);
  });
  return {
    isSuppressed(ruleId, line) {
      if (fileWide.has(ALL) || fileWide.has(ruleId)) return true;
      const s = byLine.get(line);
      return s !== undefined && (s.has(ALL) || s.has(ruleId));
    },
  };
}
