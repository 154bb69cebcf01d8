import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix } from '../../helpers/ruleTester';

const RULE = 'ipvs/virtual-service-without-real-servers';

const HEADER = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;

function findings(text: string, path = 'node/ipvsadm-Ln.txt') {
  return lintText(text, { path }).reports.filter((r) => r.ruleId === RULE);
}

describe(RULE, () => {
  it('fires on a virtual service followed directly by another one, or by the next listing', () => {
    const reports = expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
TCP  10.96.77.3:8080 rr
     ^^^^^^^^^^^^^^^ ${RULE}
TCP  10.96.0.10:53 rr
  -> 10.244.1.12:53               Masq    1      0          0
UDP  10.96.0.10:53 rr
     ^^^^^^^^^^^^^ ${RULE}
${HEADER}TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
`,
    );
    assert.equal(reports[0]!.severity, 'info');
    expectMessage(reports[0], 'noRealServers', { service: 'TCP 10.96.77.3:8080' });
    // Listings are observations: no edit, and no command that would only be undone by kube-proxy.
    assert.equal(reports[0]!.fixes.length, 0);
  });

  it('does not fire when real servers follow, or when the rows after the service were elided', () => {
    expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
TCP  10.96.6.131:80 rr
...
TCP  10.96.0.10:53 rr
  -> 10.244.1.12:53               Masq    1      0          0
`,
    );
  });

  it('only hints when the service is the last line of the paste (it may have been cut) or a NodePort entry', () => {
    const [last] = expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
TCP  10.96.77.3:8080 rr
     ^^^^^^^^^^^^^^^ ${RULE}
`,
    );
    assert.equal(last!.severity, 'hint');
    expectMessage(last, 'noRealServersLastLine');
    const [nodePort] = expectFindings(
      [RULE],
      `${HEADER}TCP  192.168.1.2:32502 rr
     ^^^^^^^^^^^^^^^^^ ${RULE}
TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
`,
    );
    assert.equal(nodePort!.severity, 'hint');
    expectMessage(nodePort, 'noRealServersNodePort', { port: 32502 });
  });

  it('warns when every real server of a service has weight 0', () => {
    const [r] = expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.41.7:80 rr
     ^^^^^^^^^^^^^ ${RULE}
  -> 10.244.1.31:8080             Masq    0      0          0
  -> 10.244.2.44:8080             Masq    0      3          187
TCP  10.96.0.1:443 rr
  -> 172.16.0.10:6443             Masq    1      4          0
  -> 172.16.0.11:6443             Masq    0      0          0
`,
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'allWeightZero', { service: 'TCP 10.96.41.7:80', servers: '2 real servers' });
  });

  it('does not count rows cut short (no weight column) as weight 0', () => {
    expectFindings([RULE], `${HEADER}TCP  10.96.41.7:80 rr\n  -> 10.244.1.31:8080             Masq\n  -> 10.244.2.44:8080             Masq    0      3          187\n`);
  });

  it('fires on an -A line of a save file without -a lines and fixes it by removing that line', () => {
    expectFindings(
      [RULE],
      `-A -t 10.96.0.1:443 -s rr
-a -t 10.96.0.1:443 -r 172.16.0.10:6443 -m -w 1
-A -t 10.96.77.3:8080 -s rr
      ^^^^^^^^^^^^^^^ ${RULE}
-A -u 10.96.0.10:53 -s rr
-a -u 10.96.0.10:53 -r 10.244.1.12:53 -m -w 1
`,
      { path: 'node/ipvsadm-Sn.txt' },
    );
    const text = '-A -t 10.96.0.1:443 -s rr\r\n-a -t 10.96.0.1:443 -r 172.16.0.10:6443 -m -w 1\r\n-A -t 10.96.77.3:8080 -s rr\r\n-A -u 10.96.0.10:53 -s rr\r\n-a -u 10.96.0.10:53 -r 10.244.1.12:53 -m -w 1\r\n';
    const [r] = findings(text, 'node/ipvsadm-Sn.txt');
    const fix = onlyEditFix(r!);
    assert.equal(fix.safe, false);
    assert.equal(fix.title, 'Remove the empty virtual service TCP 10.96.77.3:8080 from this save file');
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, '-A -t 10.96.0.1:443 -s rr\r\n-a -t 10.96.0.1:443 -r 172.16.0.10:6443 -m -w 1\r\n-A -u 10.96.0.10:53 -s rr\r\n-a -u 10.96.0.10:53 -r 10.244.1.12:53 -m -w 1\r\n');
    assert.equal(findings(fixed, 'node/ipvsadm-Sn.txt').length, 0);
  });

  it('does not fire on a save file whose -a lines come after all the -A lines', () => {
    expectFindings(
      [RULE],
      '-A -t 10.96.0.1:443 -s rr\n-A -u 10.96.0.10:53 -s rr\n-a -t 10.96.0.1:443 -r 172.16.0.10:6443 -m -w 1\n-a -u 10.96.0.10:53 -r 10.244.1.12:53 -m -w 1\n',
      { path: 'node/ipvsadm-Sn.txt' },
    );
  });

  it('reads firewall-mark services of /proc/net/ip_vs', () => {
    const [r] = expectFindings(
      [RULE],
      `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
FWM  10001000 wlc
     ^^^^^^^^ ${RULE}
  -> C0A8321A:0CEA      Route   0      0          1
  -> C0A83215:0CEA      Route   0      0          2
TCP  C0A80016:0CEA wlc
  -> C0A85216:0CEA      Tunnel  100    248        2
`,
    );
    expectMessage(r, 'allWeightZero', { service: 'FWM 268439552', servers: '2 real servers' });
  });
});
