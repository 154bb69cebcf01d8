import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../helpers/ruleTester';

/**
 * Rules over an anonymised conntrack table (core/redaction.ts): entries holding a blanked value are
 * counted, but no rule compares or groups their addresses. `10.15.x.x` in two entries may be two
 * Services, and an original dst and a reply src that read alike may differ (and the other way
 * round), so neither "no DNAT" nor "DNATed to the same pod" can be concluded from them.
 */

const findings = (ruleId: string, text: string): number =>
  lintText(text, { path: 'node/conntrack-L.txt', only: [ruleId] }).reports.filter((r) => r.ruleId === ruleId).length;

/** A UDP/53 query DNATed to a DNS pod (reply src differs), and one to the same address that was not DNATed. */
const staleUdpTable = (service: string): string =>
  `udp      17 29 src=10.12.0.14 dst=${service} sport=43145 dport=53 [UNREPLIED] src=10.12.0.11 dst=10.12.0.14 sport=53 dport=43145 mark=0 use=1
udp      17 29 src=10.12.0.14 dst=${service} sport=43146 dport=53 [UNREPLIED] src=${service} dst=10.12.0.14 sport=53 dport=43146 mark=0 use=1
`;

/** `n` unanswered SYNs to a Service, DNATed to `pod`. */
const synTable = (n: number, service: string, pod: string): string =>
  Array.from(
    { length: n },
    (_, i) => `tcp      6 117 SYN_SENT src=10.244.1.5 dst=${service} sport=${40000 + i} dport=80 [UNREPLIED] src=${pod} dst=10.244.1.5 sport=8080 dport=${40000 + i} mark=0 use=1\n`,
  ).join('');

describe('conntrack rules on blanked-out addresses', () => {
  it('conntrack/stale-udp-entry: no "stale entry to a Service" from blanked addresses that read alike; the real one still fires', () => {
    const rule = 'conntrack/stale-udp-entry';
    assert.equal(findings(rule, staleUdpTable('10.15.240.10')), 1);
    // The same table anonymised: the two 10.15.x.x may be different addresses, so the first entry proves nothing about the second.
    assert.equal(findings(rule, staleUdpTable('10.15.x.x')), 0);
  });

  it('conntrack/syn-sent-unreplied: no "SYNs lost on the way to pod 10.244.x.x" from blanked addresses; the real one still fires', () => {
    const rule = 'conntrack/syn-sent-unreplied';
    assert.equal(findings(rule, synTable(60, '10.96.0.20', '10.244.2.7')), 1);
    // 60 entries to "one pod" that may be 60 pods, through "a Service" that may be none.
    assert.equal(findings(rule, synTable(60, '10.96.x.x', '10.244.x.x')), 0);
  });

  it('conntrack/dns-udp-race: blanked UDP/53 entries are not counted as DNATed queries without a reply', () => {
    const rule = 'conntrack/dns-udp-race';
    const dns = (n: number, service: string, pod: string): string =>
      Array.from(
        { length: n },
        (_, i) => `udp      17 29 src=10.244.1.5 dst=${service} sport=${50000 + i} dport=53 [UNREPLIED] src=${pod} dst=10.244.1.5 sport=53 dport=${50000 + i} mark=0 use=1\n`,
      ).join('');
    assert.equal(findings(rule, dns(20, '10.96.0.10', '10.244.0.3')), 1);
    assert.equal(findings(rule, dns(20, '10.96.x.x', '10.244.x.x')), 0);
  });
});
