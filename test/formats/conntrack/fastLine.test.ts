import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { writeConntrackTable } from '../../../bench/lib/conntrackTable';
import { LineIndex } from '../../../server/src/core/lineIndex';
import { parseConntrack } from '../../../server/src/formats/conntrack/index';
import { FastLine } from '../../../server/src/formats/conntrack/fastLine';
import { EntryLayout, K_DPORT, K_DST, K_SRC, Tokens, analyzeEntry, isBlank, tokenize } from '../../../server/src/formats/conntrack/scan';
import { ConntrackStream } from '../../../server/src/formats/conntrack/stream';
import { readConntrackFile } from '../../../server/src/node/streamedDocument';
import { renderConntrack } from './render';

/**
 * The byte fast path (fastLine.ts, ConntrackStream.pushLines, the CLI's file reader) against the
 * text reader, its definition: a line the fast path accepts is one the text reader reads as a
 * complete entry without a problem, with the same parts; and for any bytes (entries of every shape,
 * mutated, invalid UTF-8, line breaks of every kind), the model read from bytes is the one read
 * from the decoded text, rendered with every value and span.
 */

const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-fastline-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HEADERS = [
  'tcp      6 117 ESTABLISHED',
  'tcp 6 -3 TIME_WAIT',
  'tcp      6 431999 SYN_SENT',
  'udp      17 29',
  'icmp     1 29',
  'ipv4     2 tcp      6 431999 ESTABLISHED',
  'ipv6     10 udp      17 30',
  'sctp 132 10 ESTABLISHED',
  'unknown 2 599',
  'tcp 6 SYN_SENT',
  'tcp 6',
  'tcp 6 5 ESTABLISHED extra',
  '6 117 TIME_WAIT',
  '[NEW] tcp      6 120 SYN_SENT',
  '1 tcp 6 5 CLOSE',
  'tcp x 5',
  'TCP 6 5',
  'tcp 6 - CLOSE',
  'tcp-x_1 6 5 S1_A',
  'a 1 b 2 c',
];
const ADDRESSES = [
  '10.0.0.1',
  '10.96.0.10',
  '10.244.1.5',
  '192.168.0.1',
  '255.255.255.255',
  '0.0.0.0',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '01.002.3.4',
  '1234.1.1.1',
  'fd00::1',
  '::',
  '::1',
  'fe80::1:2:3:4',
  '::ffff:10.0.0.1',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  'fe80::1%eth0',
  'abc',
  '',
  '10.0.0.1a',
];
const PORTS = ['53', '80', '0', '65535', '123456', '5x', '', '-1', '053', '99999999999999999999'];
const FLAGS = ['[UNREPLIED]', '[ASSURED]', '[OFFLOAD]', '[HW_OFFLOAD]', '[active since 536s]', '[UNREPLIED', '[]', '[ASSURED]x', '[a=b]'];
const TAILS = ['mark=0', 'use=1', 'zone=3', 'secctx=system_u:object_r:unlabeled_t:s0', 'packets=5 bytes=300', 'mark=x', 'foo=bar', 'src=1.2.3.4', 'dport=53', 'bare', '=5', 'id=7'];
/** What a mutation inserts: blanks the text reader knows and the fast path does not, breaks, brackets, non-ASCII. */
const INSERTS = [' ', '\t', '\v', '\f', '\r', '\r\n', '\n', '=', '[', ']', 'é', '\u00a0', '\ufeff', '\u2026', '-', '5', 'x', 'A', ':', '.', '\0', '\x7f', 'src=', 'dst=', 'dport=53 ', '[UNREPLIED] ', 'sport=1 ', '\u{1F600}'];

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** The tokens of a well-formed entry (no mutation) of a common shape, and the blanks between them. */
const goodTokens: fc.Arbitrary<{ readonly tokens: string[]; readonly sep: string }> = fc
  .record({
    header: pick(['tcp      6 117 ESTABLISHED', 'udp      17 29', 'ipv4     2 tcp      6 431999 SYN_SENT', 'tcp 6 SYN_SENT', 'tcp 6 -1 CLOSE']),
    a: pick(['10.0.0.1', '10.96.0.10', 'fd00::1', '::ffff:10.0.0.1', '192.168.0.1']),
    b: pick(['10.0.0.1', '10.96.0.10', 'fd00::1', '10.244.1.5']),
    port: pick(['53', '80', '0', '65535']),
    flag: pick([[], ['[UNREPLIED]'], ['[ASSURED]'], ['[OFFLOAD]']]),
    sep: pick([' ', '\t', '   ']),
  })
  .map(({ header, a, b, port, flag, sep }) => ({
    tokens: [...header.split(/ +/), `src=${a}`, `dst=${b}`, 'sport=1', `dport=${port}`, ...flag, `src=${b}`, `dst=${a}`, `sport=${port}`, 'dport=1', 'mark=0', 'use=1'],
    sep,
  }));

/** A well-formed entry of a common shape: the fast path must take these. */
const goodLine: fc.Arbitrary<string> = goodTokens.map(({ tokens, sep }) => tokens.join(sep));

/** Values a mutation puts in place of a field's value: most make the line one the text reader reports, some read otherwise. */
const VALUES = ['256.1.1.1', '1.2.3', 'fe80::1::2', '', 'x', '053', '53', '530', '5x', '-1', '10.0.0.1', '::1', '1.2.3.4.5', '[', '=', '1]'];
/** Tokens a mutation puts in place of another or next to it. */
const SWAPS = ['[UNREPLIED', 'bare', 'zone=z', 'secmark=5', 'tcp', '6', 'ESTABLISHED', '[NEW]', '[ASSURED]x', 'src=10.0.0.9'];

/** A well-formed entry with one or two small defects: a character inserted or removed, a token replaced, added or repeated. */
const nearlyGood: fc.Arbitrary<string> = fc
  .record({
    good: goodTokens,
    edits: fc.array(
      fc.record({
        kind: fc.nat(4),
        // Integers, not fractions: fast-check favours the ends of a double's range, which would edit the first or last token most.
        at: fc.nat(1000),
        to: fc.nat(1000),
        insert: pick(INSERTS),
        token: pick(SWAPS),
        value: pick(VALUES),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map(({ good, edits }) => {
    const tokens = [...good.tokens];
    const chars: { at: number; insert?: string }[] = [];
    for (const m of edits) {
      const i = m.at % tokens.length;
      const eq = tokens[i]!.indexOf('=');
      if (m.kind === 0) chars.push({ at: m.at / 1000, insert: m.insert });
      else if (m.kind === 1) chars.push({ at: m.at / 1000 });
      else if (m.kind === 2 && eq >= 0) tokens[i] = tokens[i]!.slice(0, eq + 1) + m.value;
      else if (m.kind === 2) tokens[i] = m.token;
      else if (m.kind === 3) tokens.splice(i + 1, 0, tokens[i]!);
      else tokens.splice(m.to % (tokens.length + 1), 0, m.token);
    }
    let out = tokens.join(good.sep);
    for (const c of chars) {
      const at = Math.floor(c.at * out.length);
      out = out.slice(0, at) + (c.insert ?? '') + out.slice(c.insert === undefined ? at + 1 : at);
    }
    return out;
  });

/** An entry line of any shape: header, original tuple, flags, reply tuple, trailing fields, then mutations. */
const entryLine: fc.Arbitrary<string> = fc
  .record({
    lead: pick(['', ' ', '    ', '\t']),
    header: pick(HEADERS),
    sep: pick([' ', ' ', '  ', '\t']),
    icmp: fc.boolean(),
    a: pick(ADDRESSES),
    b: pick(ADDRESSES),
    c: pick(ADDRESSES),
    d: pick(ADDRESSES),
    p1: pick(PORTS),
    p2: pick(PORTS),
    p3: pick(PORTS),
    p4: pick(PORTS),
    mid: fc.array(pick(FLAGS), { maxLength: 2 }),
    flags: fc.array(pick(FLAGS), { maxLength: 2 }),
    tail: fc.array(pick(TAILS), { maxLength: 3 }),
    trail: pick(['', ' ', '  \t']),
    cutReply: fc.nat(4),
    mutations: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), del: fc.nat(3), insert: pick(INSERTS) }), { maxLength: 2 }),
  })
  .map((r) => {
    const orig = r.icmp ? [`src=${r.a}`, `dst=${r.b}`, `type=${r.p1}`, `code=0`, `id=${r.p2}`] : [`src=${r.a}`, `dst=${r.b}`, `sport=${r.p1}`, `dport=${r.p2}`];
    const reply = r.icmp ? [`src=${r.c}`, `dst=${r.d}`, `type=0`, `code=0`, `id=${r.p2}`] : [`src=${r.c}`, `dst=${r.d}`, `sport=${r.p3}`, `dport=${r.p4}`];
    const tokens = [r.header, ...orig, ...r.mid, ...reply.slice(0, reply.length - (r.cutReply === 4 ? 1 : 0)), ...r.flags, ...r.tail];
    let line = r.lead + tokens.join(r.sep) + r.trail;
    for (const m of r.mutations) {
      const at = Math.floor(m.at * line.length);
      line = line.slice(0, at) + m.insert + line.slice(at + (m.del === 3 ? 1 : 0));
    }
    return line;
  });

interface Parts {
  readonly start: number;
  readonly end: number;
  readonly l3?: string;
  readonly l4: string;
  readonly state?: string;
  readonly timeout: boolean;
  readonly addresses: readonly string[];
  readonly unreplied: boolean;
  readonly assured: boolean;
  readonly dnat: boolean;
  readonly snat: boolean;
  readonly dns: boolean;
}

const fast = new FastLine();

/** The fast path's reading of `line` (followed by "\n"), or undefined when it leaves the line to the text reader. */
function fastParts(line: string): Parts | undefined {
  const b = Buffer.from(`${line}\n`, 'utf8');
  const lf = fast.read(b, 0);
  if (lf < 0) return undefined;
  assert.equal(lf, b.length - 1, 'the fast path ends the line at its "\\n"');
  const str = (s: number, e: number): string => b.toString('latin1', s, e);
  return {
    start: fast.start,
    end: fast.end,
    ...(fast.l3Start >= 0 ? { l3: str(fast.l3Start, fast.l3End) } : {}),
    l4: str(fast.l4Start, fast.l4End),
    ...(fast.stateStart >= 0 ? { state: str(fast.stateStart, fast.stateEnd) } : {}),
    timeout: fast.timeout,
    addresses: [str(fast.origSrcStart, fast.origSrcEnd), str(fast.origDstStart, fast.origDstEnd), str(fast.replySrcStart, fast.replySrcEnd), str(fast.replyDstStart, fast.replyDstEnd)],
    unreplied: fast.unreplied,
    assured: fast.assured,
    dnat: fast.dnat,
    snat: fast.snat,
    dns: fast.dns,
  };
}

/** The text reader's reading of `line` when it is a complete entry without problems, else a reason. */
function textParts(line: string): Parts | string {
  let s = 0;
  let e = line.length;
  while (s < e && isBlank(line.charCodeAt(s))) s++;
  while (e > s && isBlank(line.charCodeAt(e - 1))) e--;
  const t = new Tokens();
  const a = new EntryLayout();
  tokenize(line, s, e, t);
  if (t.firstSrc < 0) return 'not an entry';
  analyzeEntry(line, t, a, e);
  if (a.issues.length > 0) return a.issues.map((x) => x.message).join('; ');
  if (!a.complete || a.event >= 0 || a.lineNo >= 0 || a.time >= 0) return 'incomplete, or an event';
  const tok = (i: number): string => line.slice(t.start[i]!, t.end[i]!);
  const value = (i: number): string => line.slice(t.eq[i]! + 1, t.end[i]!);
  const dport = (a.origMask & (1 << K_DPORT)) !== 0 ? value(a.orig[K_DPORT]!) : '';
  return {
    start: s,
    end: e,
    ...(a.l3 >= 0 ? { l3: tok(a.l3) } : {}),
    l4: a.l4 >= 0 ? tok(a.l4) : '?',
    ...(a.state >= 0 ? { state: tok(a.state) } : {}),
    timeout: a.timeout >= 0,
    addresses: [value(a.orig[K_SRC]!), value(a.orig[K_DST]!), value(a.reply[K_SRC]!), value(a.reply[K_DST]!)],
    unreplied: a.unreplied >= 0,
    assured: a.assured >= 0,
    dnat: a.dnat,
    snat: a.snat,
    dns: dport === '53',
  };
}

/** 100 plain entries: the text reader keeps the first 100 entries in full; the fast path reads the lines after them. */
const SAMPLE = `${Array.from({ length: 100 }, (_, i) => `tcp      6 ${i} ESTABLISHED src=10.0.0.${i} dst=10.96.0.1 sport=${1000 + i} dport=80 src=10.244.0.${i} dst=10.0.0.${i} sport=80 dport=${1000 + i} [ASSURED] mark=0 use=1`).join('\n')}\n`;

/** The whole-text model of `bytes` (decoded as the editor reads a file), rendered. */
function wholeRender(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return renderConntrack(text, parseConntrack(text), new LineIndex(text));
}

/** `bytes` pushed as bytes in pieces that end after a "\n" (as the file reader cuts them), at the given fractions. */
function bytesRender(bytes: Buffer, at: readonly number[]): string {
  const s = new ConntrackStream();
  let from = 0;
  for (const f of [...at].sort((x, y) => x - y)) {
    const lf = bytes.indexOf(10, Math.floor(f * bytes.length));
    if (lf < 0 || lf + 1 <= from) continue;
    s.pushLines(bytes, from, lf + 1);
    from = lf + 1;
  }
  s.pushLines(bytes, from, bytes.length);
  const r = s.end();
  return renderConntrack(r.text, r.model, r.lines);
}

/** Lines joined with any line break, some raw bytes (invalid UTF-8) inserted. */
const table = fc
  .record({
    lines: fc.array(fc.oneof(entryLine, goodLine, nearlyGood), { minLength: 1, maxLength: 30 }),
    breaks: fc.array(pick(['\n', '\r\n', '\r', '\n\n']), { minLength: 1 }),
    last: pick(['\n', '\r\n', '']),
    raw: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 3 }) }), { maxLength: 2 }),
  })
  .map(({ lines, breaks, last, raw }) => {
    let text = SAMPLE;
    lines.forEach((l, i) => (text += l + (i < lines.length - 1 ? breaks[i % breaks.length]! : last)));
    let bytes = Buffer.from(text, 'utf8');
    for (const r of raw) {
      const at = SAMPLE.length + Math.floor(r.at * (bytes.length - SAMPLE.length));
      bytes = Buffer.concat([bytes.subarray(0, at), r.bytes, bytes.subarray(at)]);
    }
    return bytes;
  });

describe('conntrack byte fast path: what it reads is what the text reader reads', () => {
  it('takes every line of the generated 1,000,000-entry table shape, and well-formed entries of the common shapes', () => {
    const file = join(dir, 'table.txt');
    writeConntrackTable(file, 2000);
    const bytes = readFileSync(file);
    let taken = 0;
    for (let pos = 0; pos < bytes.length; ) {
      const lf = fast.read(bytes, pos);
      assert.ok(lf >= 0, `not taken: ${bytes.toString('latin1', pos, bytes.indexOf(10, pos))}`);
      taken++;
      pos = lf + 1;
    }
    assert.equal(taken, 2000);
    fc.assert(
      fc.property(goodLine, pick(['', '\r']), (line, cr) => {
        assert.ok(fastParts(line + cr) !== undefined, `not taken: ${JSON.stringify(line)}`);
      }),
      { numRuns: 300 },
    );
  });

  it('a line it takes is a complete entry without a problem for the text reader, with the same parts', () => {
    let taken = 0;
    let left = 0;
    fc.assert(
      fc.property(fc.oneof(entryLine, goodLine, { arbitrary: nearlyGood, weight: 4 }), (generated) => {
        // One line: a "\n" a mutation inserted is dropped here (the stream tests below keep them).
        const line = generated.replace(/\n/g, '');
        const got = fastParts(line);
        if (!got) {
          left++;
          return;
        }
        taken++;
        // A lone "\r" ends the line for the text reader: the fast path takes only "\r\n".
        const cr = line.indexOf('\r');
        assert.ok(cr < 0 || cr === line.length - 1, `took a line with a lone "\\r": ${JSON.stringify(line)}`);
        const expected = textParts(cr < 0 ? line : line.slice(0, cr));
        assert.deepEqual(got, expected, JSON.stringify(line));
      }),
      { numRuns: 20000 },
    );
    // The generator reaches both sides of the fast path.
    assert.ok(taken > 300 && left > 300, `${taken} taken, ${left} left to the text reader`);
  });

  it('any bytes pushed as bytes give the model of their decoded text', () => {
    fc.assert(
      fc.property(table, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), (bytes, at) => {
        assert.equal(bytesRender(bytes, at), wholeRender(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('more distinct protocols and states than a count map keeps, counted by both readers in turn, are counted as the text reader counts them', () => {
    const name = (i: number): string => `p${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`;
    const lines: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const k = (i * 7) % 320;
      // Every third line is read by the text reader (a blank it knows and the fast path does not, or a non-ASCII value).
      const sep = i % 3 === 0 ? '\v' : ' ';
      const extra = i % 5 === 0 ? ' secctx=é' : '';
      const tuples = `src=10.0.0.1 dst=10.0.0.2 sport=1 dport=53 src=10.0.0.2 dst=10.0.0.1 sport=53 dport=1${extra}`;
      lines.push(`tcp${sep}6 5 ST_${k} ${tuples}`, `${name(k)}${sep}6 5 ${tuples}`);
    }
    const bytes = Buffer.from(`${SAMPLE}${lines.join('\n')}\n`, 'utf8');
    const whole = wholeRender(bytes);
    assert.match(whole, /l4: .*\(other\)=/);
    assert.match(whole, /tcp states: .*\(other\)=/);
    assert.equal(bytesRender(bytes, [0.3, 0.7]), whole);
  });

  it('the file reader, with reads of any size cutting lines and characters anywhere, gives the model of the whole text', () => {
    const file = join(dir, 'any.txt');
    fc.assert(
      fc.property(table, fc.integer({ min: 1, max: 300 }), (bytes, readBytes) => {
        writeFileSync(file, bytes);
        const doc = readConntrackFile({ uri: file, path: file, file }, undefined, readBytes);
        assert.equal(renderConntrack(doc.text, doc.model, doc.lines), wholeRender(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('the file reader finds the suppression directive across reads and then reads the file whole', () => {
    const file = join(dir, 'directive.txt');
    const directive = 'kube-netlint-disable';
    const entry = SAMPLE.slice(0, SAMPLE.indexOf('\n'));
    // On a line of its own, and after an entry the fast path would take without its comment.
    for (const line of [`# ${directive} conntrack/syn-sent-unreplied`, `${entry} ; ${directive}`, `${entry}\t#${directive}`, `${entry} #${directive}=1`]) {
      const text = `${SAMPLE}${line}\n${SAMPLE}`;
      writeFileSync(file, text);
      for (const readBytes of [3, 17, 64, 1 << 20]) {
        const doc = readConntrackFile({ uri: file, path: file, file }, directive, readBytes);
        assert.equal(doc.text, text, `${JSON.stringify(line)} read whole with reads of ${readBytes} bytes`);
      }
    }
    const text = `${SAMPLE}# ${directive}\n${SAMPLE}`;
    writeFileSync(file, text);
    const streamed = readConntrackFile({ uri: file, path: file, file }, 'not-in-the-file', 17);
    assert.notEqual(streamed.text, text);
    assert.equal(renderConntrack(streamed.text, streamed.model, streamed.lines), wholeRender(Buffer.from(text)));
  });
});
