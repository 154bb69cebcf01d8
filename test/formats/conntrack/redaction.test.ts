import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ParseProblem } from '../../../server/src/core/problem';
import { MAX_PROBLEMS, MAX_SAMPLE, parseConntrack, parseConntrackEntry, type ConntrackModel } from '../../../server/src/formats/conntrack/index';
import { ConntrackStream } from '../../../server/src/formats/conntrack/stream';

/**
 * Anonymised conntrack tables (`dst=x.x.x.x`, `src=10.244.x.x`, `sport=xxxx`): each blanked value
 * is read as unknown, counted into ONE `parse/redacted` note per document (core/redaction.ts), and
 * never into the problem cap, so a big anonymised table is read and counted like a clean one.
 * Both drivers: the whole text (editor) and bytes pushed in pieces (the CLI's file reader).
 */

const REDACTED = 'parse/redacted';

/** A UDP/53 query from pod `i` to a blanked DNS address, unanswered (the shape of the issue pastes). */
const anonDns = (i: number): string =>
  `udp      17 29 src=10.244.1.${i % 250} dst=x.x.x.x sport=${20000 + (i % 40000)} dport=53 [UNREPLIED] src=x.x.x.x dst=10.244.1.${i % 250} sport=53 dport=${20000 + (i % 40000)} mark=0 use=1`;
/** An established TCP flow through a Service, its pod and client blanked (`10.244.x.x`) and a port as `xxxx`. */
const anonTcp = (i: number): string =>
  `tcp      6 ${100 + (i % 300)} ESTABLISHED src=10.244.x.x dst=10.96.0.1 sport=xxxx dport=443 src=10.244.0.9 dst=10.244.x.x sport=6443 dport=${30000 + (i % 30000)} [ASSURED] mark=0 use=1`;
const cleanTcp = (i: number): string =>
  `tcp      6 117 TIME_WAIT src=10.244.1.${i % 250} dst=10.96.0.1 sport=${30000 + (i % 30000)} dport=443 src=10.244.0.9 dst=10.244.1.${i % 250} sport=6443 dport=${30000 + (i % 30000)} [ASSURED] mark=0 use=1`;

const codes = (m: ConntrackModel): string[] => m.problems.map((p) => p.code);
const notes = (m: ConntrackModel): ParseProblem[] => m.problems.filter((p) => p.code === REDACTED);

/** The model of `text` read from its bytes in pieces that end after a "\n", as the CLI reads a file; with the text its spans are in. */
function streamed(text: string, pieces = 7): { model: ConntrackModel; text: string } {
  const bytes = Buffer.from(text, 'utf8');
  const s = new ConntrackStream();
  let from = 0;
  for (let k = 1; k < pieces; k++) {
    const lf = bytes.indexOf(10, Math.floor((k * bytes.length) / pieces));
    if (lf < 0 || lf + 1 <= from) continue;
    s.pushLines(bytes, from, lf + 1);
    from = lf + 1;
  }
  s.pushLines(bytes, from, bytes.length);
  const r = s.end();
  return { model: r.model, text: r.text };
}

/** Both drivers' models of `text`, with the text each model's spans point into. */
function bothDrivers(text: string): { name: string; model: ConntrackModel; text: string }[] {
  return [{ name: 'whole text', model: parseConntrack(text), text }, { name: 'bytes in pieces', ...streamed(text) }];
}

describe('conntrack: blanked-out values (anonymised tables)', () => {
  it('an anonymised table gives one info note on the first placeholder, and no bad value for a placeholder', () => {
    const text = `${[anonDns(1), anonTcp(2), anonDns(3)].join('\n')}\n`;
    for (const { name, model, text: t } of bothDrivers(text)) {
      assert.deepEqual(codes(model), [REDACTED], name);
      const [note] = model.problems;
      assert.equal(note!.severity, 'info', name);
      assert.equal(t.slice(note!.span.start, note!.span.end), 'x.x.x.x', name);
      // The first placeholder of the text: line 1's original dst=.
      assert.equal(note!.span.start, t.indexOf('x.x.x.x'), name);
      // Line 1: dst (the reply src reads the same and is not read twice); line 2: src, sport; line 3: dst.
      assert.match(note!.message, /^4 values are blanked out/, name);
      assert.match(note!.message, /conntrack table/, name);
      const related = note!.related ?? [];
      assert.deepEqual(
        related.map((r) => t.slice(r.span.start, r.span.end)),
        ['x.x.x.x', '10.244.x.x', 'xxxx', 'x.x.x.x'],
        name,
      );
      // Every entry is read and counted as the clean table would be.
      assert.equal(model.table.total, 3, name);
      assert.equal(model.table.incomplete, 0, name);
      assert.equal(model.table.redacted, 3, name);
      assert.equal(model.table.byL4.get('udp'), 2, name);
      assert.equal(model.table.byTcpState.get('ESTABLISHED'), 1, name);
      assert.equal(model.table.unreplied, 2, name);
      assert.equal(model.table.assured, 1, name);
    }
  });

  it('the note is on the first blanked value in text order', () => {
    // The sport= number is checked before the addresses, yet src= comes first on the line.
    const text = `${anonTcp(1)}\n${anonDns(2)}\n`;
    for (const { name, model, text: t } of bothDrivers(text)) {
      const note = notes(model)[0]!;
      assert.equal(note.span.start, t.indexOf('10.244.x.x'), name);
      assert.deepEqual((note.related ?? []).map((r) => t.slice(r.span.start, r.span.end)), ['10.244.x.x', 'xxxx', 'x.x.x.x'], name);
    }
  });

  it('a real bad value next to a placeholder is still reported, on its value', () => {
    const text = 'udp      17 29 src=10.244.1.5 dst=10.0.0.999 sport=53001 dport=53 [UNREPLIED] src=x.x.x.x dst=10.244.1.5 sport=53 dport=53001 mark=0 use=1\n';
    for (const { name, model, text: t } of bothDrivers(text)) {
      assert.deepEqual(codes(model).sort(), ['parse/conntrack-bad-value', REDACTED], name);
      const bad = model.problems.find((p) => p.code === 'parse/conntrack-bad-value')!;
      assert.equal(t.slice(bad.span.start, bad.span.end), '10.0.0.999', name);
      assert.match(bad.message, /not an IPv4 or IPv6 address/, name);
      const note = notes(model)[0]!;
      assert.equal(t.slice(note.span.start, note.span.end), 'x.x.x.x', name);
      assert.match(note.message, /^1 value is blanked out/, name);
      // A real bad address leaves the entry incomplete, as before.
      assert.equal(model.table.incomplete, 1, name);
    }
  });

  it('a real bad number next to a blanked number is still reported', () => {
    const text = 'tcp      6 117 TIME_WAIT src=10.0.0.1 dst=10.0.0.2 sport=xxxx dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=4x1 [ASSURED] mark=0 use=1\n';
    const model = parseConntrack(text);
    assert.deepEqual(codes(model).sort(), ['parse/conntrack-bad-value', REDACTED]);
    const bad = model.problems.find((p) => p.code === 'parse/conntrack-bad-value')!;
    assert.equal(text.slice(bad.span.start, bad.span.end), '4x1');
  });

  it('a clean table gives no note', () => {
    const text = `${Array.from({ length: 300 }, (_, i) => cleanTcp(i)).join('\n')}\n`;
    for (const { name, model } of bothDrivers(text)) {
      assert.deepEqual(codes(model), [], name);
      assert.equal(model.table.total, 300, name);
      assert.equal(model.table.redacted, 0, name);
    }
  });

  it('a 20,000-line anonymised table is read to the end: one note, every entry counted, real problems after it still listed', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(i % 2 === 0 ? anonDns(i) : anonTcp(i));
    // A real problem after far more placeholders than the problem cap: listed, not "more problems".
    lines.push('tcp      6 117 TIME_WAIT src=10.0.0.1 dst=10.0.0.999 sport=1 dport=80 src=10.0.0.3 dst=10.0.0.1 sport=80 dport=1 [ASSURED] mark=0 use=1');
    lines.push(cleanTcp(7));
    const text = `${lines.join('\n')}\n`;
    for (const { name, model, text: t } of bothDrivers(text)) {
      assert.ok(20_000 > MAX_PROBLEMS && 20_000 > MAX_SAMPLE);
      assert.deepEqual(codes(model).sort(), ['parse/conntrack-bad-value', REDACTED], name);
      const bad = model.problems.find((p) => p.code === 'parse/conntrack-bad-value')!;
      assert.equal(t.slice(bad.span.start, bad.span.end), '10.0.0.999', name);
      const note = notes(model)[0]!;
      // 10,000 DNS lines with one placeholder each, 10,000 TCP lines with two.
      assert.match(note.message, /^30,000 values are blanked out/, name);
      assert.ok((note.related?.length ?? 0) > 0, name);
      assert.equal(t.slice(note.span.start, note.span.end), 'x.x.x.x', name);
      for (const r of note.related ?? []) assert.match(t.slice(r.span.start, r.span.end), /^(?:x\.x\.x\.x|10\.244\.x\.x|xxxx)$/, name);
      assert.equal(model.table.total, 20_001, name);
      assert.equal(model.table.redacted, 20_000, name);
      assert.equal(model.table.incomplete, 1, name);
      assert.equal(model.table.byL4.get('udp'), 10_000, name);
      assert.equal(model.table.byL4.get('tcp'), 10_001, name);
      assert.equal(model.table.unreplied, 10_000, name);
    }
  });

  it('a blanked entry feeds no NAT count, group by address or DNS count (rules compare those)', () => {
    // Reply src reads like the original dst and the other way round: no NAT could be concluded either way.
    const dnated = 'udp      17 29 src=10.244.1.5 dst=10.96.x.x sport=53001 dport=53 [UNREPLIED] src=10.244.x.x dst=10.244.1.5 sport=53 dport=53001 mark=0 use=1';
    const plain = 'udp      17 29 src=10.244.1.5 dst=10.96.x.x sport=53002 dport=53 [UNREPLIED] src=10.96.x.x dst=10.244.1.5 sport=53 dport=53002 mark=0 use=1';
    const syn = 'tcp      6 118 SYN_SENT src=10.244.1.5 dst=10.96.x.x sport=40000 dport=443 [UNREPLIED] src=10.244.x.x dst=10.244.1.5 sport=443 dport=40000 mark=0 use=1';
    const m = parseConntrack(`${dnated}\n${plain}\n${syn}\n`);
    const t = m.table;
    assert.equal(t.total, 3);
    assert.equal(t.redacted, 3);
    assert.equal(t.unreplied, 3);
    assert.equal(t.byTcpState.get('SYN_SENT'), 1);
    assert.equal(t.dnat, 0);
    assert.equal(t.snat, 0);
    assert.equal(t.synSentUnreplied.total, 0);
    assert.equal(t.udpUnrepliedNoDnat.total, 0);
    assert.deepEqual([t.dns.udp, t.dns.udpUnreplied, t.dns.udpByDst.total], [0, 0, 0]);
    // The sampled entries say so too: complete, NAT unknown.
    for (const e of t.sample) {
      assert.equal(e.complete, true);
      assert.equal(e.redacted, true);
      assert.equal(e.dnat, false);
    }
  });

  it('parseConntrackEntry (hover) reads a blanked line without a problem', () => {
    const r = parseConntrackEntry(anonDns(1), 0);
    assert.deepEqual(r.problems, []);
    assert.equal(r.entry?.complete, true);
    assert.equal(r.entry?.redacted, true);
    assert.equal(r.entry?.original.dst?.value, 'x.x.x.x');
  });
});
