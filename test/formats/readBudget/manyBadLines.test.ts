import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIptablesListing } from '../../../server/src/formats/iptables/parseListing';
import { parseSysctl } from '../../../server/src/formats/sysctl/parse';
import { parseEthtool } from '../../../server/src/formats/ethtool/parse';
import { parseIpvsadm } from '../../../server/src/formats/ipvsadm/parse';
import { parseConntrack } from '../../../server/src/formats/conntrack/parse';
import type { ParseProblem } from '../../../server/src/core/problem';

/**
 * Issue 11: a real dump with more than 1,000 bad lines among many good ones is read to the end
 * (the problems past 1,000 are counted in one note); only mostly unreadable text stops a reader.
 * Each format gets a dump of GOOD good lines with a bad line after every third, and then random-ish
 * garbage after a valid first line.
 */
const GOOD = 4500;
const BAD_EVERY = 3;
const BAD = Math.floor(GOOD / BAD_EVERY);

function interleave(head: string, good: (i: number) => string, bad: (i: number) => string): string {
  const lines = [head];
  for (let i = 0; i < GOOD; i++) {
    lines.push(good(i));
    if (i % BAD_EVERY === BAD_EVERY - 1) lines.push(bad(i));
  }
  return `${lines.join('\n')}\n`;
}

const garbage = (head: string, n = 3000): string => {
  const lines = [head];
  for (let i = 0; i < n; i++) lines.push(`@@ ${(i * 7919).toString(36)} ~~ ${'#%'.repeat(i % 5)} ??`);
  return `${lines.join('\n')}\n`;
};

/** The problems as the reader reports them: 1,000 listed, then one note that counts the rest and says the text was read. */
function assertReadToEnd(problems: readonly ParseProblem[], expectedBad: number): void {
  const notes = problems.filter((p) => /more problems like the ones above are not listed/.test(p.message));
  assert.equal(notes.length, 1, problems.slice(-3).map((p) => p.message).join('\n'));
  assert.ok(!problems.some((p) => /stopped reading/.test(p.message)), 'stopped reading');
  const unlisted = Number(/^([\d,]+) more/.exec(notes[0]!.message)![1]!.replace(/,/g, ''));
  assert.equal(problems.length - 1 + unlisted, expectedBad);
  assert.match(notes[0]!.message, /read/);
}

const assertStopped = (problems: readonly ParseProblem[]): void => {
  assert.ok(problems.some((p) => /stopped reading/.test(p.message)), 'did not stop on garbage');
  assert.ok(problems.length <= 1003);
};

describe('line readers read a real dump with more than 1,000 bad lines to the end', () => {
  it('iptables listing (parseListing.ts)', () => {
    const text = interleave(
      'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination',
      (i) => `ACCEPT     tcp  --  10.${(i >> 8) & 255}.${i & 255}.1        0.0.0.0/0`,
      // A row that does not read (not one cut short: those are one truncation note).
      () => 'ACCEPT     all  ??  0.0.0.0/0            0.0.0.0/0',
    );
    const m = parseIptablesListing(text);
    assert.equal(m.tables[0]!.rules.length, GOOD);
    assertReadToEnd(m.problems, BAD);
    assertStopped(parseIptablesListing(garbage('Chain INPUT (policy ACCEPT)')).problems);
  });

  it('sysctl (ReadBudget)', () => {
    const text = interleave('net.ipv4.ip_forward = 1', (i) => `net.test.key${i} = ${i}`, (i) => `this is not a setting ${i}`);
    const m = parseSysctl(text);
    assert.equal(m.entries.length, GOOD + 1);
    assert.equal(m.entries[m.entries.length - 1]!.key, `net.test.key${GOOD - 1}`);
    assertReadToEnd(m.problems, BAD);
    assertStopped(parseSysctl(garbage('net.ipv4.ip_forward = 1')).problems);
  });

  it('ethtool (ReadBudget)', () => {
    const text = interleave('Features for eth0:', (i) => `feature-${i}: on`, (i) => `stray line ${i} on`);
    const m = parseEthtool(text);
    assert.equal(m.interfaces[0]!.features.length, GOOD);
    assertReadToEnd(m.problems, BAD);
    assertStopped(parseEthtool(garbage('Features for eth0:')).problems);
  });

  it('ipvsadm (reads to the end, problems past the cap counted)', () => {
    const text = interleave(
      'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      (i) => `TCP  10.96.${(i >> 8) & 255}.${i & 255}:443 rr`,
      (i) => `bad line here ${i}`,
    );
    const m = parseIpvsadm(text);
    assert.equal(m.services.length, GOOD);
    const listed = m.problems.filter((p) => p.code === 'parse/ipvsadm-syntax').length;
    const note = m.problems.find((p) => /more problems were found but not listed/.test(p.message));
    assert.ok(note, 'no count of the unlisted problems');
    assert.equal(listed + Number(/^(\d+)/.exec(note.message)![1]), BAD);
  });

  it('conntrack (reads to the end, problems past the cap counted)', () => {
    const text = interleave(
      'tcp      6 86399 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 [ASSURED] mark=0 use=1',
      (i) => `tcp      6 86399 ESTABLISHED src=10.0.${(i >> 8) & 255}.${i & 255} dst=10.0.0.2 sport=${1000 + (i % 5000)} dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=${1000 + (i % 5000)} [ASSURED] mark=0 use=1`,
      (i) => `bad line ${i}`,
    );
    const m = parseConntrack(text);
    assert.equal(m.table.total, GOOD + 1);
    const listed = m.problems.filter((p) => p.code === 'parse/conntrack-syntax' && !/not listed/.test(p.message)).length;
    const note = m.problems.find((p) => /more problems from here on are not listed/.test(p.message));
    assert.ok(note, 'no count of the unlisted problems');
    assert.equal(listed + Number(/^(\d+)/.exec(note.message)![1]), BAD);
  });
});
