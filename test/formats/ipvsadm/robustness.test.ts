import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FIXTURES, assertSpansInside, collectSpans, readFixture } from '../../helpers/golden';
import { IPVS_LIMITS, parseIpvsadm } from '../../../server/src/formats/ipvsadm';

const fixtures = readdirSync(join(FIXTURES, 'ipvsadm'))
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => readFixture(`ipvsadm/${f}`));

/** Fragments that steer mutations into the parser's interesting paths. */
const TOKENS = [
  '\n', '\r\n', '\r', '\t', ' ', '  -> ', 'TCP  ', 'UDP  ', 'FWM  ', '[', ']', ':', '...', '$ ipvsadm -Ln --rate\n',
  'persistent ', 'mask ', '(sh-port)', 'Masq', '0CEA', 'C0A80A64:0050', '[fd00::1]:443', '999K', '12M',
  'Timeout (tcp tcpfin udp): ', 'IPVS connection entries\n', 'pro expire state source virtual destination\n',
  '-A -t ', '-a -t ', ' -r ', ' -w ', 'IP Virtual Server version ', '(size=', 'Prot LocalAddress:Port ',
  'Conns InPkts OutPkts InBytes OutBytes\n', 'Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires\n', '\u0000', '\uFFFD',
  'Total Incoming Outgoing Incoming Outgoing\n', 'Conns/s Pkts/s Pkts/s Bytes/s Bytes/s\n', '14:59', 'ESTABLISHED',
];

type Mutation =
  | { kind: 'insert'; at: number; s: string }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'replace'; at: number; s: string }
  | { kind: 'crlf' | 'tabs' }
  | { kind: 'truncate'; at: number };

function apply(text: string, m: Mutation): string {
  const pos = (at: number): number => (text.length === 0 ? 0 : at % (text.length + 1));
  switch (m.kind) {
    case 'insert':
      return text.slice(0, pos(m.at)) + m.s + text.slice(pos(m.at));
    case 'delete':
      return text.slice(0, pos(m.at)) + text.slice(pos(m.at) + m.n);
    case 'replace':
      return text.slice(0, pos(m.at)) + m.s + text.slice(pos(m.at) + m.s.length);
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'tabs':
      return text.replace(/ {2,}/g, '\t');
    case 'truncate':
      return text.slice(0, pos(m.at));
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.string({ unit: 'binary', maxLength: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.nat({ max: 40 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), s: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constantFrom('crlf' as const, 'tabs' as const) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function check(text: string): void {
  const m = parseIpvsadm(text);
  assertSpansInside(text, collectSpans(m));
  // The format's own codes, and the shared notes on how the text was pasted and on blanked-out values.
  for (const p of m.problems) assert.match(p.code, /^parse\/(?:ipvsadm-|paste$|redacted$)/);
  assert.ok(m.problems.length <= IPVS_LIMITS.problems + 2);
}

describe('ipvsadm parser robustness', () => {
  it('never throws and keeps every span inside the text under random mutations of real fixtures', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.array(mutation, { maxLength: 8 }), (base, ops) => {
        check(ops.reduce(apply, base));
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws on arbitrary strings and on concatenations of fixtures', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), check), { numRuns: 500 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fixtures), { minLength: 2, maxLength: 5 }), (parts) => {
        const text = parts.join('\n');
        check(text);
        // Every fixture's services survive concatenation: counts add up.
        const alone = parts.reduce((n, p) => n + parseIpvsadm(p).services.length, 0);
        assert.equal(parseIpvsadm(text).services.length, alone);
      }),
      { numRuns: 200 },
    );
  });

  it('parses CRLF and lone-CR versions of every fixture to the same values', () => {
    for (const text of fixtures) {
      const lf = parseIpvsadm(text);
      for (const eol of ['\r\n', '\r']) {
        const other = text.replace(/\n/g, eol);
        const m = parseIpvsadm(other);
        assertSpansInside(other, collectSpans(m));
        assert.deepEqual(m.problems.map((p) => p.code), lf.problems.map((p) => p.code));
        assert.deepEqual(
          m.services.map((s) => [s.protocol.value, s.address?.text, s.scheduler?.value, s.realServers.map((r) => [r.address.text, r.weight?.value, r.inActConn?.value])]),
          lf.services.map((s) => [s.protocol.value, s.address?.text, s.scheduler?.value, s.realServers.map((r) => [r.address.text, r.weight?.value, r.inActConn?.value])]),
        );
        for (const s of m.services) assert.ok(!s.address?.text.includes('\r') && !s.scheduler?.value.includes('\r'));
      }
    }
  });
});

describe('ipvsadm bad input', () => {
  it('empty and blank input give an empty model without problems', () => {
    for (const t of ['', '\n\n', '   \r\n\t']) {
      const m = parseIpvsadm(t);
      assert.deepEqual(m.sections, []);
      assert.deepEqual(m.services, []);
      assert.deepEqual(m.problems, []);
    }
  });

  it('binary noise yields problems, not exceptions', () => {
    const bytes = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    const m = parseIpvsadm(bytes);
    assert.ok(m.problems.length > 0);
    assertSpansInside(bytes, collectSpans(m));
  });

  it('NUL bytes inside a row are reported, the rest of the table is read', () => {
    const text = 'TCP  10.0.0.1:80 rr\n  -> 10.1.1.1:80   Masq 1 0 0\n\u0000\u0000\u0001\n  -> 10.1.1.2:80   Masq 1 0 0\n';
    const m = parseIpvsadm(text);
    assert.equal(m.services[0]!.realServers.length, 2);
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]!.code, 'parse/ipvsadm-syntax');
  });

  it('caps the number of problems on huge garbage and says how many were left out', () => {
    const text = 'garbage line\n'.repeat(IPVS_LIMITS.problems + 500);
    const m = parseIpvsadm(text);
    assert.equal(m.problems.length, IPVS_LIMITS.problems + 1);
    const last = m.problems[m.problems.length - 1]!;
    assert.equal(last.code, 'parse/ipvsadm-limit');
    assert.match(last.message, /^500 more/);
  });

  it('a very long single line is read in bounded fields', () => {
    const text = `TCP  10.0.0.1:80 rr ${'x '.repeat(100_000)}`;
    const m = parseIpvsadm(text);
    assert.equal(m.services.length, 1);
    assert.ok(m.services[0]!.otherFlags.length < IPVS_LIMITS.tokensPerLine);
    assert.ok(m.problems.some((p) => /line too long/.test(p.message)));
  });

  it('stops growing the model after IPVS_LIMITS.modelLines lines and says so', () => {
    const n = IPVS_LIMITS.modelLines + 1000;
    const lines = ['TCP  10.96.0.1:443 rr'];
    for (let i = 1; i < n; i++) lines.push(`  -> 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:80   Masq    1      0          0`);
    const text = lines.join('\n');
    const m = parseIpvsadm(text);
    const rows = m.services[0]!.realServers.length;
    assert.ok(rows < IPVS_LIMITS.modelLines && rows > IPVS_LIMITS.modelLines - 10, `kept ${rows} rows`);
    const p = m.problems.find((x) => x.code === 'parse/ipvsadm-limit')!;
    assert.ok(p);
    assert.match(p.message, new RegExp(`${n - rows - 1} later lines`));
    assert.equal(text.slice(p.span.start, p.span.end), lines[rows + 1]!.trim());
  });

  it('reads a large table in linear time', () => {
    const row = (i: number): string => `  -> 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:80              Masq    1      0          0         \n`;
    const build = (n: number): string => {
      const parts = ['IP Virtual Server version 1.2.1 (size=4096)\n', 'Prot LocalAddress:Port Scheduler Flags\n'];
      for (let i = 0; i < n; i++) parts.push(i % 50 === 0 ? `TCP  10.96.${(i >> 8) & 255}.${i & 255}:443 rr\n` : row(i));
      return parts.join('');
    };
    const time = (t: string): number => {
      const s = process.hrtime.bigint();
      parseIpvsadm(t);
      return Number(process.hrtime.bigint() - s) / 1e6;
    };
    const small = build(20_000);
    const big = build(160_000);
    time(small);
    const a = Math.min(time(small), time(small));
    const b = Math.min(time(big), time(big));
    // 8x the input must not take much more than 8x the time (generous bound against noise).
    assert.ok(b < a * 8 * 3 + 50, `20k rows: ${a.toFixed(1)} ms, 160k rows: ${b.toFixed(1)} ms`);
  });
});
