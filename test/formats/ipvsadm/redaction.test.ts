import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ParseProblem } from '../../../server/src/core/problem';
import { IPVS_LIMITS, parseIpvsadm, type IpvsadmModel } from '../../../server/src/formats/ipvsadm';
import { cliAddress } from '../../../server/src/formats/ipvsadm/query';

/**
 * Anonymised ipvsadm output (`TCP  <redacted>:80 rr`, `-> 10.244.x.x:6443`, `x.x.x.x:443`): a
 * blanked host or port is read as unknown (not a bad value, not a resolved host name) and counted
 * into ONE `parse/redacted` note per document (core/redaction.ts). Problems a placeholder causes
 * elsewhere on a line are folded before the problem cap counts them.
 */

const REDACTED = 'parse/redacted';
const HEADER = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;

const ANON = `${HEADER}TCP  <redacted>:80 rr
  -> 10.244.x.x:6443              Masq    1      0          0
  -> x.x.x.x:443                  Masq    1      0          0
TCP  10.96.0.1:443 rr
  -> [fd00::x]:6443               Masq    1      0          0
  -> 10.244.1.7:xxxx              Masq    1      0          0
`;

const codes = (m: IpvsadmModel): string[] => m.problems.map((p) => p.code);
const notes = (m: IpvsadmModel): ParseProblem[] => m.problems.filter((p) => p.code === REDACTED);
const at = (text: string, p: { span: { start: number; end: number } }): string => text.slice(p.span.start, p.span.end);

describe('ipvsadm: blanked-out values (anonymised listings)', () => {
  it('an anonymised listing gives one info note on the first placeholder, and no bad value for a placeholder', () => {
    const m = parseIpvsadm(ANON);
    assert.deepEqual(codes(m), [REDACTED]);
    const note = m.problems[0]!;
    assert.equal(note.severity, 'info');
    assert.equal(at(ANON, note), '<redacted>');
    assert.match(note.message, /^5 values are blanked out/);
    assert.match(note.message, /ipvsadm output/);
    assert.deepEqual(
      (note.related ?? []).map((r) => at(ANON, r)),
      ['<redacted>', '10.244.x.x', 'x.x.x.x', 'fd00::x', 'xxxx'],
    );
  });

  it('reads a blanked host as unknown: not a host name, no command-line address', () => {
    const m = parseIpvsadm(ANON);
    const [blanked, real] = m.services;
    // Host-name shaped (`x.x.x.x`) is not taken for a name: the section shows no resolved names.
    assert.equal(m.sections[0]!.resolvedNames, false);
    assert.equal(blanked!.address?.redacted, true);
    assert.equal(blanked!.address?.port?.value, 80);
    assert.deepEqual(
      blanked!.realServers.map((r) => [r.address.text, r.address.redacted, r.weight?.value]),
      [
        ['10.244.x.x:6443', true, 1],
        ['x.x.x.x:443', true, 1],
      ],
    );
    assert.equal(real!.address?.redacted, undefined);
    assert.equal(real!.realServers[1]!.address.ip, '10.244.1.7');
    assert.equal(real!.realServers[1]!.address.portName, undefined);
    assert.equal(real!.realServers[1]!.address.redacted, true);
    // No ipvsadm command is ever written with a placeholder in it.
    for (const s of m.services) for (const r of s.realServers) assert.equal(cliAddress(r.address), undefined);
    assert.equal(cliAddress(blanked!.address!), undefined);
    assert.equal(cliAddress(real!.address!), '10.96.0.1:443');
  });

  it('a real bad value next to a placeholder is still reported', () => {
    const text = `${HEADER}TCP  <redacted>:80 rr\n  -> 10.244.1.5:99999            Masq    1      0          0\n  -> x.x.x.x:443                  Masq    1      0          0\n`;
    const m = parseIpvsadm(text);
    assert.deepEqual(codes(m).sort(), ['parse/ipvsadm-bad-value', REDACTED]);
    const bad = m.problems.find((p) => p.code === 'parse/ipvsadm-bad-value')!;
    assert.equal(at(text, bad), '99999');
    assert.match(notes(m)[0]!.message, /^2 values are blanked out/);
  });

  it('folds a problem a placeholder causes in another column (a blanked firewall mark)', () => {
    const text = `${HEADER}FWM  <mark> rr\n  -> 10.244.1.5:80                Masq    1      0          0\n`;
    const m = parseIpvsadm(text);
    assert.deepEqual(codes(m), [REDACTED]);
    assert.equal(at(text, m.problems[0]!), '<mark>');
  });

  it('reads a quoted paste the same: the note on the placeholder, beside the paste note', () => {
    const quoted = ANON.replace(/^/gm, '> ').replace(/> $/, '');
    const m = parseIpvsadm(quoted);
    assert.deepEqual(codes(m).sort(), ['parse/paste', REDACTED]);
    const note = notes(m)[0]!;
    assert.equal(at(quoted, note), '<redacted>');
    assert.match(note.message, /^5 values are blanked out/);
  });

  it('a clean listing gives no note', () => {
    const text = `${HEADER}TCP  10.96.0.1:443 rr\n  -> 10.244.0.9:6443              Masq    1      3          0\nTCP  kubernetes.default:https rr\n  -> node-a:6443                  Masq    1      0          0\n`;
    const m = parseIpvsadm(text);
    assert.deepEqual(codes(m), []);
    assert.equal(m.sections[0]!.resolvedNames, true);
  });

  it('a big anonymised connection table is read to the end: one note, every entry counted, real problems after it listed', () => {
    const rows: string[] = ['IPVS connection entries', 'pro expire state       source             virtual            destination'];
    const n = 3 * IPVS_LIMITS.problems;
    // Brackets and an IPv6 group: the forms the reader would call bad values.
    for (let i = 0; i < n; i++) rows.push(`TCP 14:59  ESTABLISHED <client-ip>:${1024 + i} <redacted>:443 [fd00::x]:6443`);
    rows.push('TCP 14:59  ESTABLISHED 10.0.0.1:1024 10.96.0.1:443 10.244.1.5:99999');
    const text = `${rows.join('\n')}\n`;
    const m = parseIpvsadm(text);
    assert.deepEqual(codes(m).sort(), ['parse/ipvsadm-bad-value', REDACTED]);
    assert.equal(at(text, m.problems.find((p) => p.code === 'parse/ipvsadm-bad-value')!), '99999');
    assert.match(notes(m)[0]!.message, new RegExp(`^${(3 * n).toLocaleString('en-US')} values are blanked out`));
    assert.equal(m.connectionTables[0]!.total, n + 1);
  });

  it('a save file adding two services that read alike once blanked is not "added twice"; a real duplicate still is', () => {
    const blanked = '-A -t 10.96.x.x:443 -s rr\n-a -t 10.96.x.x:443 -r 10.244.x.x:6443 -m -w 1\n-A -t 10.96.x.x:443 -s rr\n-a -t 10.96.x.x:443 -r 10.244.x.x:6443 -m -w 1\n';
    const m = parseIpvsadm(blanked);
    assert.deepEqual(codes(m), [REDACTED]);
    assert.deepEqual(
      m.services.map((s) => s.realServers.length),
      [1, 1],
    );
    const real = '-A -t 10.96.0.1:443 -s rr\n-A -t 10.96.0.1:443 -s rr\n';
    assert.ok(parseIpvsadm(real).problems.some((p) => /added twice/.test(p.message)));
  });
});
