import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Span } from '../../server/src/core/span';
import { lintDocument, type Report } from '../../server/src/engine/lint';
import type { IptBasicMatch, IptOption, IptRule, IptablesModel, Token } from '../../server/src/formats/iptables/model';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { updateDocument } from '../../server/src/node/incremental';
import { DEFAULT_SETTINGS } from '../../server/src/node/settings';
import { createSnapshot } from '../../server/src/node/snapshot';
import { chainMemoCounters } from '../../server/src/rules/shared/chainMemo';

/**
 * Incremental analysis must equal a fresh full analysis: for random edit sequences over the real
 * iptables fixtures, each edit is applied to the previous analysis (node/incremental.ts: re-read
 * the touched lines, or parse again when the edit is not one it takes), and the model (every
 * table, chain, rule with its details, problem) and the findings are compared with those of a
 * fresh parse of the same text.
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'iptables');
// The 5,000-line TUM dump is anonymised (1,653 MACs blanked out, one parse/redacted note), which
// the re-reader declines; its place is taken by long sequences on the 600-rule company dump.
const ALL = readdirSync(FIXTURES)
  .filter((f) => !f.startsWith('tum-net'))
  .map((f) => ({ name: f, text: readFileSync(join(FIXTURES, f), 'utf8') }));
const COMPANY = ALL.find((f) => f.name === 'medium-sized-company.txt')!;

const span = (s: Span | undefined): readonly number[] | undefined => s && [s.start, s.end];
const tok = (t: Token | undefined): unknown => t && [t.value, t.span.start, t.span.end];
const opt = (o: IptOption): unknown => [tok(o.name), span(o.negation), o.values.map(tok), span(o.span)];
const basic = (b: IptBasicMatch | undefined): unknown => b && [tok(b.value), span(b.negation)];

function describeRule(r: IptRule): unknown {
  // The target's options first: they are kept apart from the other details (read before them here, they must not be stale).
  const target = r.target && [r.target.kind, tok(r.target.name), r.target.options.map(opt), span(r.target.span)];
  return {
    target,
    table: r.table,
    chain: tok(r.chain),
    command: tok(r.command),
    counters: r.counters && [r.counters.packets, r.counters.bytes, span(r.counters.span)],
    basic: [basic(r.source), basic(r.destination), basic(r.inInterface), basic(r.outInterface), basic(r.protocol)],
    fragment: r.fragment && [span(r.fragment.span), span(r.fragment.negation)],
    matches: r.matches.map((m) => [tok(m.name), m.explicit, m.options.map(opt), span(m.span)]),
    span: span(r.span),
    line: r.line,
    number: r.number,
  };
}

/** Everything the model says, in plain data (details of every rule included). */
function describeModel(m: IptablesModel): unknown {
  return {
    variant: m.variant,
    header: m.header && JSON.stringify(m.header),
    legacy: span(m.legacyTablesWarning),
    tables: m.tables.map((t) => ({
      name: tok(t.name),
      span: span(t.span),
      commit: span(t.commit),
      complete: t.complete,
      chains: t.chains.map((c) => [tok(c.name), c.table, c.builtin, tok(c.policy), c.counters && [c.counters.packets, c.counters.bytes, span(c.counters.span)], c.references, span(c.span), c.rules.map((r) => r.line)]),
      rules: t.rules.map(describeRule),
    })),
    problems: m.problems.map((p) => [p.code, p.message, span(p.span), p.severity]),
  };
}

function describeReports(reports: readonly Report[]): unknown {
  return reports.map((r) => ({
    rule: r.ruleId,
    severity: r.severity,
    message: r.message,
    span: span(r.span),
    related: r.related.map((x) => [x.document.uri, span(x.span), x.message]),
    fixes: JSON.stringify(r.fixes),
  }));
}

function lint(doc: ParsedDocument): Report[] {
  return lintDocument(doc, createSnapshot('node', [doc], {}), DEFAULT_SETTINGS);
}

/** An edit drawn from integers, made concrete against the current text (so fast-check can shrink it). */
interface EditSeed {
  readonly kind: number;
  readonly line: number;
  readonly column: number;
  readonly other: number;
  readonly char: number;
}

const RULE = /^(?:\[\d+:\d+\] )?-A /;
const CHARS = ['x', '1', ' ', '-', '"', '!', ':', '\n', '\r\n', '\t', '0', 'K'];
const TARGETS = [' -j ACCEPT', ' -j DROP', ' -j KUBE-MARK-MASQ', ' -j RETURN', ' -j NOPE'];

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function concrete(text: string, seed: EditSeed): Edit {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    if (c === 10 || c === 13) starts.push(i + 1);
  }
  // Rule lines half of the time: that is where people type, and what the re-reader takes.
  const rules = starts.filter((s) => RULE.test(text.slice(s, s + 40)));
  const pick = (n: number): number => (seed.other % 2 === 0 && rules.length > 0 ? rules[n % rules.length]! : starts[n % starts.length]!);
  const at = pick(seed.line);
  const next = starts.find((s) => s > at) ?? text.length;
  let end = next;
  while (end > at && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  const col = at + (end > at ? seed.column % (end - at + 1) : 0);
  switch (seed.kind % 8) {
    case 0:
      return { start: col, end: col, text: CHARS[seed.char % CHARS.length]! };
    case 1:
      return { start: col, end: Math.min(end, col + 1 + (seed.char % 3)), text: '' };
    case 2:
      return { start: at, end: next, text: '' };
    case 3:
      return { start: next, end: next, text: text.slice(at, next) + (next === text.length && !/[\r\n]$/.test(text) ? '\n' : '') };
    case 4: {
      const from = pick(seed.other + seed.char);
      const fromNext = starts.find((s) => s > from) ?? text.length;
      return { start: at, end: at, text: text.slice(from, fromNext) };
    }
    case 5: {
      const j = text.lastIndexOf(' -j ', end);
      return j >= at ? { start: j, end, text: TARGETS[seed.char % TARGETS.length]! } : { start: col, end: col, text: 'y' };
    }
    case 6: {
      // A character typed into a rule's comment (what the keystroke benchmark types): the rule keeps its chain and target.
      const c = text.indexOf('--comment ', at);
      const into = c >= 0 && c < end ? Math.min(end, c + 11 + (seed.column % 8)) : col;
      return { start: into, end: into, text: CHARS[seed.char % 3]! };
    }
    default: {
      // A chain declaration typed into, added or removed (its table is read again).
      const decls = starts.filter((s) => text.charCodeAt(s) === 58 /* : */);
      if (decls.length === 0) return { start: col, end: col, text: 'z' };
      const d = decls[seed.line % decls.length]!;
      const dNext = starts.find((s) => s > d) ?? text.length;
      if (seed.char % 3 === 0) return { start: d + 1, end: d + 1, text: 'X' };
      if (seed.char % 3 === 1) return { start: d, end: d, text: `:NEW-${seed.other % 7} - [0:0]\n` };
      return { start: d, end: dNext, text: '' };
    }
  }
}

const editSeed = fc.record({ kind: fc.nat(), line: fc.nat(), column: fc.nat(200), other: fc.nat(), char: fc.nat() });

/** Runs one edit sequence; returns how many edits took the incremental path. */
function checkSequence(fixture: { name: string; text: string }, seeds: readonly EditSeed[]): number {
  let doc = parseDocument({ uri: 'file:///node/iptables-save', path: '/node/iptables-save', text: fixture.text, kind: 'iptables' });
  let incremental = 0;
  for (const seed of seeds) {
    const e = concrete(doc.text, seed);
    const text = doc.text.slice(0, e.start) + e.text + doc.text.slice(e.end);
    const updated = updateDocument(doc, text, { start: e.start, oldEnd: e.end, newEnd: e.start + e.text.length });
    const fresh = parseDocument({ uri: doc.uri, path: doc.path, text, kind: 'iptables' });
    if (updated) {
      incremental++;
      assert.equal(updated.text, text);
      const context = `${fixture.name}: edit ${JSON.stringify(e)}`;
      assert.deepEqual(describeModel(updated.model as IptablesModel), describeModel(fresh.model as IptablesModel), context);
      assert.deepEqual(describeReports(lint(updated)), describeReports(lint(fresh)), context);
    }
    doc = updated ?? fresh;
  }
  return incremental;
}

test('incremental re-reading equals a fresh parse and lint, for random edit sequences over the iptables fixtures', () => {
  let edits = 0;
  let incremental = 0;
  const memo = { ...chainMemoCounters };
  fc.assert(
    fc.property(fc.nat(ALL.length - 1), fc.array(editSeed, { minLength: 1, maxLength: 6 }), (f, seeds) => {
      edits += seeds.length;
      incremental += checkSequence(ALL[f]!, seeds);
    }),
    { numRuns: 150, seed: 12 },
  );
  // The property means something only if many edits took the incremental path, and rules reused
  // per-chain work kept from earlier versions (rules/shared/chainMemo.ts) as well as redoing it.
  assert.ok(incremental > edits / 4, `only ${incremental} of ${edits} edits were re-read incrementally`);
  assert.ok(chainMemoCounters.reused > memo.reused, 'no chain work was reused across edits');
  assert.ok(chainMemoCounters.worked > memo.worked, 'no chain work was redone after an edit');
});

test('the same for long edit sequences on a 600-rule dump', () => {
  let edits = 0;
  let incremental = 0;
  const memo = { ...chainMemoCounters };
  fc.assert(
    fc.property(fc.array(editSeed, { minLength: 10, maxLength: 30 }), (seeds) => {
      edits += seeds.length;
      incremental += checkSequence(COMPANY, seeds);
    }),
    { numRuns: 20, seed: 12 },
  );
  assert.ok(incremental > edits / 4, `only ${incremental} of ${edits} edits were re-read incrementally`);
  assert.ok(chainMemoCounters.reused > memo.reused, 'no chain work was reused across edits');
});

test('a structural edit re-reads its table; edits outside one table are declined (the caller parses again)', () => {
  const text = '# Generated by iptables-save v1.8.9 (nf_tables)\n*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n-A INPUT -j A\n-A A -j ACCEPT\nCOMMIT\n*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j ACCEPT\nCOMMIT\n';
  const doc = (): ParsedDocument => parseDocument({ uri: 'u', path: 'p', text, kind: 'iptables' });
  const apply = (start: number, end: number, insert: string): ParsedDocument | undefined =>
    updateDocument(doc(), text.slice(0, start) + insert + text.slice(end), { start, oldEnd: end, newEnd: start + insert.length });
  const at = (s: string): number => text.indexOf(s);
  const model = (d: ParsedDocument | undefined): IptablesModel => {
    assert.ok(d, 'the edit is taken');
    return d.model as IptablesModel;
  };
  // Rule lines: re-read alone.
  assert.equal(model(apply(at('ACCEPT\nCOMMIT'), at('ACCEPT\nCOMMIT') + 6, 'DROP')).tables[0]!.rules[1]!.target?.name.value, 'DROP');
  // A chain declaration, a chain made by -N, the table's own line: the table is read again.
  const renamed = model(apply(at(':A -') + 1, at(':A -') + 2, 'B'));
  assert.deepEqual(renamed.tables[0]!.chains.map((c) => c.name.value), ['INPUT', 'B']);
  assert.ok(renamed.problems.some((p) => p.code === 'parse/iptables-undeclared-chain'));
  assert.equal(model(apply(at('-A A'), at('-A A'), '-N B\n')).tables[0]!.chains.length, 3);
  assert.equal(model(apply(at('*nat') + 1, at('*nat') + 4, 'mangle')).tables[1]!.name.value, 'mangle');
  // A table bigger than the caller's budget is not read again (the editor waits for a pause in typing); rule lines still are.
  const small = (start: number, end: number, insert: string): ParsedDocument | undefined =>
    updateDocument(doc(), text.slice(0, start) + insert + text.slice(end), { start, oldEnd: end, newEnd: start + insert.length }, undefined, 20);
  assert.equal(small(at(':A -') + 1, at(':A -') + 2, 'B'), undefined, 'the filter table is longer than 20 characters');
  assert.ok(small(at('ACCEPT\nCOMMIT'), at('ACCEPT\nCOMMIT') + 6, 'DROP'));
  // Not inside one table, or what only the whole dump says: parsed in full.
  assert.equal(apply(at('COMMIT'), at('COMMIT'), '# note\n'), undefined, 'a comment line in a table');
  assert.equal(apply(at('COMMIT'), at('COMMIT') + 6, ''), undefined, 'COMMIT deleted');
  assert.equal(apply(at('*nat'), at('*nat'), '-A INPUT -j ACCEPT\n'), undefined, 'a line between tables');
  assert.equal(apply(0, 1, ''), undefined, 'the header comment');
});
