import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import type { IptablesModel } from '../../../server/src/formats/iptables/model';
import { editLands, readPaste } from '../../../server/src/formats/paste';
import { applyEdits, lintText } from '../../helpers/ruleTester';

/**
 * A terminal breaks a long rule at its width; the paste reader joins it again. Every span of the
 * model must cover exactly the original characters (a span across the break covers both sides,
 * break included), and an edit fix must land where the clean dump would have it.
 */

const FIXTURES = join(__dirname, '../../fixtures/iptables');
const RECORD_START = /^(?:-[A-Z][ \t]|\[\d+:\d+\]|:|\*|#|COMMIT\b)/;

interface Wrapped {
  readonly text: string;
  /** For each character of `text`, its offset in the clean text, or -1 for an inserted break. */
  readonly origin: Int32Array;
}

/** Breaks every rule line longer than `width` as a terminal does (unless a piece would look like a new record). */
function wrap(clean: string, width: number, eol: string, indent = ''): Wrapped {
  let text = '';
  const origin: number[] = [];
  const push = (s: string, from: number): void => {
    text += s;
    for (let i = 0; i < s.length; i++) origin.push(from < 0 ? -1 : from + i);
  };
  let at = 0;
  for (const line of clean.split('\n')) {
    const pieces: string[] = [];
    const body = line.slice(indent.length);
    if (line.startsWith(indent) && /^(?:\[\d+:\d+\] )?-A /.test(body) && body.length > width) for (let i = 0; i < body.length; i += width) pieces.push(body.slice(i, i + width));
    const ok = pieces.length > 1 && pieces.slice(1).every((p) => !RECORD_START.test(p) && !RECORD_START.test(p.trimStart()));
    let from = at;
    if (!ok) push(line, from);
    else
      pieces.forEach((p, k) => {
        // The quote indents every line the terminal showed; the clean text has the first one's indentation.
        if (k > 0) push(eol, -1);
        if (indent && k > 0) push(indent, -1);
        else if (indent) {
          push(indent, from);
          from += indent.length;
        }
        push(p, from);
        from += p.length;
      });
    at += line.length + 1;
    if (at <= clean.length) push(eol, at - 1);
  }
  return { text, origin: Int32Array.from(origin) };
}

/** Every `{start, end}` of a model in one traversal order (details read first, so both models hold the same objects). */
function spans(model: IptablesModel): { start: number; end: number }[] {
  for (const t of model.tables) for (const r of t.rules) void r.matches;
  const out: { start: number; end: number }[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [model.header, model.tables, model.problems.filter((p) => p.code !== 'parse/paste')];
  while (stack.length) {
    const o = stack.pop();
    if (typeof o !== 'object' || o === null || seen.has(o)) continue;
    seen.add(o);
    const r = o as Record<string, unknown>;
    if (typeof r['start'] === 'number' && typeof r['end'] === 'number') out.push({ start: r['start'] as number, end: r['end'] as number });
    for (const k of Object.keys(r)) if (k !== 'origin') stack.push(r[k]);
  }
  return out;
}

const CASES = ['k8s-centos7-flannel-kube-proxy-1.29-v1.4.21-complete.txt', 'k3s-node-iptables-save-c-counters-v1.8.4-random-fully.txt', 'medium-sized-company.txt'];

describe('terminal-wrapped rules: spans map back to the original characters', () => {
  for (const name of CASES) {
    for (const [width, eol, indent] of [
      [80, '\n', ''],
      [120, '\r\n', ''],
      [80, '\n', '\t'],
    ] as const) {
      it(`${name} wrapped at ${width}${eol === '\r\n' ? ', CRLF' : ''}${indent ? ', TAB-indented' : ''}`, () => {
        const clean = readFileSync(join(FIXTURES, name), 'utf8').replace(/\r\n/g, '\n');
        const indented = indent ? clean.split('\n').map((l) => (l ? indent + l : l)).join('\n') : clean;
        const w = wrap(indented, width, eol, indent);
        // The clean model, read from the indented text without wraps (the same spans, shifted by nothing).
        const a = parseIptablesSave(indented);
        const b = parseIptablesSave(w.text);
        assert.ok(b.wrapped && b.wrapped.length > 0, 'some rules were wrapped');
        const sa = spans(a);
        const sb = spans(b);
        assert.equal(sb.length, sa.length);
        let straddling = 0;
        for (let i = 0; i < sa.length; i++) {
          const x = sa[i]!;
          const y = sb[i]!;
          if (x.start === x.end) continue;
          // Exact: the wrapped span starts and ends on the clean span's first and last characters.
          assert.equal(w.origin[y.start], x.start, `span ${i} start (${JSON.stringify(indented.slice(x.start, x.end))})`);
          assert.equal(w.origin[y.end - 1], x.end - 1, `span ${i} end (${JSON.stringify(indented.slice(x.start, x.end))})`);
          let kept = '';
          for (let k = y.start; k < y.end; k++) if (w.origin[k]! >= 0) kept += w.text[k];
          assert.equal(kept, indented.slice(x.start, x.end));
          if (kept.length !== y.end - y.start) straddling++;
        }
        assert.ok(straddling > 0, 'some spans cover a break (the whole two-line range)');
      });
    }
  }
});

/** A nat table whose MASQUERADE rules, broken at 80 columns, have the break at every place in and around `-j MASQUERADE`. */
function masqueradeDump(): string {
  const lines = ['*nat', ':POSTROUTING ACCEPT [0:0]'];
  for (let pad = 0; pad < 24; pad++) lines.push(`-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m comment --comment "${'x'.repeat(pad + 10)}" -j MASQUERADE`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

describe('an edit fix on a wrapped rule lands exactly or is not offered', () => {
  it('--random-fully on a wrapped -j MASQUERADE: the fixed text re-parses with the flag on every rule', () => {
    const clean = masqueradeDump();
    const w = wrap(clean, 80, '\n');
    const { reports } = lintText(w.text, { path: 'node/iptables-save.txt', only: ['iptables/masquerade-without-random-fully'] });
    const fixes = reports.filter((r) => r.ruleId === 'iptables/masquerade-without-random-fully').flatMap((r) => r.fixes);
    assert.equal(fixes.length, 24);
    const edits = fixes.flatMap((f) => (f.kind === 'edit' ? f.edits : []));
    const fixed = applyEdits(w.text, edits);
    const m = parseIptablesSave(fixed);
    assert.deepEqual(m.problems.filter((p) => p.code !== 'parse/paste'), []);
    const rules = m.tables[0]!.rules;
    assert.equal(rules.length, 24);
    for (const r of rules) assert.ok(r.target?.options.some((o) => o.name.value === '--random-fully'), fixed.slice(r.span.start, r.span.end));
    // The same text as the flag added to the clean dump, once the breaks are taken out again.
    assert.equal(fixed.replace(/\n(?!-A |COMMIT|:|\*|$)/g, ''), clean.replace(/-j MASQUERADE$/gm, '-j MASQUERADE --random-fully'));
  });

  it('an edit of a line before the break is withheld (its note says why); one replacing the breaks, or in the last line, lands', () => {
    const text = '*nat\n' + '-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -m comment --comment "abcdefg' + '\n' + 'klmnop" -j MASQUERADE\nCOMMIT\n';
    const head = text.indexOf('-A POSTROUTING');
    assert.equal(text.indexOf('\n', head) - head, 80);
    const view = readPaste(text, { code: 'parse/paste', startsRecord: (l) => RECORD_START.test(l) });
    assert.ok(view);
    assert.match(view.notes.map((n) => n.message).join('\n'), /quick fixes that would change a line before a break are not offered/);
    const [rec] = view.wrapped;
    assert.ok(rec);
    const cont = text.indexOf('klmnop');
    assert.equal(rec.lastLine, cont);
    assert.equal(editLands(view.wrapped, head + 15, head + 15), false, 'an insertion in the first line');
    assert.equal(editLands(view.wrapped, head, cont - 1), false, 'a change of the first line only');
    assert.equal(editLands(view.wrapped, cont + 10, cont + 10), true, 'an insertion in the last line');
    assert.equal(editLands(view.wrapped, head, text.indexOf('\nCOMMIT') + 1), true, 'deleting the whole rule');
    assert.equal(editLands(view.wrapped, 0, 4), true, 'an edit before the rule');
    assert.equal(editLands(view.wrapped, head, cont), false, "deleting the first line with its break: the rest would be a line of its own");
    assert.equal(editLands(view.wrapped, head + 20, cont + 3), true, 'a value replaced across the break: one line is left');
  });

  it('a fix deleting a wrapped rule deletes all of its lines', () => {
    const text = '*nat\n:KUBE-POSTROUTING - [0:0]\n' +
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MAS\nQUERADE\n' +
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n' +
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\nCOMMIT\n';
    const stale = lintText(text, { only: ['iptables/kube-postrouting-stale-rule'] }).reports.flatMap((r) => r.fixes.filter((f) => f.kind === 'edit'));
    assert.equal(stale.length, 1);
    const fixed = applyEdits(text, stale[0]!.edits);
    assert.doesNotMatch(fixed, /QUERADE\n-A KUBE-POSTROUTING -m mark !/, 'no tail of the rule is left');
    assert.equal(fixed, text.replace(/-A KUBE-POSTROUTING -m comment[^\n]*-j MAS\nQUERADE\n/, ''));
  });
});
