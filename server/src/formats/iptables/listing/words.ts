import type { Word } from './types';

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * Splits the free-form tail of a listing row into words. iptables prints a comment as
 * `/* text *\/` and a LOG/NFLOG prefix as `"text"`; both may contain blanks, so each is one word
 * (kind `comment` / `quoted`) whose `inner` is the text between the delimiters. A delimiter only
 * closes when a blank or the end of the line follows it. Linear in the line length: every search
 * resumes after the previous hit.
 */
export function scanWords(line: string, from: number, base: number): Word[] {
  const words: Word[] = [];
  const n = line.length;
  let i = from;
  while (i < n) {
    const c = line[i];
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === '/' && line[i + 1] === '*' && (i + 2 >= n || isBlank(line[i + 2]))) {
      let close = -1;
      let j = i + 2;
      for (;;) {
        const k = line.indexOf(' */', j);
        if (k < 0) break;
        if (k + 3 >= n || isBlank(line[k + 3])) {
          close = k;
          break;
        }
        j = k + 1;
      }
      const innerStart = Math.min(i + 3, close < 0 ? n : close);
      const innerEnd = close < 0 ? n : close;
      const end = close < 0 ? n : close + 3;
      words.push({
        text: line.slice(i, end),
        start: base + i,
        end: base + end,
        kind: 'comment',
        inner: { value: line.slice(innerStart, innerEnd), start: base + innerStart, end: base + innerEnd },
        ...(close < 0 ? { unterminated: true } : {}),
      });
      i = end;
      continue;
    }
    if (c === '"') {
      let close = -1;
      let j = i + 1;
      for (;;) {
        const k = line.indexOf('"', j);
        if (k < 0) break;
        if (k + 1 >= n || isBlank(line[k + 1])) {
          close = k;
          break;
        }
        j = k + 1;
      }
      const end = close < 0 ? n : close + 1;
      const innerEnd = close < 0 ? n : close;
      words.push({
        text: line.slice(i, end),
        start: base + i,
        end: base + end,
        kind: 'quoted',
        inner: { value: line.slice(i + 1, innerEnd), start: base + i + 1, end: base + innerEnd },
        ...(close < 0 ? { unterminated: true } : {}),
      });
      i = end;
      continue;
    }
    let j = i;
    while (j < n && !isBlank(line[j])) j++;
    words.push({ text: line.slice(i, j), start: base + i, end: base + j, kind: 'word' });
    i = j;
  }
  return words;
}

/** The next blank-separated token of `line` at or after `pos` (line-relative positions). */
export function nextToken(line: string, pos: number): { text: string; start: number; end: number } | undefined {
  const n = line.length;
  let i = pos;
  while (i < n && isBlank(line[i])) i++;
  if (i >= n) return undefined;
  let j = i;
  while (j < n && !isBlank(line[j])) j++;
  return { text: line.slice(i, j), start: i, end: j };
}
