import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import type { CommandFix } from '../../../server/src/rules/rule';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/stale-tcp-syn-entry';
const SIBLING = 'conntrack/syn-sent-unreplied';
const script = commandScriptOf;

const IPTABLES = {
  path: 'node/iptables-save.txt',
  text: `*nat
:PREROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
-A KUBE-SERVICES -d 203.0.113.40/32 -p tcp -m comment --comment "shop/frontend:http loadbalancer IP" -m tcp --dport 80 -j KUBE-EXT-ABCDEF
COMMIT
*filter
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -d 10.96.44.2/32 -p tcp -m comment --comment "shop/cart:http has no endpoints" -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable
COMMIT
`,
};

describe(RULE, () => {
  it('fires on a SYN_SENT [UNREPLIED] entry to a ClusterIP without DNAT, proven by the iptables dump; the fix is needs-review conntrack -D', () => {
    const [r] = expectFindings(
      [RULE, SIBLING],
      `tcp      6 118 SYN_SENT src=10.244.1.7 dst=10.96.0.1 sport=51234 dport=443 [UNREPLIED] src=10.96.0.1 dst=10.244.1.7 sport=443 dport=51234 mark=0 use=1
                                                                                           ^^^^^^^^^ ${RULE}
tcp      6 431999 ESTABLISHED src=10.244.1.8 dst=10.96.0.1 sport=40000 dport=443 src=192.168.49.2 dst=10.244.1.8 sport=8443 dport=40000 [ASSURED] mark=0 use=1
`,
      { node: [IPTABLES] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'stuckWithoutDnat', { attempts: '1 TCP connection attempt', are: 'is', destination: '10.96.0.1:443' });
    assert.match(String(r!.data!.evidence), /"default\/kubernetes:https cluster IP"/);
    assert.doesNotMatch(r!.message, /[A-Z]+-[A-Z]+-\d{3}/);
    const fix = r!.fixes.find((f) => f.kind === 'command') as CommandFix;
    assert.equal(fix.safe, false);
    assert.match(script(r!), /^conntrack -D -p tcp --state SYN_SENT --orig-dst 10\.96\.0\.1 --orig-port-dst 443 \|\| true$/m);
    assert.equal(r!.related[0]?.message, 'kube-proxy DNATs 10.96.0.1:443 here');
  });

  it('fires on a load-balancer address, groups entries per address, and is info when the Service has no endpoints', () => {
    const text = `tcp      6 112 SYN_SENT src=10.244.2.3 dst=203.0.113.40 sport=33001 dport=80 [UNREPLIED] src=203.0.113.40 dst=10.244.2.3 sport=80 dport=33001 mark=0 use=1
tcp      6 117 SYN_SENT src=10.244.2.4 dst=203.0.113.40 sport=33877 dport=80 [UNREPLIED] src=203.0.113.40 dst=10.244.2.4 sport=80 dport=33877 mark=0 use=1
tcp      6 119 SYN_SENT src=10.244.2.5 dst=10.96.44.2 sport=41000 dport=8080 [UNREPLIED] src=10.96.44.2 dst=10.244.2.5 sport=8080 dport=41000 mark=0 use=1
`;
    const found = lintText(text, { node: [IPTABLES] }).reports.filter((r) => r.ruleId === RULE);
    assert.equal(found.length, 2);
    const lb = found.find((r) => /203\.0\.113\.40/.test(r.message))!;
    expectMessage(lb, 'stuckWithoutDnat', { attempts: '2 TCP connection attempts', are: 'are', destination: '203.0.113.40:80' });
    assert.ok(lb.related.some((x) => x.message === 'another SYN_SENT entry to 203.0.113.40 without DNAT'));
    const none = found.find((r) => /10\.96\.44\.2/.test(r.message))!;
    assert.equal(none.severity, 'info');
    expectMessage(none, 'noEndpointsNow');
  });

  it('without an iptables dump, proves the Service address from another entry to it that was DNATed', () => {
    const text = `tcp      6 86391 ESTABLISHED src=10.244.1.9 dst=10.96.0.1 sport=40001 dport=443 src=192.168.49.2 dst=10.244.1.9 sport=8443 dport=40001 [ASSURED] mark=0 use=1
tcp      6 118 SYN_SENT src=10.244.1.7 dst=10.96.0.1 sport=51234 dport=443 [UNREPLIED] src=10.96.0.1 dst=10.244.1.7 sport=443 dport=51234 mark=0 use=1
`;
    const [r] = lintText(text).reports.filter((x) => x.ruleId === RULE);
    assert.ok(r);
    expectMessage(r, 'stuckWithoutDnat', { evidence: 'other TCP entries to 10.96.0.1:443 in this file were DNATed to 192.168.49.2' });
  });

  it('does not fire on DNATed attempts (the sibling rule), on addresses that are not Services, or on other ports or protocols', () => {
    const text = `tcp      6 118 SYN_SENT src=10.244.1.7 dst=10.96.0.1 sport=51234 dport=443 [UNREPLIED] src=192.168.49.2 dst=10.244.1.7 sport=8443 dport=51234 mark=0 use=1
tcp      6 118 SYN_SENT src=10.244.1.7 dst=198.51.100.9 sport=51235 dport=443 [UNREPLIED] src=198.51.100.9 dst=10.244.1.7 sport=443 dport=51235 mark=0 use=1
tcp      6 118 SYN_SENT src=10.244.1.7 dst=10.96.0.1 sport=51236 dport=8443 [UNREPLIED] src=10.96.0.1 dst=10.244.1.7 sport=8443 dport=51236 mark=0 use=1
udp      17 29 src=10.244.1.7 dst=10.96.0.1 sport=51237 dport=443 [UNREPLIED] src=10.96.0.1 dst=10.244.1.7 sport=443 dport=51237 mark=0 use=1
tcp      6 431999 ESTABLISHED src=10.244.1.7 dst=10.96.0.1 sport=51238 dport=443 src=10.96.0.1 dst=10.244.1.7 sport=443 dport=51238 [ASSURED] mark=0 use=1
`;
    assert.equal(lintText(text, { node: [IPTABLES] }).reports.filter((r) => r.ruleId === RULE).length, 0);
  });
});
