import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText, splitAnnotated } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/dns-udp-race';

const script = commandScriptOf;

/** A query from a pod to kube-dns, DNATed to a CoreDNS pod, unanswered (or answered). */
const query = (port: number, replied = false): string =>
  `udp      17 25 src=10.244.1.5 dst=10.96.0.10 sport=${port} dport=53 ${replied ? '' : '[UNREPLIED] '}src=10.244.2.3 dst=10.244.1.5 sport=53 dport=${port} mark=0 use=1`;
/** A stale entry to the kube-dns ClusterIP: no DNAT. */
const stale = (port: number): string => `udp      17 29 src=10.244.1.6 dst=10.96.0.10 sport=${port} dport=53 [UNREPLIED] src=10.96.0.10 dst=10.244.1.6 sport=53 dport=${port} mark=0 use=1`;

const FIRING = `
udp      17 25 src=10.244.1.5 dst=10.96.0.10 sport=40001 dport=53 [UNREPLIED] src=10.244.2.3 dst=10.244.1.5 sport=53 dport=40001 mark=0 use=1
                                  ^^^^^^^^^^ ${RULE}
${[40002, 40003, 40004, 40005].map((p) => query(p)).join('\n')}
${query(40006, true)}
`;

describe(RULE, () => {
  it('fires on the destination of the first unanswered DNATed DNS query, as a warning on a kernel before 5.6', () => {
    const [r] = expectFindings([RULE], FIRING, { settings: { facts: { kernelVersion: '4.19.0' } } });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'lostQueries', {
      unreplied: 5,
      total: 6,
      share: '83 %',
      busiest: ' (the busiest DNS address is 10.96.0.10 with 6 entries)',
      kernel: 'kernel 4.19.0 (from setting kernelVersion)',
      verdict: 'kernel 4.19.0 predates 5.6 and its series has no known back-port',
    });
    assert.match(r!.message, /That packet leaves no entry behind, so confirm the race with insert_failed in conntrack -S/);
    assert.equal(
      script(r!),
      `# Confirm lost inserts: insert_failed in conntrack -S grows with every lost race.
conntrack -S
# Fix: run NodeLocal DNSCache so pods query a node-local cache without DNAT (and it talks TCP upstream):
#   https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
# glibc clients: add dnsConfig.options [{name: single-request-reopen}] to the pod spec (not honoured by musl/Alpine).
# Lasting fix: a kernel with 4e35c1cb9460 (5.0) and 6a757c07e51f (5.6).`,
    );
  });

  it('is downgraded to info when the kernel is unknown, and a warning on a distribution kernel of a series that never got the fix', () => {
    const [u] = expectFindings([RULE], FIRING);
    assert.equal(u!.severity, 'info');
    expectMessage(u, 'lostQueriesKernelUnknown');
    const [d] = expectFindings([RULE], FIRING, { node: [{ path: 'node/uname-r.txt', text: '5.4.0-107-generic\n' }] });
    assert.equal(d!.severity, 'warning');
    assert.match(String(d!.data!.verdict), /kernel 5\.4\.0-107-generic belongs to the 5\.4 series, which never received the fix upstream/);
    assert.equal(d!.related[0]?.message, 'kernel release 5.4.0-107-generic');
  });

  it('does not fire on kernel 5.6 or later', () => {
    expectFindings([RULE], splitAnnotated(FIRING).text, { settings: { facts: { kernelVersion: '5.10.0' } } });
  });

  it('does not fire for a few queries in flight, or when most DNS entries were answered', () => {
    expectFindings([RULE], [40001, 40002, 40003, 40004].map((p) => query(p)).join('\n') + '\n');
    const mostlyAnswered = [...[1, 2, 3, 4, 5].map((p) => query(40000 + p)), ...Array.from({ length: 100 }, (_, i) => query(41000 + i, true))];
    expectFindings([RULE], mostlyAnswered.join('\n') + '\n');
  });

  it('does not count stale entries without DNAT (conntrack/stale-udp-entry) or other UDP traffic', () => {
    expectFindings([RULE], [40001, 40002, 40003, 40004, 40005, 40006].map(stale).join('\n') + '\n');
    const vxlan = Array.from(
      { length: 6 },
      (_, i) => `udp      17 26 src=192.168.122.185 dst=192.168.122.121 sport=${34196 + i} dport=4789 [UNREPLIED] src=192.168.122.121 dst=192.168.122.185 sport=4789 dport=${34196 + i} mark=0 use=1`,
    );
    expectFindings([RULE], vxlan.join('\n') + '\n');
    // Four DNATed plus six stale: only four count, below the floor.
    expectFindings([RULE], [...[1, 2, 3, 4].map((p) => query(40000 + p)), ...[1, 2, 3, 4, 5, 6].map((p) => stale(50000 + p))].join('\n') + '\n');
  });

  it('falls back to the first entry of the busiest DNS address when no unanswered example is at hand', () => {
    const lines = [...Array.from({ length: 120 }, (_, i) => query(41000 + i, true)), ...Array.from({ length: 30 }, (_, i) => query(42000 + i))];
    const { doc, reports } = lintText(lines.join('\n') + '\n');
    const r = reports.filter((x) => x.ruleId === RULE);
    assert.equal(r.length, 1);
    assert.equal(doc.text.slice(r[0]!.span.start, r[0]!.span.end), '10.96.0.10');
    // No example of the group is unanswered (the first five were answered): the finding falls back to the group's first entry.
    assert.equal(doc.lines.positionAt(r[0]!.span.start).line, 0);
  });
});
