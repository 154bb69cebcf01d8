import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { lintText, type NodeFile } from '../../helpers/ruleTester';
import { scriptOf } from '../../helpers/commandFix';

/**
 * IPVS rules over anonymised dumps (core/redaction.ts): real servers are joined across a node's
 * dumps by address (`-Lnc` connection entries, `--rate` rows). Once blanked, the entries and rates
 * of many real servers read alike (`10.244.x.x:8080`), so they are joined to nothing; a row's own
 * counters still count, and no command is written with a placeholder in it.
 */

const RULE = 'ipvs/weight-zero-with-connections';

const reports = (text: string, path: string, node: readonly NodeFile[] = []) =>
  lintText(text, { path, node, only: [RULE] }).reports.filter((r) => r.ruleId === RULE);

/** A save file (no counters) with a draining real server, and the connection table of the node. */
const save = (vip: string, draining: string, serving: string): string =>
  `-A -t ${vip} -s rr\n-a -t ${vip} -r ${serving} -m -w 1\n-a -t ${vip} -r ${draining} -m -w 0\n`;
/** Established connections, all to the server that is still serving. */
const lnc = (vip: string, serving: string): NodeFile => ({
  path: 'node/ipvsadm-Lnc.txt',
  text: `IPVS connection entries
pro expire state       source             virtual            destination
TCP 14:59  ESTABLISHED 10.244.1.5:51234   ${vip}      ${serving}
TCP 14:59  ESTABLISHED 10.244.1.5:51240   ${vip}      ${serving}
`,
});

const HEADER = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;

/** A weight-0 server with inactive entries only, and a --rate listing where only the other server gets new connections. */
const withRate = (vip: string, draining: string, serving: string): string => `${HEADER}TCP  ${vip} rr
  -> ${draining}             Masq    0      0          187
  -> ${serving}             Masq    1      12         211
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  ${vip}                       6       40       38     4000     9000
  -> ${draining}                    0       0        0        0        0
  -> ${serving}                    6       30       28     3000     8000
`;

describe(`${RULE} on blanked-out addresses`, () => {
  it('does not credit a draining server with the -Lnc entries of servers that read alike once blanked; the real join still fires', () => {
    assert.equal(reports(save('10.96.41.7:80', '10.244.2.44:8080', '10.244.1.31:8080'), 'node/ipvsadm-Sn.txt', [lnc('10.96.41.7:80', '10.244.2.44:8080')]).length, 1);
    // The real servers are different here (the entries are the serving one's): nothing to say once both are 10.244.x.x.
    assert.equal(reports(save('10.96.x.x:80', '10.244.x.x:8080', '10.244.x.x:8080'), 'node/ipvsadm-Sn.txt', [lnc('10.96.x.x:80', '10.244.x.x:8080')]).length, 0);
  });

  it('does not take another server\'s --rate for a blanked draining server (no false "still reaching it" warning)', () => {
    const real = reports(withRate('10.96.41.7:80', '10.244.2.44:8080', '10.244.1.31:8080'), 'node/ipvsadm-Ln.txt');
    assert.equal(real.length, 1);
    assert.equal(real[0]!.severity, 'info');
    const anon = reports(withRate('10.96.x.x:80 ', '10.244.x.x:8080', '10.244.x.x:8080'), 'node/ipvsadm-Ln.txt');
    // The row's own counters (187 inactive) still make the finding; the rate of the other row does not raise it.
    assert.equal(anon.length, 1);
    assert.equal(anon[0]!.severity, 'info');
    assert.doesNotMatch(anon[0]!.message, /--rate shows/);
  });

  it('offers no ipvsadm command with a placeholder in it', () => {
    const text = `${HEADER}TCP  10.96.x.x:80 rr\n  -> 10.244.x.x:8080             Masq    0      3          187\n`;
    const [r] = reports(text, 'node/ipvsadm-Ln.txt');
    assert.ok(r);
    const commands = r.fixes.filter((f): f is CommandFix => f.kind === 'command');
    assert.equal(commands.length, 1);
    const run = scriptOf(commands[0]!)
      .split('\n')
      .filter((l) => !l.startsWith('#'));
    // The removal is left as a note (as for a dump without numeric addresses); what runs names no placeholder.
    assert.ok(run.length > 0);
    for (const l of run) assert.doesNotMatch(l, /x\.x|ipvsadm -d/);
    // The same row with real addresses gets the removal command.
    const [real] = reports(text.replace('10.96.x.x', '10.96.41.7').replace('10.244.x.x', '10.244.2.44'), 'node/ipvsadm-Ln.txt');
    const realCommand = real!.fixes.find((f): f is CommandFix => f.kind === 'command')!;
    assert.match(scriptOf(realCommand), /^ipvsadm -d -t 10\.96\.41\.7:80 -r 10\.244\.2\.44:8080$/m);
  });
});
