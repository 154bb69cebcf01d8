import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'ipvs/scheduler-persistence-review';

const HEADER = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
`;

const rows = (...active: number[]): string => active.map((a, i) => `  -> 10.244.${i + 1}.9:8080               Masq    1      ${a}          3\n`).join('');

describe(RULE, () => {
  it('fires on round-robin services whose busiest real server holds more than 3x the mean of active connections', () => {
    const [r] = expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.41.7:80 rr
                   ^^ ${RULE}
${rows(40, 2, 1, 1)}`,
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'skewRoundRobin', { service: 'TCP 10.96.41.7:80', server: '10.244.1.9:8080', active: 40, ratio: '3.6', mean: '11.0', servers: 4 });
    const fix = r!.fixes[0] as CommandFix;
    assert.equal(fix.kind, 'command');
    assert.equal(fix.title, 'Switch TCP 10.96.41.7:80 to least-connection scheduling');
    assert.equal(
      scriptOf(fix),
      `# kube-proxy (IPVS mode) owns its virtual services and resets the scheduler on its next sync. Change it for every Service in
# the KubeProxyConfiguration instead:  ipvs: {scheduler: "lc"}  then restart kube-proxy (kubectl -n kube-system rollout restart daemonset kube-proxy).
# For a virtual service you manage yourself (ip_vs_lc must be loadable):
ipvsadm -E -t 10.96.41.7:80 -s lc`,
    );
  });

  it('does not fire on even spreads, small counts, other schedulers, or skew caused by draining weight-0 servers', () => {
    expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.41.7:80 rr
${rows(12, 10, 11, 9)}TCP  10.96.41.8:80 rr
${rows(4, 0, 0, 0)}TCP  10.96.41.9:80 wlc
${rows(40, 2, 1, 1)}TCP  10.96.41.10:80 rr
  -> 10.244.1.9:8080               Masq    0      60         3
  -> 10.244.2.9:8080               Masq    1      2          3
  -> 10.244.3.9:8080               Masq    1      1          3
  -> 10.244.4.9:8080               Masq    1      1          3
`,
    );
  });

  it('explains persistence instead of suggesting another scheduler when the service is persistent', () => {
    const [r] = expectFindings(
      [RULE],
      `${HEADER}TCP  10.96.41.7:80 rr persistent 10800
                   ^^ ${RULE}
${rows(40, 2, 1, 1)}`,
    );
    expectMessage(r, 'skewPersistent', { persistence: '10800 s' });
    assert.equal(r!.fixes.length, 0);
  });

  it('reports a scheduler the kernel does not know in a save file as an error', () => {
    const [r] = expectFindings(
      [RULE],
      `-A -t 10.96.41.7:80 -s rrr
                       ^^^ ${RULE}
-a -t 10.96.41.7:80 -r 10.244.1.9:8080 -m -w 1
-A -u 10.96.0.10:53 -s wlc
-a -u 10.96.0.10:53 -r 10.244.1.12:53 -m -w 1
`,
      { path: 'node/ipvsadm-Sn.txt' },
    );
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'unknownScheduler', { scheduler: 'rrr', service: 'TCP 10.96.41.7:80' });
    assert.match(String(r!.data!.schedulers), /^rr, wrr, lc, /);
  });

  it('does not fire on the real fixtures of other schedulers (wlc with persistence)', () => {
    const text = `${HEADER}TCP  169.55.8.94:0 wlc persistent 360 mask 169.55.8.94
  -> 169.55.35.102:0              Masq    1      90         9
  -> 169.55.35.107:0              Masq    1      327        33
  -> 169.55.35.120:0              Masq    1      58         1081
  -> 169.55.35.126:0              Masq    1      0          6
`;
    assert.equal(lintText(text).reports.some((r) => r.ruleId === RULE), false);
  });
});
