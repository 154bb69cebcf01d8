/**
 * Differential test: our nftables text reader against the reference parser, the real `nft`
 * (Debian package `nftables`, 1.0.6 here), run as `nft -c -f -` inside `unshare -n` (a private,
 * throwaway network namespace: `-c` builds the transaction and asks the kernel to check it
 * without committing). For every kernel-captured fixture in list and script form and a seeded,
 * bounded number of mutations of them (word deleted, replaced or inserted, line deleted,
 * duplicated or swapped, text cut off):
 *
 *   nft accepts  => we report no `parse/nftables-*` problem;
 *   nft rejects  => we report one, unless the rejection is a deliberate difference (DELIBERATE
 *                   below, each with its reason and a check on what nft said and where).
 *
 * Deliberate differences are counted and printed, never silently skipped. The number of mutations
 * is NFT_ORACLE_MUTATIONS (300 by default; `npm run fuzz` runs more). `nft -j` JSON is not
 * compared: nft 1.0.6 cannot load the JSON it lists for kube-proxy's rulesets (a map element
 * naming a chain listed after the map: "Could not process rule: No such file or directory"), so
 * it is no reference for accept/reject. The test skips, saying so, only when nft or `unshare -n`
 * is missing (CI installs the Debian package `nftables`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseNftables } from '../../../server/src/formats/nftables';
import type { NftExpr, NftablesModel } from '../../../server/src/formats/nftables/model';
import { walkExpr } from '../../../server/src/formats/nftables/query';
import { LineIndex } from '../../../server/src/core/lineIndex';
import { readFixture } from '../../helpers/golden';
import { allAgree, oracleUnavailable, type OracleResult as LineResult } from '../../helpers/oracle';
import { NFT_FIXTURES } from './golden.test';

const unavailable = oracleUnavailable({
  name: 'nftables',
  tool: 'nft',
  debianPackage: 'nftables',
  probe: ['nft', '-c', '-f', '-'],
  probeInput: 'table ip t {\n}\n',
  probeLabel: 'unshare -n nft -c',
});

interface OracleResult extends LineResult {
  /** 1-based column of nft's first error. */
  readonly col?: number;
}

export function runNft(text: string): OracleResult {
  const r = spawnSync('unshare', ['-n', 'nft', '-c', '-f', '-'], { input: text, encoding: 'utf8', timeout: 60_000 });
  const first = `${r.stderr ?? ''}`.split('\n').find((l) => /Error:/.test(l)) ?? `${r.stderr ?? ''}`.trim();
  if (r.status === 0) return { ok: true, message: '' };
  const m = /^[^:]*:(\d+):(\d+)-\d+: (Error: .*)$/.exec(first);
  return m ? { ok: false, line: Number(m[1]), col: Number(m[2]), message: m[3]! } : { ok: false, message: first };
}

/** Statement keywords the reader knows and keeps as `other` on purpose (their details are not read). */
const KNOWN_OTHER = new Set(['notrack', 'flow', 'xt', 'tproxy', 'dup', 'fwd', 'synproxy', 'meter', 'last', 'queue']);

/** 1-based lines holding something the reader kept opaque: an unknown word, a bracket it did not read, an object's body. */
function opaqueLines(m: NftablesModel, idx: LineIndex): Set<number> {
  const lines = new Set<number>();
  const mark = (s: { start: number; end: number }): void => {
    for (let l = idx.positionAt(s.start).line; l <= idx.positionAt(s.end).line; l++) lines.add(l + 1);
  };
  const expr = (e: NftExpr): void => walkExpr(e, (x) => {
    if (x.kind === 'opaque') mark(x.span);
  });
  for (const t of m.tables) {
    for (const c of t.chains) {
      for (const r of c.rules) {
        for (const s of r.statements) {
          if (s.kind === 'other' && !KNOWN_OTHER.has(s.keyword.value)) mark(s.span);
          if (s.kind === 'match') (expr(s.left), s.right && expr(s.right));
          if (s.kind === 'vmap') (expr(s.key), expr(s.map));
          if (s.kind === 'set') (expr(s.target), expr(s.value));
        }
      }
    }
    for (const o of t.objects) for (const p of o.properties) for (const w of p) mark(w.span);
  }
  return lines;
}

/**
 * nft rejections we deliberately do not report as syntax problems. Each says why, and its check
 * looks at nft's message and where it points, so an unrelated rejection is never excused.
 */
const DELIBERATE: readonly { readonly id: string; readonly why: string; readonly test: (o: OracleResult, text: string, opaque: Set<number>) => boolean }[] = [
  {
    id: 'unknown-expression',
    why: 'a word this reader does not know is kept as an opaque expression or statement, not an error, so a ruleset printed by a newer nft (new expressions, fields, object options) still reads; nft 1.0.6 rejects what it does not know',
    test: (o, _t, opaque) => o.line !== undefined && opaque.has(o.line) && /syntax error|No symbol type information|unknown|expecting/.test(o.message),
  },
  {
    id: 'evaluation',
    why: "nft's evaluation step, not its grammar: datatypes and their symbols (`unknown datatype`, `No symbol type information`, `Can't parse symbolic …`), value ranges, and references to chains, sets and maps the kernel must hold (`No such file or directory`, `Could not process rule`); this reader checks the syntax of what nft prints, and dangling references are for rules to report with their evidence",
    test: (o) =>
      !/syntax error/.test(o.message) &&
      /No such file or directory|Could not process rule|does not exist|unknown datatype|No symbol type information|Can't parse symbolic|unknown raw payload base|exceeds valid range|datatype mismatch|Could not resolve|conflicting|unknown table option|you cannot set chain policy twice|not supported|Operation not supported/.test(o.message),
  },
  {
    id: 'one-line-block',
    why: 'nft wants a newline or `;` after a block\'s `}` before the next statement (`table ip t { … } table ip u { … }` on one line); the words still say the same ruleset, so the reader does not insist',
    test: (o, text) => {
      if (o.line === undefined || o.col === undefined) return false;
      const before = (text.split('\n')[o.line - 1] ?? '').slice(0, o.col - 1).trimEnd();
      return before.endsWith('}') && /expecting (?:end of file or )?newline or semicolon/.test(o.message);
    },
  },
];

const tally = { cases: 0, accepted: 0, rejected: 0, agreements: 0, deliberate: new Map<string, number>() };

/** Our verdict on one text against nft's; throws with the evidence on a disagreement. */
function differential(name: string, text: string): void {
  tally.cases++;
  const o = runNft(text);
  const m = parseNftables(text);
  const ours = m.problems.map((p) => `${p.code}: ${p.message}`);
  if (o.ok) {
    tally.accepted++;
    assert.deepEqual(ours, [], `${name}: nft accepts this text, we report:\n${ours.join('\n')}`);
    tally.agreements++;
    return;
  }
  tally.rejected++;
  if (ours.length > 0) {
    tally.agreements++;
    return;
  }
  const opaque = opaqueLines(m, new LineIndex(text));
  const excuse = DELIBERATE.find((d) => d.test(o, text, opaque));
  assert.ok(excuse, `${name}: nft rejects (${o.line ?? '?'}:${o.col ?? '?'} ${o.message}) — line: ${JSON.stringify(text.split('\n')[(o.line ?? 1) - 1])}; we report nothing`);
  tally.deliberate.set(excuse.id, (tally.deliberate.get(excuse.id) ?? 0) + 1);
}

// ------------------------------------------------------------------ seeded mutations

/** mulberry32: a small seeded generator, so every run of the suite checks the same texts. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words a paste or a hand edit puts where they do not belong: keywords, punctuation, bad values. */
const WORDS = ['table', 'chain', 'foo', 'accept', '{', '}', ';', '@nosuch', 'jump', 'goto', '10.0.0.300', '"', 'ip', 'daddr', 'vmap', ':', ',', '.', 'type', 'hook',
  'priority', 'elements', '=', 'counter', 'map', 'set', 'flags', 'policy', '-', '0x', '99999999999', 'drop', 'tcp', 'dport', 'comment', '"x"'];

type Mutate = (text: string, rnd: () => number) => string;
const pick = <T>(a: readonly T[], rnd: () => number): T => a[Math.floor(rnd() * a.length)]!;
function wordSpans(t: string): { s: number; e: number }[] {
  const out: { s: number; e: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(t); m; m = re.exec(t)) out.push({ s: m.index, e: m.index + m[0].length });
  return out;
}
const onLines = (t: string, f: (ls: string[]) => void): string => {
  const ls = t.split('\n');
  f(ls);
  return ls.join('\n');
};

export const MUTATIONS: Readonly<Record<string, Mutate>> = {
  'delete-line': (t, r) => onLines(t, (ls) => ls.splice(Math.floor(r() * ls.length), 1)),
  'duplicate-line': (t, r) => onLines(t, (ls) => {
    const k = Math.floor(r() * ls.length);
    ls.splice(k, 0, ls[k]!);
  }),
  'swap-lines': (t, r) => onLines(t, (ls) => {
    const k = Math.floor(r() * (ls.length - 1));
    [ls[k], ls[k + 1]] = [ls[k + 1]!, ls[k]!];
  }),
  'delete-word': (t, r) => {
    const w = pick(wordSpans(t), r);
    return t.slice(0, w.s) + t.slice(w.e);
  },
  'replace-word': (t, r) => {
    const w = pick(wordSpans(t), r);
    return t.slice(0, w.s) + pick(WORDS, r) + t.slice(w.e);
  },
  'insert-word': (t, r) => {
    const w = pick(wordSpans(t), r);
    return `${t.slice(0, w.e)} ${pick(WORDS, r)}${t.slice(w.e)}`;
  },
  'cut-off': (t, r) => t.slice(0, Math.floor(r() * t.length)),
};

/** The list and script forms (JSON is not compared, see above). */
const TEXT_FIXTURES = NFT_FIXTURES.filter((f) => f.endsWith('.nft'));
const COUNT = Number(process.env.NFT_ORACLE_MUTATIONS ?? 300);
const SEED = Number(process.env.NFT_ORACLE_SEED ?? 13);

export function mutants(count: number, seed: number): { name: string; text: string }[] {
  const rnd = seeded(seed);
  const texts = TEXT_FIXTURES.map((f) => ({ f, text: readFixture(`nftables/${f}`) }));
  const out: { name: string; text: string }[] = [];
  for (let k = 0; k < count; k++) {
    const { f, text } = pick(texts, rnd);
    const op = pick(Object.keys(MUTATIONS), rnd);
    const mutated = MUTATIONS[op]!(text, rnd);
    if (mutated !== text) out.push({ name: `#${k} ${f} / ${op}`, text: mutated });
  }
  return out;
}

// ------------------------------------------------------------------ hand-written cases

/** What no nft accepts and a reader must say so: each is checked against nft too. */
const CASES: readonly string[] = [
  'table ip t {\n\tchain c {\n\t\tjump\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\tip daddr\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\tip daddr 10.0.0.1 accept ,\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\ttype filter hook sideways priority 0; policy accept;\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\ttype nothing hook input priority 0; policy accept;\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\ttype filter hook input priority 0; policy maybe;\n\t}\n}\n',
  'table ip t {\n\tchain c type {\n\t}\n}\n',
  'table ip t {\n\tset s {\n\t\tflags interval\n\t}\n}\n',
  'table ip t {\n\tmap m {\n\t\ttype ipv4_addr : verdict\n\t\telements = { 10.0.0.1 }\n\t}\n}\n',
  'table ip t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tcomment "a"\n\t\tcomment "b"\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\tct state chain accept\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\tlimit 10/second accept\n\t}\n}\n',
  'table ip t {\n\tchain c {\n\t\tcounter packets bytes 0\n\t}\n}\n',
  'table ip t {\n\tchain c {\n',
  'table ip t {\n}\n}\n',
  // Accepted by both.
  'table ip t {\n\tchain c {\n\t\ttype filter hook input priority filter - 10; policy drop;\n\t\tip daddr 10.0.0.1 counter packets 0 bytes 0 accept\n\t}\n}\n',
  'table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\tflags interval\n\t}\n}\n',
  // Deliberate: a newer nft's expression is kept.
  'table ip t {\n\tchain c {\n\t\tnewexpr something 1 accept\n\t}\n}\n',
  'table ip t { chain c { accept; } } table ip u { }\n',
];

describe('nftables reader agrees with nft -c -f', { skip: unavailable }, () => {
  for (const f of TEXT_FIXTURES) it(`fixture ${f}`, () => differential(f, readFixture(`nftables/${f}`)));
  it('hand-written cases', () => allAgree(CASES.map((c) => () => differential(`case ${JSON.stringify(c)}`, c))));
  it(`${COUNT} seeded mutations of the fixtures (seed ${SEED})`, () => allAgree(mutants(COUNT, SEED).map((m) => () => differential(m.name, m.text))));
  it('summary', () => {
    console.log(`# nftables oracle agreement: ${JSON.stringify({ ...tally, deliberate: Object.fromEntries(tally.deliberate) })}`);
    for (const d of DELIBERATE) console.log(`#   deliberate ${d.id}: ${d.why}`);
    assert.ok(tally.cases > 0);
    // Every deliberate difference must be exercised, or it is excusing nothing and should go.
    for (const d of DELIBERATE) assert.ok((tally.deliberate.get(d.id) ?? 0) > 0, `deliberate difference ${d.id} was never seen`);
  });
});
