import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ParseProblem } from '../../server/src/core/problem';
import { holdsPlaceholder, isPlaceholder, RedactionTally, REDACTED_CODE } from '../../server/src/core/redaction';

/**
 * Redaction placeholders are recognised by shape: the shape of the value they replace with a part
 * blanked out, or a bracketed, starred or "redacted" word. A real value is never one.
 */
const hex2 = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, '0'));
const mac = fc.array(hex2, { minLength: 6, maxLength: 6 }).map((p) => p.join(':'));
const blank = fc.constantFrom('x', 'xx', 'xxx', 'X', 'XX', 'XXX', '*', '**', '#', '?');
const suffix = fc.constantFrom('', '/32', '/24', ':8080', ':53');

describe('redaction placeholders', () => {
  it('takes values blanked out in the shape of an address, a MAC or a port, and bracketed or starred words', () => {
    for (const w of [
      'x.x.x.x', 'X.X.X.X', 'xxx.xxx.xxx.xxx', '10.244.x.x', '10.0.0.x/24', '*.*.*.*', '10.x.x.x:8080', 'x.x.x.x/32',
      'XX:XX:XX:XX:XX:XX', 'xx-xx-xx-xx-xx-xx', '52:54:00:xx:xx:xx', 'fd00::xxxx', 'xxxx:xxxx::1', '[fd00::x]:80',
      '<redacted>', '<node-ip>', '<IP address>', '[REDACTED]', '{hidden}', '***', '********', 'REDACTED', 'redacted', 'Anonymized', 'xxxx',
      '<redacted>/32', '<node-ip>:10250', 'x.x.x.x-x.x.x.x',
    ]) assert.equal(isPlaceholder(w), true, w);
  });

  it('never takes a value a tool prints, a host name, a chain name or a mark', () => {
    for (const w of [
      '', 'x', 'xx', 'X', '10.0.0.1', '10.0.0.0/8', '10.0.0.1:8080', 'fe80::1', '::', '52:54:00:12:34:56', '12:34:56', 'a.b.c.d', 'db.example',
      'KUBE-SVC-XGLOHA7QRQ3V22RZ', 'KUBE-MARK-MASQ', '0x4000/0x4000', '[0:0]', '[...]', '<', '<>', '< x >', 'ACCEPT', 'redactedness', 'x.x.x.y', '10.0.0.1-10.0.0.9',
      'tcp', 'ESTABLISHED', '*', '**', 'eth1.1011', 'xxx'.repeat(50),
    ]) assert.equal(isPlaceholder(w), false, w);
  });

  it('takes no real IPv4, IPv6 or MAC address, with or without a mask or port (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), mac), suffix, (v, s) => {
        assert.equal(isPlaceholder(v + s), false, v + s);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes any IPv4 address or MAC with some of its parts blanked out (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), mac, fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), blank, suffix, (ip, m, which, b, s) => {
        if (!which.slice(0, 4).includes(true) || !which.includes(true)) return;
        const v4 = ip.split('.').map((p, k) => (which[k] ? b.slice(0, 3) : p)).join('.');
        assert.equal(isPlaceholder(v4 + s), true, v4 + s);
        const m6 = m.split(':').map((p, k) => (which[k] ? (b.length >= 2 ? b.slice(0, 2) : b + b) : p)).join(':');
        assert.equal(isPlaceholder(m6), true, m6);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a placeholder among the words of a line or a NUL-separated rule key, and none in a clean one', () => {
    const line = '-A INPUT -m mac --mac-source XX:XX:XX:XX:XX:XX -j ACCEPT';
    assert.equal(holdsPlaceholder(line, 0, line.length), true);
    assert.equal(holdsPlaceholder(line, 0, line.indexOf('XX')), false, 'only the range asked about is read');
    assert.equal(holdsPlaceholder('INPUT\u0000-s x.x.x.x/32\u0000-j DROP', 0, 28), true);
    assert.equal(holdsPlaceholder('-A X -m comment --comment "<redacted>" -j ACCEPT', 0, 48), true);
    assert.equal(holdsPlaceholder('-A KUBE-SVC-XGLOHA7QRQ3V22RZ -m mark --mark 0x4000/0x4000 -j KUBE-MARK-MASQ', 0, 75), false);
  });
});

describe('RedactionTally', () => {
  const problem = (text: string, value: string, message = 'bad', severity?: 'info'): ParseProblem => {
    const start = text.indexOf(value);
    return { code: 'parse/x-syntax', message, span: { start, end: start + value.length }, ...(severity ? { severity } : {}) };
  };

  it('takes only the problems about placeholders, keeps the others in order, and leaves problems before `from` alone', () => {
    const text = 'a x.x.x.x 10.0.0.999 <redacted> oops XX:XX:XX:XX:XX:XX';
    const earlier = problem(text, 'x.x.x.x', 'earlier');
    const problems = [earlier, problem(text, 'x.x.x.x'), problem(text, '10.0.0.999'), problem(text, '<redacted>'), problem(text, 'oops'), problem(text, 'XX:XX:XX:XX:XX:XX'), problem(text, '<redacted>', 'a note', 'info')];
    const tally = new RedactionTally();
    tally.fold(problems, 1, text);
    assert.equal(tally.count, 3, 'three placeholders taken');
    assert.deepEqual(problems.map((p) => text.slice(p.span.start, p.span.end) + ' ' + p.message), ['x.x.x.x earlier', '10.0.0.999 bad', 'oops bad', '<redacted> a note']);
  });

  it('says it once, at the first placeholder, with up to three distinct examples and every place as related information', () => {
    const tally = new RedactionTally();
    assert.equal(tally.note('dump'), undefined);
    const values = ['x.x.x.x', 'x.x.x.x', '<redacted>', 'XX:XX:XX:XX:XX:XX', '10.x.x.x'];
    values.forEach((v, k) => tally.take({ start: k * 10, end: k * 10 + v.length }, v));
    const note = tally.note('iptables-save dump')!;
    assert.equal(note.code, REDACTED_CODE);
    assert.equal(note.severity, 'info');
    assert.deepEqual(note.span, { start: 0, end: 7 });
    assert.match(note.message, /^5 values are blanked out \('x\.x\.x\.x', '<redacted>', 'XX:XX:XX:XX:XX:XX'\): this iptables-save dump was anonymised/);
    assert.equal(note.related?.length, 5);
  });

  it('keeps memory bounded: related places stop at 50, the count goes on', () => {
    const tally = new RedactionTally();
    for (let k = 0; k < 10_000; k++) tally.take({ start: k, end: k + 1 }, 'x.x.x.x');
    const note = tally.note('table')!;
    assert.match(note.message, /^10,000 values are blanked out/);
    assert.equal(note.related?.length, 50);
  });
});
