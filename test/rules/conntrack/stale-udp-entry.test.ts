import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/stale-udp-entry';

const script = commandScriptOf;

const IPTABLES = {
  path: 'node/iptables-save.txt',
  text: `*nat
:PREROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
COMMIT
*filter
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -d 10.96.7.7/32 -p udp -m comment --comment "monitoring/statsd:udp has no endpoints" -m udp --dport 8125 -j REJECT --reject-with icmp-port-unreachable
COMMIT
`,
};

describe(RULE, () => {
  it('fires on the Service address of an unanswered UDP entry without DNAT when other entries to it were DNATed (k/k#48370)', () => {
    const [r] = expectFindings(
      [RULE],
      `
udp      17 29 src=10.12.0.14 dst=10.15.240.10 sport=43145 dport=53 [UNREPLIED] src=10.12.0.11 dst=10.12.0.14 sport=53 dport=43145 mark=0 use=1
udp      17 29 src=10.12.0.14 dst=10.15.240.10 sport=43145 dport=53 [UNREPLIED] src=10.15.240.10 dst=10.12.0.14 sport=53 dport=43145 mark=0 use=1
                                  ^^^^^^^^^^^^ ${RULE}
`,
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'pinnedToNothing', {
      entries: '1 UDP entry',
      have: 'has',
      destination: '10.15.240.10:53',
      ip: '10.15.240.10',
      evidence: 'other entries to 10.15.240.10:53 in this file were DNATed to 10.12.0.11',
    });
    assert.equal(r!.related.length, 1);
    assert.equal(r!.related[0]!.message, '10.15.240.10:53 DNATed to 10.12.0.11');
    assert.equal(r!.related[0]!.document.text.slice(r!.related[0]!.span.start, r!.related[0]!.span.end), '10.12.0.11');
    assert.equal(
      script(r!),
      `# Delete the UDP entries to 10.15.240.10 (kube-proxy runs the same command when a UDP Service's endpoints change);
# conntrack exits non-zero when nothing matched, hence "|| true":
conntrack -D -p udp --orig-dst 10.15.240.10 || true
# If such entries keep coming back, upgrade kube-proxy or restart it on this node (a restart clears them).`,
    );
  });

  it('fires for a ClusterIP named by a KUBE-SERVICES rule of the node, with the rule as related information', () => {
    const [r] = expectFindings(
      [RULE],
      `
udp      17 29 src=10.244.1.6 dst=10.96.0.10 sport=5353 dport=53 [UNREPLIED] src=10.96.0.10 dst=10.244.1.6 sport=53 dport=5353 mark=0 use=1
                                  ^^^^^^^^^^ ${RULE}
udp      17 21 src=10.244.1.7 dst=10.96.0.10 sport=5354 dport=53 [UNREPLIED] src=10.96.0.10 dst=10.244.1.7 sport=53 dport=5354 mark=0 use=1
`,
      { node: [IPTABLES] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'pinnedToNothing', { entries: '2 UDP entries', have: 'have', evidence: 'KUBE-SERVICES in node/iptables-save.txt: "kube-system/kube-dns:dns cluster IP"' });
    assert.deepEqual(
      r!.related.map((x) => [x.document.path, x.message, x.document.text.slice(x.span.start, x.span.end)]),
      [
        ['node/iptables-save.txt', 'kube-proxy DNATs 10.96.0.10:53 here', '10.96.0.10/32'],
        ['node/dump.txt', 'another entry to 10.96.0.10 without DNAT', '10.96.0.10'],
      ],
    );
  });

  it('is info when the Service has no endpoints right now (kube-proxy REJECT rule)', () => {
    const [r] = expectFindings(
      [RULE],
      `
udp      17 29 src=10.244.1.6 dst=10.96.7.7 sport=40000 dport=8125 [UNREPLIED] src=10.96.7.7 dst=10.244.1.6 sport=8125 dport=40000 mark=0 use=1
                                  ^^^^^^^^^ ${RULE}
`,
      { node: [IPTABLES] },
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'noEndpointsNow');
    assert.equal(r!.related[0]!.message, '10.96.7.7 has no endpoints (REJECT)');
  });

  it('does not fire for unanswered UDP to addresses that are not Services (VXLAN peers, outside resolvers)', () => {
    const text = `udp      17 26 src=192.168.122.185 dst=192.168.122.121 sport=34196 dport=4789 [UNREPLIED] src=192.168.122.121 dst=192.168.122.185 sport=4789 dport=34196 mark=0 use=1
udp      17 27 src=10.0.0.5 dst=8.8.8.8 sport=40000 dport=53 [UNREPLIED] src=8.8.8.8 dst=10.0.0.5 sport=53 dport=40000 mark=0 use=1
`;
    expectFindings([RULE], text);
    expectFindings([RULE], text, { node: [IPTABLES] });
  });

  it('does not fire for a port or protocol the Service does not have, or for DNATed and answered entries', () => {
    // 10.96.0.1 only has tcp/443.
    expectFindings([RULE], 'udp      17 29 src=10.244.1.6 dst=10.96.0.1 sport=40000 dport=53 [UNREPLIED] src=10.96.0.1 dst=10.244.1.6 sport=53 dport=40000 mark=0 use=1\n', { node: [IPTABLES] });
    expectFindings(
      [RULE],
      `udp      17 29 src=10.244.1.6 dst=10.96.0.10 sport=40000 dport=53 [UNREPLIED] src=10.244.2.3 dst=10.244.1.6 sport=53 dport=40000 mark=0 use=1
udp      17 29 src=10.244.1.6 dst=10.96.0.10 sport=40001 dport=53 src=10.244.2.3 dst=10.244.1.6 sport=53 dport=40001 mark=0 use=1
`,
      { node: [IPTABLES] },
    );
    // The same address DNATed on another port does not make port 9999 a Service port.
    expectFindings(
      [RULE],
      `udp      17 29 src=10.12.0.14 dst=10.15.240.10 sport=43145 dport=53 src=10.12.0.11 dst=10.12.0.14 sport=53 dport=43145 mark=0 use=1
udp      17 29 src=10.12.0.14 dst=10.15.240.10 sport=43146 dport=9999 [UNREPLIED] src=10.15.240.10 dst=10.12.0.14 sport=9999 dport=43146 mark=0 use=1
`,
    );
  });

  it('reports each stale Service address once', () => {
    const lines = [
      'udp      17 29 src=10.244.1.6 dst=10.96.0.10 sport=5353 dport=53 [UNREPLIED] src=10.96.0.10 dst=10.244.1.6 sport=53 dport=5353 mark=0 use=1',
      'udp      17 29 src=10.244.1.6 dst=10.96.7.7 sport=40000 dport=8125 [UNREPLIED] src=10.96.7.7 dst=10.244.1.6 sport=8125 dport=40000 mark=0 use=1',
      'udp      17 29 src=10.244.1.8 dst=10.96.0.10 sport=5355 dport=53 [UNREPLIED] src=10.96.0.10 dst=10.244.1.8 sport=53 dport=5355 mark=0 use=1',
    ];
    const r = lintText(lines.join('\n') + '\n', { node: [IPTABLES] }).reports.filter((x) => x.ruleId === RULE);
    assert.deepEqual(
      r.map((x) => [x.severity, x.message.slice(0, 30)]),
      [
        ['warning', '2 UDP entries to 10.96.0.10:53'],
        ['info', '1 UDP entry to 10.96.7.7:8125 '],
      ],
    );
  });
});
