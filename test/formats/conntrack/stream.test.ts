import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LineIndex } from '../../../server/src/core/lineIndex';
import { parseConntrack } from '../../../server/src/formats/conntrack/index';
import { ConntrackStream } from '../../../server/src/formats/conntrack/stream';
import { FIXTURES, readFixture } from '../../helpers/golden';
import { renderConntrack } from './render';

/**
 * The chunk driver (ConntrackStream) against the whole-text driver (parseConntrack): the same
 * reader behind both, so for any text cut into pieces anywhere, the streamed model rendered with
 * its kept text and line index (every value, every span as file line:column, and its text when it
 * lies on one line) is the whole-text model's rendering.
 */

function streamed(pieces: readonly string[]): string {
  const s = new ConntrackStream();
  for (const p of pieces) s.push(p);
  const r = s.end();
  return renderConntrack(r.text, r.model, r.lines);
}

const whole = (text: string): string => renderConntrack(text, parseConntrack(text), new LineIndex(text));

/** text cut at the given fractions of its length. */
function cut(text: string, at: readonly number[]): string[] {
  const offsets = [...new Set(at.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const o of offsets) {
    out.push(text.slice(prev, o));
    prev = o;
  }
  out.push(text.slice(prev));
  return out;
}

/** Every file under test/fixtures/conntrack, relative to the fixtures folder. */
const conntrackFixtures = readdirSync(join(FIXTURES, 'conntrack'), { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => join(d.parentPath, d.name).slice(FIXTURES.length + 1))
  .sort();

describe('conntrack stream: the chunk driver reads what the whole text reads', () => {
  it('finds the conntrack fixtures', () => {
    assert.ok(conntrackFixtures.length >= 17, `${conntrackFixtures.length} fixtures`);
  });

  for (const rel of conntrackFixtures) {
    it(`${rel}: in one piece, by lines, by characters and cut at random`, () => {
      const text = readFixture(rel);
      const expected = whole(text);
      assert.equal(streamed([text]), expected);
      assert.equal(streamed(text.split(/(?<=\n)/)), expected);
      assert.equal(streamed([...text]), expected);
      fc.assert(
        fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (at) => {
          assert.equal(streamed(cut(text, at)), expected);
        }),
        { numRuns: 30 },
      );
    });
  }

  it('keeps the line a paste note points into: a quoted or numbered line after 100 entries reads as in the whole text', () => {
    const entries = Array.from({ length: 100 }, (_, k) => `tcp      6 ${k} ESTABLISHED src=10.0.0.${k} dst=10.96.0.1 sport=${1000 + k} dport=80 src=10.244.0.${k} dst=10.0.0.${k} sport=80 dport=${1000 + k} [ASSURED] mark=0 use=1\n`).join('');
    for (const tail of ['>tcp 6 117 ESTABLISHED src=10.0.0.1 dst=10.0.0.1 sport=1 dport=53 src=10.0.0.1 dst=10.0.0.1 sport=53 dport=1 mark=0 use=1\n', '   101\tconntrack v1.4.6 (conntrack-tools): 100 flow entries have been shown.\n']) {
      const text = entries + tail;
      assert.equal(streamed([text]), whole(text), JSON.stringify(tail));
    }
  });

  it('keeps "\\r\\n" one line break when a piece ends between "\\r" and "\\n", and reads lone "\\r" breaks', () => {
    const text = 'tcp      6 117 TIME_WAIT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 use=1\r\ncpu=0 found=1 invalid=20000 insert_failed=3\rbogus line\r\n';
    const expected = whole(text);
    const cr = text.indexOf('\r');
    assert.equal(streamed([text.slice(0, cr + 1), text.slice(cr + 1)]), expected);
    assert.match(expected, /problem parse\/conntrack-syntax 3:1-3:11 "bogus line"/);
    assert.match(expected, /stats stats 2:1-2:44 "cpu=0/);
  });

  it('reads any text (control characters, surrogates, CR/LF runs) cut anywhere as the whole text', () => {
    const alphabet = fc.constantFrom('tcp 6 1 SYN_SENT src=10.0.0.1 dst=10.96.0.1 sport=1 dport=53 [UNREPLIED] src=10.244.0.5 dst=10.0.0.1 sport=53 dport=1 ', 'udp 17 ', '\n', '\r', '\r\n', ' ', '=', '[', ']', 'cpu=0 ', 'found=1 ', 'é', '\u{1F600}', '\uD800', '\t', '...', 'conntrack v1.4.6 (conntrack-tools): 3 flow entries have been shown.');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }), (parts, at) => {
        const text = parts.join('');
        assert.equal(streamed(cut(text, at)), whole(text));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps only the lines the model points into, and reads a 200,000-character line given in 1,000-character pieces once', () => {
    const entry = 'udp      17 29 src=10.244.1.5 dst=10.96.0.10 sport=40000 dport=53 src=10.244.2.3 dst=10.244.1.5 sport=53 dport=40000 mark=0 use=1';
    const text = `${Array.from({ length: 5000 }, () => entry).join('\n')}\n`;
    const s = new ConntrackStream();
    for (let i = 0; i < text.length; i += 4096) s.push(text.slice(i, i + 4096));
    const r = s.end();
    assert.equal(r.model.table.total, 5000);
    // 100 sample entries (the 5 examples of the one DNS group are among them).
    assert.equal(r.text.split('\n').length, 100);
    assert.equal(r.lines.lineCount, 5001);

    const long = `tcp 6 1 ESTABLISHED ${'x=1 '.repeat(50_000)}`;
    const pieces: string[] = [];
    for (let i = 0; i < long.length; i += 1000) pieces.push(long.slice(i, i + 1000));
    assert.equal(streamed(pieces), whole(long));
  });
});
