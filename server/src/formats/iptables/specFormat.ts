/**
 * `iptables -S` output (the "spec" format): what `iptables -S` / `iptables -t nat -S` /
 * `ip6tables -S CHAIN` print. No `*table` or COMMIT lines: `-P CHAIN POLICY` for each built-in
 * chain of the table, `-N CHAIN` for its own chains, then the `-A` rules; with `-v`, policies
 * and rules carry `-c PACKETS BYTES`. The `-N` and `-A` lines are read as fragment lines
 * (fragment.ts, parseSave.ts); this file reads the `-P` lines and finds, without reading them
 * twice, the block of lines one `iptables -S` printed, whose policies name its table.
 */
import { lineWords, tablesWithBuiltin, type TableName } from './fragment';
import { BLANK } from '../paste';

export interface Word {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface PolicyLine {
  readonly chain?: Word;
  /** ACCEPT or DROP; absent when missing or refused (see `problems`). */
  readonly policy?: Word;
  readonly counters?: { readonly packets: number; readonly bytes: number; readonly start: number; readonly end: number };
  readonly problems: readonly { readonly message: string; readonly start: number; readonly end: number }[];
}

/** True when text[at, end) is a `-P` command line (a policy outside a `*table`). */
export function isPolicyLine(text: string, at: number, end: number): boolean {
  if (text.charCodeAt(at) !== 45 || text.charCodeAt(at + 1) !== 80) return false;
  const c = text.charCodeAt(at + 2);
  return at + 2 >= end || c === 32 || c === 9;
}

/** Words of text[from, end) split at blanks, at most `max` of them. */
function splitWords(text: string, from: number, end: number, max: number): Word[] {
  const out: Word[] = [];
  let i = from;
  while (i < end && out.length < max) {
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= end) break;
    const st = i;
    while (i < end && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    out.push({ value: text.slice(st, i), start: st, end: i });
  }
  return out;
}

const DIGITS = /^\d{1,20}$/;

/**
 * `-P CHAIN POLICY [-c PACKETS BYTES]` in text[at, end), checked as iptables checks it: the
 * chain must be a built-in one ('Bad built-in chain name'), the policy ACCEPT or DROP ('Bad
 * policy name'), nothing else may follow ('Bad argument'). Whether the chain is built into the
 * table the line is put in is the caller's question.
 */
export function readPolicyLine(text: string, at: number, end: number): PolicyLine {
  const w = splitWords(text, at + 2, end, 8);
  const problems: { message: string; start: number; end: number }[] = [];
  const chain = w[0];
  const policyWord = w[1];
  if (!chain || !policyWord) {
    problems.push({ message: `-P needs a chain and a policy ('-P INPUT ACCEPT')`, start: at, end });
    return chain ? { chain, problems } : { problems };
  }
  if (tablesWithBuiltin(chain.value).length === 0) problems.push({ message: `'-P' sets the policy of a built-in chain (PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING); iptables refuses it for ${chain.value} ('Bad built-in chain name')`, start: chain.start, end: chain.end });
  const policyOk = policyWord.value === 'ACCEPT' || policyWord.value === 'DROP';
  if (!policyOk) problems.push({ message: `'${policyWord.value}' is not a policy: a built-in chain's policy is ACCEPT or DROP (iptables: 'Bad policy name')`, start: policyWord.start, end: policyWord.end });
  let counters: PolicyLine['counters'];
  let k = 2;
  const c = w[k];
  if (c && (c.value === '-c' || c.value === '--set-counters')) {
    const p = w[k + 1];
    const b = w[k + 2];
    if (p && b && DIGITS.test(p.value) && DIGITS.test(b.value)) counters = { packets: Number(p.value), bytes: Number(b.value), start: c.start, end: b.end };
    else problems.push({ message: `${c.value} needs a packet and a byte counter ('-c 0 0')`, start: c.start, end: (b ?? p ?? c).end });
    k += 3;
  }
  const extra = w[k];
  if (extra) problems.push({ message: `unexpected '${extra.value}' after the policy: iptables refuses the line ('Bad argument')`, start: extra.start, end: end });
  return { chain, ...(policyOk ? { policy: policyWord } : {}), ...(counters ? { counters } : {}), problems };
}

/** One `iptables -S` output as seen from its first `-P` line. */
export interface PolicyBlock {
  /** The built-in chains given a policy by the run of `-P` lines that starts the block. */
  readonly chains: readonly string[];
  /** Where the run ends: a `-P` line from here on starts another block. */
  readonly runEnd: number;
  /** Chain and target of the block's other lines (a bounded number), the evidence for an ambiguous run. */
  readonly following: readonly { chain: string | undefined; target: string | undefined }[];
}

/** The order of the hooks, in which iptables -S prints a table's policies (legacy and nft alike). */
const HOOK_ORDER: readonly string[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/** How far past the policies a block's lines are read for evidence. */
const LOOKAHEAD_LINES = 256;

/**
 * The block that starts with the `-P` line at `at`: the run of `-P` lines (until a line of
 * another kind, a chain out of hook order, e.g. a second PREROUTING or INPUT after OUTPUT, or a
 * chain that no table has together with the others: another `iptables -S` pasted after this
 * one, such as an empty raw table's two policies before filter's three), then the rules and chains up to the next
 * block (a `-P`, a `-N` after rules, which starts `iptables -S CHAIN` output, a save-format line).
 * Blank and `#` lines are passed over, and so is a paste's decoration: `starts` is the paste
 * view's content start of each line (formats/paste.ts), `lineNumber` the number of the line at `at`.
 * Reads forward only, at most LOOKAHEAD_LINES lines past the run.
 */
export function scanPolicyBlock(text: string, at: number, lineNumber: number, starts?: Int32Array): PolicyBlock {
  const chains: string[] = [];
  let candidates: readonly TableName[] | undefined;
  const following: { chain: string | undefined; target: string | undefined }[] = [];
  let runEnd = -1;
  let rules = false;
  let i = at;
  const n = text.length;
  for (let k = lineNumber; i < n && following.length < LOOKAHEAD_LINES; k++) {
    let e = i;
    while (e < n && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
    const next = text.charCodeAt(e) === 13 && text.charCodeAt(e + 1) === 10 ? e + 2 : e + 1;
    const lineStart = i;
    i = next;
    // Where the line's content starts, as the parser reads it (the first line from `at`).
    const pasted = k === lineNumber ? at : starts?.[k] ?? lineStart;
    if (pasted < 0 && pasted !== BLANK) continue;
    let s = pasted < 0 ? lineStart : pasted;
    while (s < e && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
    if (s >= e || text.charCodeAt(s) === 35) continue;
    if (isPolicyLine(text, s, e)) {
      if (runEnd >= 0) break;
      const chain = splitWords(text, s + 2, e, 1)[0]?.value;
      const tables = chain !== undefined ? tablesWithBuiltin(chain) : [];
      if (chain !== undefined && tables.length > 0) {
        const both = candidates === undefined ? tables : candidates.filter((t) => tables.includes(t));
        if (both.length === 0 || (chains.length > 0 && HOOK_ORDER.indexOf(chain) <= HOOK_ORDER.indexOf(chains[chains.length - 1]!))) {
          runEnd = lineStart;
          break;
        }
        candidates = both;
        chains.push(chain);
      }
      continue;
    }
    if (runEnd < 0) runEnd = lineStart;
    const line = text.slice(s, e);
    if (/^(?:[:*]|COMMIT\b)/.test(line)) break;
    const newChain = /^-N[ \t]/.test(line);
    if (newChain && rules) break;
    if (/^(?:\[\d+:\d+\][ \t]+)?-[AI][ \t]/.test(line)) rules = true;
    following.push(lineWords(line));
  }
  return { chains, runEnd: runEnd < 0 ? n : runEnd, following };
}
