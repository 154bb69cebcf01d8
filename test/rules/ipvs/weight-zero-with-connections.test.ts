import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix, splitAnnotated, type NodeFile } from '../../helpers/ruleTester';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'ipvs/weight-zero-with-connections';
const ROOT = join(__dirname, '..', '..', '..');

const HEADER = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;

/** One terminating endpoint with 3 active connections, as in the incident. */
const LISTING = `${HEADER}TCP  10.96.41.7:80 rr
  -> 10.244.1.31:8080             Masq    1      12         211
  -> 10.244.2.44:8080             Masq    0      3          187
`;

const sysctl = (...lines: string[]): NodeFile => ({ path: 'node/sysctl-a.txt', text: `${lines.join('\n')}\n` });

function only(text: string, options: Parameters<typeof lintText>[1] = {}) {
  const reports = lintText(text, { path: 'node/ipvsadm-Ln.txt', ...options }).reports.filter((r) => r.ruleId === RULE);
  assert.equal(reports.length, 1, `expected one ${RULE} finding, got ${reports.length}`);
  return reports[0]!;
}

function commandFix(r: ReturnType<typeof only>): CommandFix {
  const f = r.fixes.find((x): x is CommandFix => x.kind === 'command');
  assert.ok(f, 'no command fix');
  return f;
}

describe(RULE, () => {
  it('fires on a weight-0 real server that still holds connections, naming the service and the counts', () => {
    const [r] = expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.41.7:80 rr
  -> 10.244.1.31:8080             Masq    1      12         211
  -> 10.244.2.44:8080             Masq    0      3          187
     ^^^^^^^^^^^^^^^^ ${RULE}
TCP  10.96.0.10:53 rr
  -> 10.244.1.12:53               Masq    0      0          4
     ^^^^^^^^^^^^^^ ${RULE}
`,
      { path: 'node/ipvsadm-Ln.txt' },
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'stillHolds', { server: '10.244.2.44:8080', service: 'TCP 10.96.41.7:80', held: '3 active connections and 187 inactive' });
    assert.match(String(r!.data!.details), /conn_reuse_mode is unknown \(add sysctl -a/);
  });

  it('calls TCP servers with only inactive entries transient', () => {
    const r = only(`${HEADER}TCP  10.96.0.10:53 rr\n  -> 10.244.1.12:53               Masq    0      0          4\n`);
    expectMessage(r, 'stillHolds', { held: '0 active connections and 4 inactive' });
    assert.match(String(r.data!.details), /normally transient/);
    assert.doesNotMatch(r.message, /conn_reuse_mode/);
  });

  it('does not fire on weighted servers, on drained weight-0 servers, on UDP servers with only inactive entries, or on rows cut short', () => {
    expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.41.7:80 rr
  -> 10.244.1.31:8080             Masq    1      12         211
  -> 10.244.2.44:8080             Masq    0      0          0
UDP  10.96.0.10:53 rr
  -> 10.244.1.12:53               Masq    1      0          96
  -> 10.244.2.9:53                Masq    0      0          101
TCP  10.96.5.5:80 rr
  -> 10.244.3.3:80                Masq
`,
    );
  });

  it('does not fire on statistics or rate listings alone (they show no weights)', () => {
    expectFindings(
      [RULE],
      `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  10.96.41.7:80                       4       40       38     4000     9000
  -> 10.244.1.31:8080                    0        0        0        0        0
`,
    );
  });

  it('raises to warning with active connections and conn_reuse_mode = 0, and gives recipe-2 advice by kernel', () => {
    const node = [sysctl('net.ipv4.vs.conn_reuse_mode = 0', 'net.ipv4.vs.expire_nodest_conn = 1', 'kernel.osrelease = 5.15.0')];
    const fixed = only(LISTING, { node });
    assert.equal(fixed.severity, 'warning');
    assert.match(fixed.message, /With net\.ipv4\.vs\.conn_reuse_mode = 0 \(from node\/sysctl-a\.txt\) a new connection whose client port matches an old entry is sent to this server again/);
    assert.match(fixed.message, /Kernel 5\.15\.0 \(from node\/sysctl-a\.txt\) has the IPVS port-reuse fix \(5\.9\), so conn_reuse_mode = 1 is safe here/);
    assert.equal(fixed.related.length, 1);
    assert.equal(fixed.related[0]!.document.path, 'node/sysctl-a.txt');
    assert.equal(fixed.related[0]!.message, 'conn_reuse_mode = 0: reused source ports go back to the same real server');
    assert.equal(
      scriptOf(commandFix(fixed)),
      `# Check that the pod behind 10.244.2.44:8080 is terminating or gone (run where kubectl works):
#   kubectl get endpointslices -A -o wide | grep -F '10.244.2.44'
# Caution: removing it cuts its remaining connections (clients see resets or timeouts); kube-proxy re-adds it on its next sync if the endpoint is still ready.
ipvsadm -d -t 10.96.41.7:80 -r 10.244.2.44:8080
# Kernel 5.15.0 has the IPVS port-reuse fix (5.9): let IPVS reschedule reused ports away from removed servers.
sysctl -w net.ipv4.vs.conn_reuse_mode=1
printf '%s\\n' 'net.ipv4.vs.conn_reuse_mode = 1' | tee /etc/sysctl.d/90-ipvs-conn-reuse-mode.conf >/dev/null`,
    );

    // Kernel before 5.9: never recommend mode 1, explain the trade-off.
    const old = only(LISTING, { node: [sysctl('net.ipv4.vs.conn_reuse_mode = 0', 'kernel.osrelease = 4.19.150')] });
    assert.equal(old.severity, 'warning');
    assert.match(old.message, /Kernel 4\.19\.150 \(from node\/sysctl-a\.txt\) predates the 5\.9 fix .*which is why kube-proxy chose 0; the clean way out is a kernel upgrade/);
    assert.doesNotMatch(scriptOf(commandFix(old)), /^sysctl -w net\.ipv4\.vs\.conn_reuse_mode/m);
    assert.match(scriptOf(commandFix(old)), /^# \(ipvs-sysctl\.rst: conn_reuse_mode = 0 "will effectively disable expire_nodest_conn"; see the conn_reuse_mode advice below\)$/m);

    // Kernel unknown: say so and how to tell us.
    const unknown = only(LISTING, { node: [sysctl('net.ipv4.vs.conn_reuse_mode = 0')] });
    assert.equal(unknown.severity, 'warning');
    assert.match(unknown.message, /The kernel version is unknown: on kernel 5\.9 or later set conn_reuse_mode = 1 .*\(set kubeNetlint\.facts\.kernelVersion/);
    assert.match(scriptOf(commandFix(unknown)), /^#   sysctl -w net\.ipv4\.vs\.conn_reuse_mode=1$/m);

    // The kernel may also come from the settings.
    const viaSetting = only(LISTING, { node: [sysctl('net.ipv4.vs.conn_reuse_mode = 0')], settings: { facts: { kernelVersion: '6.1.0' } } });
    assert.match(viaSetting.message, /Kernel 6\.1\.0 \(from setting kernelVersion\) has the IPVS port-reuse fix/);
  });

  it('stays info with conn_reuse_mode = 1, or with conn_reuse_mode = 0 and only inactive entries', () => {
    const one = only(LISTING, { node: [sysctl('net.ipv4.vs.conn_reuse_mode = 1')] });
    assert.equal(one.severity, 'info');
    assert.doesNotMatch(one.message, /conn_reuse_mode/);
    const inactive = only(`${HEADER}TCP  10.96.41.7:80 rr\n  -> 10.244.2.44:8080             Masq    0      0          187\n`, { node: [sysctl('net.ipv4.vs.conn_reuse_mode = 0')] });
    assert.equal(inactive.severity, 'info');
    assert.equal(inactive.related[0]?.message, 'conn_reuse_mode = 0: reused source ports go back to the same real server');
  });

  it('offers the exact removal command plus expire_nodest_conn when it is not known to be 1', () => {
    const r = only(LISTING, { node: [sysctl('net.ipv4.vs.conn_reuse_mode = 1', 'net.ipv4.vs.expire_nodest_conn = 0')] });
    const fix = commandFix(r);
    assert.equal(fix.title, 'Remove draining real server 10.244.2.44:8080 from TCP 10.96.41.7:80 now');
    assert.equal(
      scriptOf(fix),
      `# Check that the pod behind 10.244.2.44:8080 is terminating or gone (run where kubectl works):
#   kubectl get endpointslices -A -o wide | grep -F '10.244.2.44'
# Caution: removing it cuts its remaining connections (clients see resets or timeouts); kube-proxy re-adds it on its next sync if the endpoint is still ready.
ipvsadm -d -t 10.96.41.7:80 -r 10.244.2.44:8080
# Expire connections to removed real servers on their next packet instead of letting them hang (kube-proxy sets this in IPVS mode):
sysctl -w net.ipv4.vs.expire_nodest_conn=1
printf '%s\\n' 'net.ipv4.vs.expire_nodest_conn = 1' | tee /etc/sysctl.d/90-ipvs-expire-nodest-conn.conf >/dev/null`,
    );
    assert.equal(r.related.find((x) => x.message.startsWith('expire_nodest_conn'))?.message, 'expire_nodest_conn = 0: connections to a deleted real server hang until they time out');
  });

  it('spells UDP, IPv6 and /proc hex services the way ipvsadm -d accepts them', () => {
    const udp = only(`${HEADER}UDP  10.96.0.10:53 rr\n  -> 10.244.1.12:53               Masq    0      2          0\n`);
    assert.match(scriptOf(commandFix(udp)), /^ipvsadm -d -u 10\.96\.0\.10:53 -r 10\.244\.1\.12:53$/m);
    const v6 = only(`${HEADER}TCP  [fd00::a]:443 rr\n  -> [fd00:10:244::5]:8443         Masq    0      1          0\n`);
    assert.match(scriptOf(commandFix(v6)), /^ipvsadm -d -t '\[fd00::a\]:443' -r '\[fd00:10:244::5\]:8443'$/m);
    const proc = only(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  C0A80A64:0050 rr
  -> C0A8BC53:0050      Masq    0      7          25
`);
    expectMessage(proc, 'stillHolds', { server: '192.168.188.83:80', service: 'TCP 192.168.10.100:80' });
    assert.match(scriptOf(commandFix(proc)), /^ipvsadm -d -t 192\.168\.10\.100:80 -r 192\.168\.188\.83:80$/m);
  });

  it('counts -Lnc entries for a weight-0 server of a save file and fixes the save file by removing that line', () => {
    const text =
      '-A -t 10.96.41.7:80 -s rr\r\n-a -t 10.96.41.7:80 -r 10.244.1.31:8080 -m -w 1\r\n-a -t 10.96.41.7:80 -r 10.244.2.44:8080 -m -w 0\r\n-A -u 10.96.0.10:53 -s rr\r\n-a -u 10.96.0.10:53 -r 10.244.1.12:53 -m -w 1\r\n';
    const lnc = {
      path: 'node/ipvsadm-Lnc.txt',
      text: `IPVS connection entries
pro expire state       source             virtual            destination
TCP 14:59  ESTABLISHED 10.244.1.5:51234   10.96.41.7:80      10.244.2.44:8080
TCP 01:20  TIME_WAIT   10.244.1.5:51236   10.96.41.7:80      10.244.2.44:8080
TCP 00:59  NONE        10.244.1.5:0       10.96.41.7:80      10.244.2.44:8080
TCP 14:59  ESTABLISHED 10.244.1.5:51240   10.96.41.7:80      10.244.1.31:8080
`,
    };
    expectFindings(
      [RULE],
      `-A -t 10.96.41.7:80 -s rr
-a -t 10.96.41.7:80 -r 10.244.1.31:8080 -m -w 1
-a -t 10.96.41.7:80 -r 10.244.2.44:8080 -m -w 0
                       ^^^^^^^^^^^^^^^^ ${RULE}
`,
      { path: 'node/ipvsadm-Sn.txt', node: [lnc] },
    );
    const r = only(text, { path: 'node/ipvsadm-Sn.txt', node: [lnc] });
    // The NONE entry is a persistence template, not a connection.
    expectMessage(r, 'stillHolds', { held: '2 connection entries (1 established) in the connection table of node/ipvsadm-Lnc.txt' });
    assert.equal(r.related[0]?.document.path, 'node/ipvsadm-Lnc.txt');
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, false);
    assert.equal(r.fixes.some((f) => f.kind === 'command'), false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, '-A -t 10.96.41.7:80 -s rr\r\n-a -t 10.96.41.7:80 -r 10.244.1.31:8080 -m -w 1\r\n-A -u 10.96.0.10:53 -s rr\r\n-a -u 10.96.0.10:53 -r 10.244.1.12:53 -m -w 1\r\n');
    assert.equal(lintText(fixed, { path: 'node/ipvsadm-Sn.txt', node: [lnc] }).reports.filter((x) => x.ruleId === RULE).length, 0);
  });

  it('removes the last line of a save file without a trailing newline cleanly', () => {
    const text = '-A -t 10.96.41.7:80 -s rr\n-a -t 10.96.41.7:80 -r 10.244.1.31:8080 -m -w 1\n-a -t 10.96.41.7:80 -r 10.244.2.44:8080 -m -w 0';
    const lnc = 'IPVS connection entries\npro expire state       source             virtual            destination\nTCP 14:59  ESTABLISHED 10.244.1.5:51234   10.96.41.7:80      10.244.2.44:8080\n';
    const r = only(text, { path: 'node/ipvsadm-Sn.txt', node: [{ path: 'node/ipvsadm-Lnc.txt', text: lnc }] });
    assert.equal(applyEdits(text, onlyEditFix(r).edits), '-A -t 10.96.41.7:80 -s rr\n-a -t 10.96.41.7:80 -r 10.244.1.31:8080 -m -w 1');
  });

  it('does not fire on a weight-0 server of a save file when no connection table shows entries for it', () => {
    expectFindings([RULE], '-A -t 10.96.41.7:80 -s rr\n-a -t 10.96.41.7:80 -r 10.244.2.44:8080 -m -w 0\n', { path: 'node/ipvsadm-Sn.txt' });
  });

  it('raises to warning when --rate shows new connections still reaching the weight-0 server', () => {
    const text = `${HEADER}TCP  10.96.41.7:80 rr
  -> 10.244.1.31:8080             Masq    1      12         211
  -> 10.244.2.44:8080             Masq    0      0          187
IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
  -> RemoteAddress:Port
TCP  10.96.41.7:80                       9       40       38     4000     9000
  -> 10.244.1.31:8080                    6       30       28     3000     8000
  -> 10.244.2.44:8080                    3       10       10     1000     1000
`;
    const r = only(text);
    assert.equal(r.severity, 'warning');
    assert.match(r.message, /--rate shows 3 new connections per second still reaching it/);
    assert.doesNotMatch(r.message, /normally transient/);
    assert.equal(r.related[0]?.message, '3 connections/s to 10.244.2.44:8080');
    // No new connections: back to info.
    assert.equal(only(text.replace('  -> 10.244.2.44:8080                    3', '  -> 10.244.2.44:8080                    0')).severity, 'info');
  });

  it('fires on the incident node examples/ipvs-conn-reuse (10.244.2.44:8080, weight 0, 3 active connections)', () => {
    const dir = join(ROOT, 'examples', 'ipvs-conn-reuse');
    const files = readdirSync(dir).map((n) => ({ path: `examples/ipvs-conn-reuse/${n}`, text: readFileSync(join(dir, n), 'utf8') }));
    const listing = files.find((f) => f.path.endsWith('ipvsadm-Ln.txt'))!;
    const { doc, reports } = lintText(listing.text, { path: listing.path, node: files.filter((f) => f !== listing) });
    const mine = reports.filter((r) => r.ruleId === RULE);
    assert.equal(mine.length, 1);
    assert.equal(doc.text.slice(mine[0]!.span.start, mine[0]!.span.end), '10.244.2.44:8080');
    expectMessage(mine[0], 'stillHolds', { service: 'TCP 10.96.41.7:80', held: '3 active connections and 187 inactive' });
    // conn_reuse_mode is 1 there (kernel 4.19, vs/conntrack=1): that is NET-IPVS-001's business; this rule stays info.
    assert.equal(mine[0]!.severity, 'info');
    assert.ok(mine[0]!.related.some((x) => x.document.path.endsWith('sysctl-a.txt') && x.message.startsWith('expire_nodest_conn = 0')));
    assert.match(scriptOf(commandFix(mine[0]!)), /^ipvsadm -d -t 10\.96\.41\.7:80 -r 10\.244\.2\.44:8080$/m);
  });

  it('can be suppressed and obeys the settings', () => {
    expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.41.7:80 rr
# kube-netlint-disable-next-line ${RULE}
  -> 10.244.2.44:8080             Masq    0      3          187
  -> 10.244.2.45:8080             Masq    0      1          0
     ^^^^^^^^^^^^^^^^ ${RULE}
`,
    );
    const text = splitAnnotated(LISTING).text;
    assert.equal(lintText(text, { settings: { rules: { [RULE]: 'off' } } }).reports.some((r) => r.ruleId === RULE), false);
    assert.equal(lintText(text, { settings: { rules: { [RULE]: 'error' } } }).reports.find((r) => r.ruleId === RULE)?.severity, 'error');
  });
});
