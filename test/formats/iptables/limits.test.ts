import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIptablesSave, MAX_PROBLEMS } from '../../../server/src/formats/iptables/parseSave';
import { parseIptablesListing } from '../../../server/src/formats/iptables/parseListing';
import { iptablesOutline } from '../../../server/src/formats/iptables/navigation';

const junkLines = (n: number): string => Array.from({ length: n }, (_, i) => `junk line ${i}`).join('\n');

describe('iptables readers stay bounded on text that is not iptables', () => {
  it('iptables-save: stops at the problem cap with one note (random bytes after *filter gave 478,000 findings)', () => {
    const text = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n${junkLines(5000)}\nCOMMIT\n`;
    const m = parseIptablesSave(text);
    assert.equal(m.problems.length, MAX_PROBLEMS + 1);
    const note = m.problems[MAX_PROBLEMS]!;
    assert.equal(note.severity, 'info');
    // Each junk line has several problems: reading stopped at the line that reached the cap.
    const m1 = /stopped reading at line (\d+): 1000 problems so far.*, so this is most likely not iptables-save/.exec(note.message);
    assert.ok(m1, note.message);
    const stoppedLine = text.split('\n')[Number(m1[1]) - 1];
    assert.equal(text.slice(note.span.start, note.span.end), stoppedLine);
    assert.ok(Number(m1[1]) < 1003);
    // What was read before is kept; the table is closed without a "no COMMIT" complaint.
    assert.equal(m.tables[0]?.rules.length, 1);
    assert.ok(!m.problems.some((p) => /without COMMIT/.test(p.message)));
  });

  it('iptables-save: one rule with 100,000 bad options is capped too, and says how many were left out', () => {
    const text = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp${' --dport 80'.repeat(100_000)} -j ACCEPT\nCOMMIT\n`;
    const m = parseIptablesSave(text);
    assert.equal(m.problems.length, MAX_PROBLEMS + 1);
    const more = /\((\d+) more problems on this line are not listed\)/.exec(m.problems[MAX_PROBLEMS]!.message);
    assert.ok(more && Number(more[1]) >= 98_000, m.problems[MAX_PROBLEMS]!.message);
  });

  it('a dump under the cap is read to the end as before', () => {
    const text = `*filter\n:INPUT ACCEPT [0:0]\n${junkLines(10)}\n-A INPUT -j ACCEPT\nCOMMIT\n`;
    const m = parseIptablesSave(text);
    assert.ok(m.problems.length >= 10 && m.problems.length < MAX_PROBLEMS);
    assert.ok(!m.problems.some((p) => /stopped reading/.test(p.message)));
    assert.equal(m.tables[0]?.rules.length, 1);
  });

  it('listing: stops at the problem cap with one note', () => {
    const m = parseIptablesListing(`${junkLines(5000)}\nChain INPUT (policy ACCEPT)\n`);
    assert.equal(m.problems.length, MAX_PROBLEMS + 1);
    assert.match(m.problems[MAX_PROBLEMS]!.message, /stopped reading at line 1001/);
    assert.equal(m.tables.length, 0);
  });

  it('the outline of a table of 200,000 rules does not spread them into Math.max', () => {
    const rules = Array.from({ length: 200_000 }, (_, i) => `-A INPUT -s 10.0.${(i >> 8) & 255}.${i & 255}/32 -j ACCEPT`).join('\n');
    const m = parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n${rules}\n`);
    const outline = iptablesOutline(m);
    assert.equal(outline[0]?.name, 'filter');
  });
});
