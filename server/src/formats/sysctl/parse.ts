import { clip, endWithoutTrailingBlanks, hasControl, isBlank, leadingBlanks } from '../../core/chars';
import { cutAtEnd, forEachReadLine } from '../paste';
import { bomLength, bomProblem } from '../../core/bom';
import { ReadBudget } from '../../core/readBudget';
import type { ParseProblem } from '../../core/problem';
import type { Span } from '../../core/span';
import type { SysctlComment, SysctlEntry, SysctlExclusion, SysctlModel, SysctlNote, SysctlNoteKind, SysctlValuePart } from './model';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Regexes only ever run on lines up to this length (they are linear anyway; this keeps them cheap). */
const MAX_REGEX_LINE = 4096;

const UNAME_R = /^\d+\.\d+(?:\.\d+)*(?:[-+~_][0-9A-Za-z._+~-]*)?$/;
const UNAME_A = /^Linux\s+\S+\s+(\d+\.\d+[^\s#]*)\s+#/;
/** `cat /proc/version`: `Linux version 5.4.0-150-generic (buildd@...) (gcc ...) #167-Ubuntu SMP ...`. */
const PROC_VERSION = /^Linux version (\d+\.\d+[^\s#]*) \(/;
/** `grep -r . /proc/sys/net/netfilter`: `/proc/sys/net/netfilter/nf_conntrack_max:262144`, the key as a path. */
const PROC_SYS = '/proc/sys/';
/** `grep -r . /etc/sysctl.d/` (or sysctl.conf, /usr/lib, /run): the file's path and a colon before each of its lines. */
const GREP_FILE = /^(\/(?:etc|usr\/lib|lib|run|usr\/local\/lib)\/sysctl(?:\.d\/[^\s:]+|\.conf)):/;
const YAML_LIKE = /^-?[\w.\/*?[\]-]+:(?:\s|$)/;

/**
 * Parses sysctl text: `sysctl -a` output (stderr lines mixed in are recorded as notes),
 * `/etc/sysctl.conf`, `/etc/sysctl.d/*.conf`, `sysctl --system` output and `uname -r` / `uname -a`
 * lines. Total and linear: every line lands in the model or yields a problem on its exact text.
 */
export function parseSysctl(text: string): SysctlModel {
  const entries: SysctlEntry[] = [];
  const exclusions: SysctlExclusion[] = [];
  const comments: SysctlComment[] = [];
  const notes: SysctlNote[] = [];
  // Bounded on a 200 MB paste: a real dump has a few thousand lines at most.
  const budget = new ReadBudget('parse/sysctl-limit', 'settings, comments and notes', 'sysctl settings');
  const report = (p: ParseProblem): void => budget.report(p);
  const syntax = (message: string, s: Span): void => report({ code: 'parse/sysctl-syntax', message, span: s });
  let previousComment: SysctlComment | undefined;
  let file: string | undefined;

  const pasteNotes = forEachReadLine(text, ({ text: whole, start: rawStart, number }) => {
    // A byte-order mark would become part of the first key (`\uFEFFnet.ipv4.ip_forward`, silently unknown).
    const bom = rawStart === 0 ? bomLength(whole) : 0;
    if (bom > 0) report(bomProblem('parse/sysctl-syntax', "procps 'sysctl -p' reads it as part of the first key and cannot find that key", 'warning'));
    const line = bom > 0 ? whole.slice(bom) : whole;
    const start = rawStart + bom;
    if (budget.exhausted(number, { start, end: start + line.length })) return false;
    const lead = leadingBlanks(line);
    const end = endWithoutTrailingBlanks(line);
    if (lead >= end) {
      previousComment = undefined;
      return;
    }
    let content = line.slice(lead, end);
    let at = start + lead;
    // `grep -r . /etc/sysctl.d/`: each line after its file's path and a colon; its settings are that file's.
    // (grep prints no empty line with `.`: a path and a colon alone, as a YAML key, is not one.)
    const grepped = content.charCodeAt(0) === 47 ? GREP_FILE.exec(content) : null;
    const skip = grepped ? grepped[0].length + leadingBlanks(content.slice(grepped[0].length)) : 0;
    if (grepped && skip < content.length) {
      file = grepped[1]!;
      content = content.slice(skip);
      at += skip;
    }
    const contentSpan = { start: at, end: at + content.length };
    const c = content[0];
    const above = previousComment;
    previousComment = undefined;

    if (c === '#' || c === ';') {
      const body = content.slice(1);
      const bl = leadingBlanks(body);
      const comment: SysctlComment = {
        marker: c,
        text: { value: body.slice(bl), span: { start: at + 1 + bl, end: contentSpan.end } },
        span: contentSpan,
        line: number,
      };
      budget.item();
      comments.push(comment);
      previousComment = comment;
      return;
    }

    const note = readNote(content, at, number);
    if (note) {
      budget.item();
      notes.push(note);
      // Only container headers attribute entries to a file: procps-ng 4 `sysctl --system` prints
      // every `* Applying` line first and the settings afterwards, so those lines cannot.
      if (note.kind === 'file-header') file = note.file?.value;
      return;
    }

    if (content.length <= MAX_REGEX_LINE) {
      const release = UNAME_R.test(content) ? { value: content, start: at } : unameA(content, at);
      if (release) {
        const vs = { start: release.start, end: release.start + release.value.length };
        budget.item();
        entries.push({
          key: 'kernel.osrelease',
          rawKey: { value: '', span: { start: vs.start, end: vs.start } },
          value: { value: release.value, span: vs },
          parts: [{ value: release.value, span: vs }],
          line: number,
          span: vs,
          ignoreErrors: false,
          glob: false,
          continuation: false,
          ...(above ? { comment: above } : {}),
          origin: 'uname',
          ...(file !== undefined ? { file } : {}),
        });
        return;
      }
    }

    // `-key = value` (ignore errors) and `-key` (sysctl.d exclusion of a glob match).
    let keyFrom = 0;
    let dash: Span | undefined;
    if (c === '-') {
      dash = { start: at, end: at + 1 };
      keyFrom = 1 + leadingBlanks(content.slice(1));
    }
    let eq = content.indexOf('=');
    // `grep -r . /proc/sys/...`: the file's path and its value after ':' (the key is the path under /proc/sys, which sysctl reads with '/').
    if (eq < 0 && !dash && content.startsWith(PROC_SYS)) {
      keyFrom = PROC_SYS.length;
      eq = content.indexOf(':', keyFrom);
    }
    if (eq < 0) {
      const raw = content.slice(keyFrom);
      if (dash && isExclusionKey(raw)) {
        const rawKey = { value: raw, span: { start: at + keyFrom, end: contentSpan.end } };
        budget.item();
        exclusions.push({ key: normaliseKey(raw), rawKey, span: contentSpan, line: number });
        return;
      }
      if (content.length <= MAX_REGEX_LINE && YAML_LIKE.test(content)) {
        const colon = content.indexOf(':');
        const k = content.slice(keyFrom, colon);
        const v = content.slice(colon + 1).trim();
        syntax(
          v
            ? `'${clip(k)}: ${clip(v)}' is YAML-style 'key: value'; sysctl.conf and sysctl.d assign with '=': '${clip(k)} = ${clip(v)}'`
            : `'${clip(content)}' opens a YAML mapping, not a sysctl setting: sysctl reads 'key = value' lines (is this a YAML file such as a Salt pillar?)`,
          contentSpan,
        );
        return;
      }
      syntax(
        hasControl(content)
          ? 'this line contains binary or control characters; it is not a sysctl setting'
          : `'${clip(content)}' is not a sysctl setting: lines read 'key = value' ('#' or ';' start a comment)`,
        contentSpan,
      );
      return;
    }

    const keyText = content.slice(keyFrom, eq);
    const keyEnd = endWithoutTrailingBlanks(keyText);
    const raw = keyText.slice(0, keyEnd);
    if (!raw) {
      syntax(`a setting needs a key before '=': 'net.ipv4.ip_forward = 1'`, { start: at + keyFrom, end: at + eq + 1 });
      return;
    }
    const rawKey = { value: raw, span: { start: at + keyFrom, end: at + keyFrom + raw.length } };
    const bad = keyProblem(raw);
    if (bad) {
      syntax(bad, rawKey.span);
      return;
    }
    const valueText = content.slice(eq + 1);
    const vl = leadingBlanks(valueText);
    const valueStart = at + eq + 1 + vl;
    const value = valueText.slice(vl);
    const valueSpan = { start: valueStart, end: valueStart + value.length };
    const parts = splitParts(value, valueStart);
    const single = parts.length === 1 ? parts[0]!.number : undefined;
    const key = normaliseKey(raw);
    const prev = entries[entries.length - 1];
    const continuation = prev !== undefined && prev.line === number - 1 && prev.key === key && prev.origin === 'sysctl' && !dash;
    // Built without conditional spreads: this is the hot path of a 100k-line `sysctl -a`.
    const entry: Mutable<SysctlEntry> = {
      key,
      rawKey,
      value: { value, span: valueSpan },
      parts,
      line: number,
      span: { start: at, end: Math.max(valueSpan.end, at + eq + 1) },
      ignoreErrors: dash !== undefined,
      glob: isGlob(raw),
      continuation,
      origin: 'sysctl',
    };
    if (single !== undefined) entry.number = single;
    if (dash) entry.ignoreErrorsSpan = dash;
    if (above) entry.comment = above;
    if (file !== undefined) entry.file = file;
    budget.item();
    entries.push(entry);
    checkValue(value, valueStart, report);
  });

  reportDuplicates(entries, report);
  const problems = budget.finish();
  // A paste cut inside its last line (`net.ipv4.tcp_kee`, no line break): one truncation note (paste.ts).
  cutAtEnd(text, problems, 'parse/sysctl-truncated', ['parse/sysctl-syntax']);
  return { entries, exclusions, comments, notes, problems: [...problems, ...pasteNotes] };
}

/**
 * The canonical dotted key `sysctl -a` prints. sysctl.d(5): when the first separator is `/`,
 * dots and slashes are interchanged; when it is `.`, the key is already canonical.
 */
export function normaliseKey(raw: string): string {
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (ch === 46 /* . */) return raw;
    if (ch === 47 /* / */) {
      let out = '';
      for (let j = 0; j < raw.length; j++) {
        const x = raw[j]!;
        out += x === '/' ? '.' : x === '.' ? '/' : x;
      }
      return out;
    }
  }
  return raw;
}

/** `-net.ipv4.conf.lo.rp_filter`: a key with a separator, starting with a letter or digit. */
function isExclusionKey(raw: string): boolean {
  return /^[A-Za-z0-9]/.test(raw) && /[./]/.test(raw) && keyProblem(raw) === undefined;
}

function onlyChar(s: string, ch: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== ch) return false;
  return true;
}

function hasSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isBlank(s.charCodeAt(i))) return true;
  return false;
}

function isGlob(key: string): boolean {
  return key.includes('*') || key.includes('?') || key.includes('[');
}

function readNote(content: string, at: number, line: number): SysctlNote | undefined {
  const span = { start: at, end: at + content.length };
  const note = (kind: SysctlNoteKind, extra: Partial<SysctlNote> = {}): SysctlNote => ({ kind, span, line, ...extra });
  if (content.startsWith('sysctl: ')) {
    const msg = content.slice(8);
    const quoted = quotedKey(content, 8, at);
    if (msg.startsWith('permission denied on key')) return note('permission-denied', keyExtra(quoted));
    if (msg.startsWith('reading key')) return note('reading-key', keyExtra(quoted));
    if (msg.startsWith('setting key')) return note('setting-key', keyExtra(quoted));
    if (msg.startsWith('cannot stat ')) {
      const from = 8 + 'cannot stat '.length;
      let to = content.indexOf(': ', from);
      if (to < 0) to = content.length;
      const path = content.slice(from, to);
      const rel = path.startsWith('/proc/sys/') ? path.slice('/proc/sys/'.length) : path;
      return note('cannot-stat', { key: normaliseKey(rel), keySpan: { start: at + from, end: at + to } });
    }
    return note('other', keyExtra(quoted));
  }
  if (content.startsWith('error: ')) {
    // procps 3.2: `error: "Invalid argument" setting key "kernel.shmmax"`, `error: "x" is an unknown key`.
    if (content.endsWith('is an unknown key')) return note('unknown-key', keyExtra(quotedKey(content, 7, at)));
    const i = content.indexOf('setting key ');
    if (i >= 0) return note('setting-key', keyExtra(quotedKey(content, i, at)));
    return note('other');
  }
  if (content.startsWith('* Applying ')) {
    let path = content.slice('* Applying '.length);
    if (path.endsWith(' ...')) path = path.slice(0, -4);
    const from = at + '* Applying '.length;
    return note('applying', { file: { value: path, span: { start: from, end: from + path.length } } });
  }
  if (content.length >= 3 && onlyChar(content, 61 /* = */)) return note('separator');
  if (content.startsWith('initramfs:') && content.length > 10 && !hasSpace(content)) {
    const from = at + 'initramfs:'.length;
    return note('file-header', { file: { value: content.slice(10), span: { start: from, end: span.end } } });
  }
  return undefined;
}

function keyExtra(q: { key: string; span: Span } | undefined): Partial<SysctlNote> {
  return q ? { key: normaliseKey(q.key), keySpan: q.span } : {};
}

/** The first quoted ('...' or "...") word from `from` that looks like a key (has a separator). */
function quotedKey(content: string, from: number, at: number): { key: string; span: Span } | undefined {
  let i = from;
  while (i < content.length) {
    const q = content[i];
    if (q === '"' || q === "'") {
      const close = content.indexOf(q, i + 1);
      if (close < 0) return undefined;
      const k = content.slice(i + 1, close);
      if (/[./]/.test(k) && !/\s/.test(k)) return { key: k, span: { start: at + i + 1, end: at + close } };
      i = close + 1;
    } else i++;
  }
  return undefined;
}

function unameA(content: string, at: number): { value: string; start: number } | undefined {
  const m = UNAME_A.exec(content) ?? PROC_VERSION.exec(content);
  if (!m) return undefined;
  const value = m[1]!;
  const idx = content.indexOf(value, 'Linux'.length);
  return { value, start: at + idx };
}

/** Why a written key cannot be a sysctl key, or undefined. */
function keyProblem(raw: string): string | undefined {
  for (let i = 0; i < raw.length; i++) {
    const ch = raw.charCodeAt(i);
    if (ch < 32 || ch === 127) return 'this key contains binary or control characters';
    if (ch === 32 || ch === 9) return `a sysctl key has no spaces: '${clip(raw)}' (sysctl would look for a file of that name under /proc/sys)`;
    if (ch === 34 || ch === 39) return `a sysctl key is not quoted: write ${clip(raw.replace(/["']/g, ''))}`;
  }
  return undefined;
}

function splitParts(value: string, base: number): SysctlValuePart[] {
  const parts: SysctlValuePart[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && isBlank(value.charCodeAt(i))) i++;
    if (i >= value.length) break;
    const s = i;
    while (i < value.length && !isBlank(value.charCodeAt(i))) i++;
    const token = value.slice(s, i);
    const n = isInteger(token) ? Number(token) : undefined;
    const part: Mutable<SysctlValuePart> = { value: token, span: { start: base + s, end: base + i } };
    if (n !== undefined) part.number = n;
    parts.push(part);
  }
  return parts;
}

function isInteger(t: string): boolean {
  let i = t.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i >= t.length || t.length > 40) return false;
  for (; i < t.length; i++) {
    const ch = t.charCodeAt(i);
    if (ch < 48 || ch > 57) return false;
  }
  return true;
}

function checkValue(value: string, base: number, report: (p: ParseProblem) => void): void {
  if (value.length >= 2) {
    const q = value[0];
    if ((q === '"' || q === "'") && value[value.length - 1] === q) {
      report({
        code: 'parse/sysctl-quoted-value',
        message: `sysctl writes the quotes too: the kernel receives ${clip(value)} and rejects it ("Invalid argument"); write the value without quotes`,
        span: { start: base, end: base + value.length },
        severity: 'warning',
      });
      return;
    }
  }
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '#' && isBlank(value.charCodeAt(i - 1))) {
      report({
        code: 'parse/sysctl-inline-comment',
        message: `'#' starts a comment only at the beginning of a line; sysctl writes '${clip(value)}' to the kernel as the value`,
        span: { start: base + i, end: base + value.length },
        severity: 'warning',
      });
      return;
    }
  }
  if (hasControl(value)) {
    report({ code: 'parse/sysctl-syntax', message: 'this value contains binary or control characters', span: { start: base, end: base + value.length } });
  }
}

/**
 * Reports earlier assignments whose value differs from the one that wins. Lines of a multi-line
 * value (a run of `key = ...` lines on consecutive lines, as `sysctl -a` prints `kernel.core_modes`
 * or `dev.cdrom.info`) are one value, not overrides, and take no part.
 */
function reportDuplicates(entries: readonly SysctlEntry[], report: (p: ParseProblem) => void): void {
  const inRun = (i: number): boolean => entries[i]!.continuation || entries[i + 1]?.continuation === true;
  /** Per key, the index of the last entry (the one that wins). */
  const last = new Map<string, number>();
  const found: ParseProblem[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    const w = last.get(e.key);
    if (w === undefined) {
      last.set(e.key, i);
      continue;
    }
    if (inRun(i) || inRun(w)) continue;
    const winner = entries[w]!;
    if (normalisedValue(e) === normalisedValue(winner)) continue;
    const where = winner.origin === 'uname' ? `by the uname output on line ${winner.line + 1}` : `on line ${winner.line + 1}`;
    found.push({
      code: 'parse/sysctl-duplicate-key',
      message: `${e.key} is set again ${where} to '${clip(winner.value.value)}'; this value '${clip(e.value.value)}' is overridden (the last assignment wins)`,
      span: e.span,
      severity: 'info',
    });
  }
  for (let i = found.length - 1; i >= 0; i--) report(found[i]!);
}

function normalisedValue(e: SysctlEntry): string {
  return e.parts.map((p) => p.value).join(' ');
}

