import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LineIndex } from '../../../server/src/core/lineIndex';
import type { Span } from '../../../server/src/core/span';
import { MAX_GROUP_EXAMPLES, MAX_GROUPS, MAX_LIST, MAX_PROBLEMS, MAX_SAMPLE, MAX_STATS_ROWS, parseConntrack, parseConntrackEntry } from '../../../server/src/formats/conntrack/index';
import { FIXTURES, assertGolden, assertSpansInside, collectSpans, readFixture } from '../../helpers/golden';
import { renderConntrack } from './render';
import { applyMutation, mutation } from '../../helpers/mutations';

const at = (text: string, s: Span | undefined): string => (s ? text.slice(s.start, s.end) : '<none>');

describe('conntrack parser: table entries', () => {
  it('reads a conntrack -L line with DNAT and SNAT into tuples, flags and fields with exact spans', () => {
    const text =
      'tcp      6 86390 ESTABLISHED src=192.168.1.21 dst=10.96.5.5 sport=40000 dport=80 src=10.244.2.9 dst=10.244.1.0 sport=8080 dport=61027 [ASSURED] mark=0 use=1\n';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.formats, ['list']);
    assert.equal(m.table.total, 1);
    assert.equal(m.table.dnat, 1);
    assert.equal(m.table.snat, 1);
    assert.equal(m.table.assured, 1);
    assert.deepEqual([...m.table.byL4], [['tcp', 1]]);
    assert.deepEqual([...m.table.byTcpState], [['ESTABLISHED', 1]]);
    const e = m.table.sample[0]!;
    assert.equal(e.protocol.value, 'tcp');
    assert.equal(e.protocolNumber?.value, 6);
    assert.equal(e.timeout?.value, 86390);
    assert.equal(at(text, e.timeout?.span), '86390');
    assert.equal(e.state?.value, 'ESTABLISHED');
    assert.equal(e.original.src?.value, '192.168.1.21');
    assert.equal(at(text, e.original.src?.span), '192.168.1.21');
    assert.equal(e.original.dport?.value, 80);
    assert.equal(at(text, e.original.span), 'src=192.168.1.21 dst=10.96.5.5 sport=40000 dport=80');
    assert.equal(e.reply?.src?.value, '10.244.2.9');
    assert.equal(at(text, e.reply?.dst?.span), '10.244.1.0');
    assert.equal(e.reply?.dport?.value, 61027);
    assert.equal(at(text, e.assured), '[ASSURED]');
    assert.equal(e.mark?.value, 0);
    assert.equal(at(text, e.use?.span), '1');
    assert.deepEqual(
      e.fields.map((f) => [f.key.value, f.value.value, at(text, f.span)]),
      [
        ['mark', '0', 'mark=0'],
        ['use', '1', 'use=1'],
      ],
    );
    assert.equal(e.dnat, true);
    assert.equal(e.snat, true);
    assert.equal(e.complete, true);
    assert.equal(at(text, e.span), text.trimEnd());
  });

  it('reads the /proc/net/nf_conntrack shape (ipv4 2 prefix, secctx, zone) and a cat -n prefix', () => {
    const text = '   853  ipv4     2 tcp      6 299 ESTABLISHED src=192.168.1.138 dst=192.168.1.139 sport=33290 dport=22 src=192.168.1.139 dst=154.186.196.59 sport=22 dport=33290 [ASSURED] mark=0 secctx=system_u:object_r:unlabeled_t:s0 zone=0 use=2';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.formats, ['list-l3']);
    assert.deepEqual([...m.table.byL3], [['ipv4', 1]]);
    const e = m.table.sample[0]!;
    assert.equal(e.lineNumber?.value, 853);
    assert.equal(e.l3?.value, 'ipv4');
    assert.equal(e.l3Number?.value, 2);
    assert.equal(at(text, e.l3Number?.span), '2');
    assert.equal(e.secctx?.value, 'system_u:object_r:unlabeled_t:s0');
    assert.equal(at(text, e.zone?.span), '0');
    assert.equal(e.use?.value, 2);
    assert.equal(e.dnat, false, 'reply src equals original dst');
    assert.equal(e.snat, true, 'reply dst 154.186.196.59 differs from original src');
  });

  it('groups SYN_SENT [UNREPLIED] entries by reply source with the first five examples', () => {
    const lines: string[] = [];
    for (let i = 0; i < 7; i++) {
      lines.push(`tcp      6 ${100 + i} SYN_SENT src=10.244.1.5 dst=10.96.0.20 sport=${40000 + i} dport=80 [UNREPLIED] src=10.244.2.9 dst=10.244.1.5 sport=8080 dport=${40000 + i} mark=0 use=1`);
    }
    lines.push('tcp      6 100 SYN_SENT src=10.244.1.5 dst=10.96.0.21 sport=41000 dport=80 [UNREPLIED] src=10.244.3.3 dst=10.244.1.5 sport=8080 dport=41000 mark=0 use=1');
    lines.push('tcp      6 100 SYN_SENT src=10.244.1.5 dst=10.96.0.21 sport=41001 dport=80 src=10.244.3.3 dst=10.244.1.5 sport=8080 dport=41001 mark=0 use=1');
    const text = lines.join('\n');
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    const g = m.table.synSentUnreplied;
    assert.equal(g.total, 8, 'the replied SYN_SENT entry is not counted');
    assert.deepEqual(
      g.groups.map((x) => [x.key, x.count, x.examples.length]),
      [
        ['10.244.2.9', 7, MAX_GROUP_EXAMPLES],
        ['10.244.3.3', 1, 1],
      ],
    );
    const ex = g.groups[0]!.examples[2]!;
    assert.equal(ex.line, 2);
    assert.equal(at(text, ex.key), '10.244.2.9');
    assert.equal(at(text, ex.span), lines[2]);
    assert.equal(m.table.unreplied, 8);
    assert.deepEqual([...m.table.byTcpState], [['SYN_SENT', 9]]);
  });

  it('counts DNS entries and stale UDP flows without DNAT (k/k#48370)', () => {
    const text = readFixture('conntrack/k8s-issue-48370-udp-unreplied-before-after.txt');
    const m = parseConntrack(text);
    assert.equal(m.table.dns.udp, 2);
    assert.equal(m.table.dns.udpUnreplied, 2);
    assert.equal(m.table.dnat, 1);
    assert.deepEqual(m.table.dns.udpByDst.groups.map((g) => [g.key, g.count]), [['10.15.240.10', 2]]);
    const stale = m.table.udpUnrepliedNoDnat;
    assert.equal(stale.total, 1);
    assert.equal(stale.groups[0]!.key, '10.15.240.10');
    assert.equal(stale.groups[0]!.examples[0]!.line, 1);
  });

  it('reads conntrack -E events with timestamps apart from the table', () => {
    const text = '[1700000000.123456]\t    [NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1\n [DESTROY] udp      17 src=10.0.0.1 dst=10.0.0.3 sport=5 dport=53 src=10.0.0.3 dst=10.0.0.1 sport=53 dport=5\n';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.formats, ['events']);
    assert.equal(m.table.total, 0, 'an event stream repeats flows: it is not a table');
    assert.equal(m.events.total, 2);
    assert.deepEqual([...m.events.byType], [['NEW', 1], ['DESTROY', 1]]);
    const e = m.table.sample[0]!;
    assert.equal(e.event?.value, 'NEW');
    assert.equal(at(text, e.event?.span), '[NEW]');
    assert.equal(e.eventTime?.value, 1700000000.123456);
    assert.equal(e.state?.value, 'SYN_SENT');
  });

  it('reads the stderr summary line wherever it appears', () => {
    const text = 'conntrack v1.4.6 (conntrack-tools): 50 flow entries have been shown.\n';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    const s = m.summaries[0]!;
    assert.equal(s.version.value, '1.4.6');
    assert.equal(at(text, s.version.span), '1.4.6');
    assert.equal(s.count?.value, 50);
    assert.equal(at(text, s.count?.span), '50');
    assert.equal(s.what, 'entries');
    assert.equal(s.action, 'shown');
    assert.equal(at(text, s.message.span), '50 flow entries have been shown.');
  });

  it('reads conntrackd -i entries without a timeout and keeps [active since ...] as a flag', () => {
    const text = readFixture('conntrack/conntrackd-manual-i-internal-cache.txt');
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.formats, ['cache']);
    const e = m.table.sample[0]!;
    assert.equal(e.timeout, undefined);
    assert.equal(e.state?.value, 'ESTABLISHED');
    assert.deepEqual(e.flags.map((f) => f.value), ['ASSURED', 'active since 536s']);
    assert.equal(at(text, e.flags[1]!.span), '[active since 536s]');
  });

  it('reports an entry cut off at either end on the exact text and keeps it out of the totals', () => {
    const text = readFixture('conntrack/k8s-issue-91216-L-dns-tcp-time-wait-TRUNCATED.txt');
    const m = parseConntrack(text);
    assert.equal(m.table.total, 6, 'the mid-line entry is complete and read as tcp');
    assert.equal(m.table.incomplete, 1);
    assert.equal(m.table.dns.tcp, 5);
    assert.equal(m.elisions.length, 1);
    // Cut at both ends: one truncation note (info) at the first cut, counting the other; the '...' is the paste layer's note.
    const [start, elided] = m.problems;
    assert.equal(m.problems.length, 2);
    assert.equal(start?.code, 'parse/conntrack-truncated');
    assert.equal(start?.severity, 'info');
    assert.match(start!.message, /read as tcp\) \(the paste is truncated\); 1 more place is cut short the same way$/);
    assert.equal(at(text, start!.span), '6');
    assert.equal(m.table.sample[0]!.protocolInferred, true);
    assert.equal(elided?.code, 'parse/paste');
    assert.match(elided!.message, /^1 elision marker/);

    const cut = readFixture('conntrack/coco-issue-2015-L-vxlan-unreplied-summary-first-TRUNCATED.txt');
    const c = parseConntrack(cut);
    assert.equal(c.table.total, 3);
    assert.equal(c.table.incomplete, 1);
    assert.equal(c.problems.length, 1);
    assert.equal(at(cut, c.problems[0]!.span), 'src=192.1');
    assert.match(c.problems[0]!.message, /reply tuple has no dst=, sport=, dport=/);
  });

  it('reports bad addresses and non-numeric ports on the value', () => {
    const text = 'udp      17 30 src=10.0.0.1 dst=10.0.0.300 sport=x1 dport=53 src=10.0.0.300 dst=10.0.0.1 sport=53 dport=1';
    const m = parseConntrack(text);
    assert.deepEqual(
      m.problems.map((p) => [p.code, at(text, p.span)]),
      [
        ['parse/conntrack-bad-value', 'x1'],
        ['parse/conntrack-bad-value', '10.0.0.300'],
      ],
    );
    assert.equal(m.table.total, 0);
    assert.equal(m.table.incomplete, 1);
  });

  it('accepts IPv6 tuples and vendor fields after use=', () => {
    const text =
      'tcp      6 431999 ESTABLISHED src=fd00::1 dst=fd00:10:96::a sport=1 dport=443 src=fd00:10:244:1::5 dst=fd00::1 sport=8443 dport=1 [ASSURED] mark=0 use=1 Service=slb.test id=42\n';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    const e = m.table.sample[0]!;
    assert.equal(e.dnat, true);
    assert.deepEqual(e.fields.map((f) => f.key.value), ['mark', 'use', 'Service', 'id']);
    assert.equal(e.reply?.id, undefined, 'id= after use= is the conntrack id, not an ICMP id');
  });
});

describe('conntrack parser: statistics', () => {
  it('reads conntrack -S rows with tab padding and trailing blanks, and sums totals', () => {
    const text = 'cpu=0   \tfound=1 invalid=10 insert_failed=2 drop=0 \ncpu=1   \tfound=3 invalid=5 insert_failed=0 drop=1 \n';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.stats.length, 1);
    const st = m.stats[0]!;
    assert.equal(st.format, 'stats');
    assert.equal(st.rows[1]!.cpu?.value, 1);
    const inv = st.rows[0]!.counters.get('invalid')!;
    assert.equal(inv.value.value, 10);
    assert.equal(at(text, inv.value.span), '10');
    assert.equal(at(text, inv.name.span), 'invalid');
    assert.deepEqual([...st.totals], [['found', 4], ['invalid', 15], ['insert_failed', 2], ['drop', 1]]);
  });

  it('starts a new table when cpu=0 comes again (a second snapshot)', () => {
    const m = parseConntrack('cpu=0 found=1\ncpu=1 found=2\ncpu=0 found=5\ncpu=1 found=6\n');
    assert.deepEqual(m.stats.map((s) => s.totals.get('found')), [3, 11]);
  });

  it('reads the counters of a line without cpu=', () => {
    const m = parseConntrack('found=0 invalid=123 insert=0 insert_failed=7 drop=0 early_drop=0 error=0 search_restart=0');
    assert.deepEqual(m.problems, []);
    assert.equal(m.stats[0]!.rows[0]!.cpu, undefined);
    assert.equal(m.stats[0]!.totals.get('insert_failed'), 7);
  });

  it('reads the /proc/net/stat/nf_conntrack hex table by its header; entries is a global count', () => {
    const text = 'entries  clashres found new invalid\n00000021  00000001 00000000 00000000 0000000a\n00000021  00000002 00000000 00000000 000000ff\n';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    const st = m.stats[0]!;
    assert.equal(st.format, 'stats-proc');
    assert.deepEqual(st.header?.columns.map((c) => c.value), ['entries', 'clashres', 'found', 'new', 'invalid']);
    const c = st.rows[1]!.counters.get('invalid')!;
    assert.equal(c.value.value, 255);
    assert.equal(c.raw, '000000ff');
    assert.equal(at(text, c.value.span), '000000ff');
    assert.equal(st.totals.get('entries'), 0x21, 'not summed over CPUs');
    assert.equal(st.totals.get('invalid'), 265);
    assert.equal(st.totals.get('clashres'), 3);
  });

  it('reports a hex row that is cut short and hex rows without a header', () => {
    const text = 'entries  found invalid\n00000021  00000000\n';
    const m = parseConntrack(text);
    assert.equal(m.problems[0]?.code, 'parse/conntrack-truncated');
    assert.match(m.problems[0]!.message, /'invalid' and later are missing/);
    assert.equal(m.stats[0]!.rows[0]!.counters.size, 2);
    const h = parseConntrack('00000021  00000000 00000001\n');
    assert.equal(h.problems[0]?.code, 'parse/conntrack-syntax');
    assert.match(h.problems[0]!.message, /header line/);
  });

  it('reads the old one-counter-per-line conntrack -S output', () => {
    const text = 'entries   \t\t33      \nsearched  \t\t0       \ninsert_failed\t\t4       \n';
    const m = parseConntrack(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.formats, ['stats-legacy']);
    const row = m.stats[0]!.rows[0]!;
    assert.deepEqual([...row.counters.keys()], ['entries', 'searched', 'insert_failed']);
    assert.equal(at(text, row.counters.get('insert_failed')!.value.span), '4');
  });

  it('reports a counter cut off at the end of a truncated paste', () => {
    const text = readFixture('conntrack/stats/rke2-issue-3924-S-TRUNCATED.txt');
    const m = parseConntrack(text);
    assert.equal(m.stats[0]!.rows.length, 9);
    assert.equal(m.stats[0]!.totals.get('invalid'), 549);
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]!.code, 'parse/conntrack-truncated');
    assert.equal(at(text, m.problems[0]!.span), 'early_');
  });
});

describe('conntrack parser: parseConntrackEntry', () => {
  it('parses one line with document offsets (base) for hover', () => {
    const line = 'udp      17 29 src=10.12.0.14 dst=10.15.240.10 sport=43145 dport=53 [UNREPLIED] src=10.12.0.11 dst=10.12.0.14 sport=53 dport=43145 mark=0 use=1';
    const doc = `first line\n${line}\n`;
    const base = doc.indexOf(line);
    const { entry, problems } = parseConntrackEntry(line, base);
    assert.deepEqual(problems, []);
    assert.ok(entry);
    assert.equal(at(doc, entry.span), line);
    assert.equal(at(doc, entry.original.dst?.span), '10.15.240.10');
    assert.equal(at(doc, entry.reply?.src?.span), '10.12.0.11');
    assert.equal(at(doc, entry.unreplied), '[UNREPLIED]');
    assert.equal(at(doc, entry.protocolNumber?.span), '17');
    assert.equal(entry.original.fields.length, 4);
    assert.equal(entry.reply?.fields.length, 4);
    assert.equal(at(doc, entry.reply?.fields[3]!.key.span), 'dport');
    assert.equal(entry.dnat, true);
  });

  it('reads accounting counters and ICMP tuples', () => {
    const acct = parseConntrackEntry(
      ' tcp      6 431982 ESTABLISHED src=192.168.2.100 dst=123.59.27.117 sport=34846 dport=993 packets=169 bytes=14322 src=123.59.27.117 dst=192.168.2.100 sport=993 dport=34846 packets=113 bytes=34787 [ASSURED] mark=0 secmark=0 use=1',
      0,
    ).entry!;
    assert.equal(acct.original.packets?.value, 169);
    assert.equal(acct.reply?.bytes?.value, 34787);
    assert.equal(acct.secmark?.value, 0);
    const icmp = parseConntrackEntry('icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=7 src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=7 mark=0 use=1', 0);
    assert.deepEqual(icmp.problems, []);
    assert.equal(icmp.entry?.original.type?.value, 8);
    assert.equal(icmp.entry?.reply?.id?.value, 7);
    assert.equal(icmp.entry?.complete, true);
  });

  it('answers a non-entry line with a problem and no entry', () => {
    const r = parseConntrackEntry('cpu=0 found=1', 10);
    assert.equal(r.entry, undefined);
    assert.deepEqual(r.problems[0]?.span, { start: 10, end: 23 });
    assert.deepEqual(parseConntrackEntry('', 0), { problems: [] });
  });
});

describe('conntrack parser: bounds and consistency', () => {
  it('keeps groups, examples, samples and problems bounded', () => {
    const lines: string[] = [];
    for (let i = 0; i < MAX_GROUPS + 50; i++) {
      const pod = `10.${(i >> 8) & 255}.${i & 255}.9`;
      lines.push(`tcp      6 100 SYN_SENT src=10.244.1.5 dst=10.96.0.20 sport=${i} dport=80 [UNREPLIED] src=${pod} dst=10.244.1.5 sport=8080 dport=${i}`);
    }
    const m = parseConntrack(lines.join('\n'));
    assert.equal(m.table.synSentUnreplied.groups.length, MAX_GROUPS);
    assert.equal(m.table.synSentUnreplied.ungrouped, 50);
    assert.equal(m.table.synSentUnreplied.total, MAX_GROUPS + 50);
    assert.equal(m.table.sample.length, MAX_SAMPLE);
    const junk = parseConntrack('?\n'.repeat(MAX_PROBLEMS + 10));
    assert.equal(junk.problems.length, MAX_PROBLEMS + 1);
    assert.match(junk.problems.at(-1)!.message, /10 more problems/);
  });

  it('stays linear on a long line of unclosed brackets and caps lists that grow with the input', () => {
    const brackets = '[ '.repeat(2_000_000);
    const t0 = Date.now();
    const m = parseConntrack(brackets);
    assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
    assertSpansInside(brackets, collectSpans(m));
    assert.equal(parseConntrack('...\n'.repeat(MAX_LIST + 5)).elisions.length, MAX_LIST);
    const rows = parseConntrack('found=1\n'.repeat(MAX_STATS_ROWS + 3));
    assert.equal(rows.stats.reduce((n, s) => n + s.rows.length, 0), MAX_STATS_ROWS);
    assert.equal(rows.problems.length, 1);
  });

  it('counts in the table exactly the lines parseConntrackEntry reads as complete table entries', () => {
    for (const rel of fixtureFiles) {
      const text = readFixture(rel);
      const m = parseConntrack(text);
      let complete = 0;
      let incomplete = 0;
      let offset = 0;
      for (const line of text.split(/\r\n|\r|\n/)) {
        const { entry } = parseConntrackEntry(line, offset);
        offset += line.length + 1;
        if (!entry || entry.event) continue;
        if (entry.complete) complete++;
        else incomplete++;
      }
      assert.equal(m.table.total, complete, rel);
      assert.ok(m.table.incomplete >= incomplete, rel);
    }
  });
});

describe('conntrack parser: bad input', () => {
  it('returns an empty model for empty and blank text', () => {
    for (const text of ['', '\n\n', '   \t  \r\n']) {
      const m = parseConntrack(text);
      assert.equal(m.table.total, 0);
      assert.deepEqual(m.problems, []);
    }
  });

  it('reports binary noise as problems without throwing', () => {
    const text = '\u0000\u0001\u0002binary\uFFFD\u0000\ntcp 6 \u0000 src=\u0000';
    const m = parseConntrack(text);
    assert.ok(m.problems.length > 0);
    assertSpansInside(text, collectSpans(m));
  });

  it('reads CRLF and lone CR line ends without leaking \\r into values', () => {
    const lf = readFixture('conntrack/lab-router-L-v1.4.5-blank-lines-no-mark.txt');
    for (const text of [lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r')]) {
      const m = parseConntrack(text);
      assert.deepEqual(m.problems, []);
      assert.equal(m.table.total, 2);
      assert.equal(m.table.sample[1]!.line, 2);
      assert.equal(m.summaries[0]!.count?.value, 2);
      assert.ok(!m.table.sample.some((e) => e.fields.some((f) => f.value.value.includes('\r'))));
    }
  });

  it('reports XML output once instead of one problem per line', () => {
    const m = parseConntrack('<?xml version="1.0" encoding="utf-8"?>\n<conntrack>\n<flow></flow>\n</conntrack>\n');
    assert.deepEqual(m.problems.map((p) => p.code), ['parse/conntrack-unsupported-format']);
  });
});

const fixtureFiles = (['conntrack', 'conntrack/stats'] as const).flatMap((dir) =>
  readdirSync(join(FIXTURES, dir), { withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => `${dir}/${d.name}`)
    .sort(),
);

describe('conntrack parser: goldens of real fixtures', () => {
  for (const rel of fixtureFiles) {
    it(rel, () => {
      const text = readFixture(rel);
      const m = parseConntrack(text);
      assertSpansInside(text, collectSpans(m));
      assertGolden(`${rel.replace(/^conntrack\//, 'conntrack/')}.golden.txt`, renderConntrack(text, m));
    });
  }
});

describe('conntrack parser: properties', () => {
  const texts = fixtureFiles.map((rel) => readFixture(rel));
  const tokens = ['\t', '\r\n', '\r', '\0', '=', ' src=', '[', ']', '[UNREPLIED] ', 'cpu=0 ', '\uFFFD', '\u00A0', 'ipv4     2 '];

  it('never throws and keeps every span inside the text under random mutations', () => {
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutation(tokens), { minLength: 1, maxLength: 4 }), (i, ms) => {
        const text = ms.reduce((t, m) => applyMutation(t, m, / {2}/g), texts[i]!);
        const m = parseConntrack(text);
        assertSpansInside(text, collectSpans(m));
        for (const e of m.table.sample) {
          const again = parseConntrackEntry(text.slice(e.span.start, e.span.end), e.span.start);
          assertSpansInside(text, collectSpans(again));
          assert.equal(again.entry?.complete, e.complete);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        assertSpansInside(text, collectSpans(parseConntrack(text)));
        assertSpansInside(text, collectSpans(parseConntrackEntry(text, 0)));
      }),
      { numRuns: 500 },
    );
  });

  it('reads the same values from a CRLF copy, at the same line/column', () => {
    for (const rel of fixtureFiles) {
      const lf = readFixture(rel);
      const crlf = lf.replace(/\n/g, '\r\n');
      const pos = (text: string): string[] => {
        const idx = new LineIndex(text);
        return collectSpans(parseConntrack(text)).map((x) => JSON.stringify([idx.positionAt(x.start), idx.positionAt(x.end)]));
      };
      assert.deepEqual(pos(crlf), pos(lf), rel);
    }
  });
});
