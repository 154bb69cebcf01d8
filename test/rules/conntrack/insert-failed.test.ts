import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, splitAnnotated, lintText } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/insert-failed';

const script = commandScriptOf;

const STATS = `cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0
cpu=1 found=0 invalid=0 insert=0 insert_failed=7 drop=7 early_drop=0 error=0 search_restart=0
                                               ^ ${RULE}
`;

const BOTH_SCRIPT = `# insert_failed counts since boot: run this twice a minute apart and compare insert_failed.
conntrack -S
# DNS race: run NodeLocal DNSCache so pods query a node-local cache without DNAT (and it talks TCP upstream):
#   https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
# glibc clients: add dnsConfig.options [{name: single-request-reopen}] to the pod spec (not honoured by musl/Alpine).
# Kernels 5.0 and 5.6 fix two of the three races (4e35c1cb9460, 6a757c07e51f).
# SNAT port race: list MASQUERADE/SNAT rules without --random-fully (see iptables/masquerade-without-random-fully):
iptables -t nat -S | grep -E -- '-j (MASQUERADE|SNAT)' | grep -v -- --random-fully || true`;

const dnsLine = (i: number): string =>
  `udp      17 25 src=10.244.1.5 dst=10.96.0.10 sport=${40000 + i} dport=53 src=10.244.2.3 dst=10.244.1.5 sport=53 dport=${40000 + i} mark=0 use=1`;

describe(RULE, () => {
  it('fires as a warning on the first non-zero insert_failed when the kernel is 5.10 or later', () => {
    const [r] = expectFindings([RULE], STATS, { settings: { facts: { kernelVersion: '5.15.0-91-generic' } } });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'racesNewKernel', { counted: 'insert_failed = 7 (sum over 2 CPU rows): new connections', kernel: 'kernel 5.15.0-91-generic (from setting kernelVersion)' });
    // Without evidence for either cause the script covers both races.
    assert.equal(script(r!), BOTH_SCRIPT);
  });

  it('is info before kernel 5.10, where insert_failed also counts resolved clashes', () => {
    const [r] = expectFindings([RULE], STATS, { settings: { facts: { kernelVersion: '4.19.0' } } });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'racesOldKernel', { kernel: 'kernel 4.19.0 (from setting kernelVersion)' });
  });

  it('with the kernel unknown says so and is downgraded, unless the counters prove 5.10+', () => {
    const [r] = expectFindings([RULE], STATS);
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'racesKernelUnknown', { tellKernel: 'set kubeNetlint.facts.kernelVersion or add uname -r / sysctl -a output to this node folder' });
    const [proven] = expectFindings(
      [RULE],
      `cpu=0 found=986 invalid=89035 insert=0 insert_failed=4 drop=4 early_drop=939985 error=1 search_restart=2329761182 clash_resolve=770239427
                                                     ^ ${RULE}
`,
    );
    assert.equal(proven!.severity, 'warning');
    expectMessage(proven, 'racesNewKernel', { kernel: 'the clash_resolve counter, which kernels print from 5.10' });
  });

  it('reads the hex /proc/net/stat/nf_conntrack table', () => {
    expectFindings(
      [RULE],
      `entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
00000021  00000000 00000000 00000000 00000003 0000588a 00000000 00000000 00000000 0000000a 00000000 00000000 00000000  00000000 00000000 00000000 00000000
                                                                                  ^^^^^^^^ ${RULE}
`,
      { settings: { facts: { kernelVersion: '4.14.0' } } },
    );
  });

  it('does not fire when chaintoolong explains every failed insertion, and counts only the rest otherwise', () => {
    expectFindings([RULE], 'cpu=0 found=1 invalid=0 insert=0 insert_failed=12 drop=0 chaintoolong=12\ncpu=1 found=1 invalid=0 insert=0 insert_failed=3 drop=0 chaintoolong=3\n');
    const [r] = expectFindings(
      [RULE],
      `cpu=0 found=9466 invalid=5 insert=0 insert_failed=18776 drop=2  chaintoolong=18774
                                                  ^^^^^ ${RULE}
cpu=1 found=6028 invalid=14 insert=0 insert_failed=17933 drop=1 chaintoolong=17933
`,
    );
    assert.match(String(r!.data!.counted), /^insert_failed = 36709 \(sum over 2 CPU rows\), of which chaintoolong = 36707 are insertions refused for over-long hash chains \(see conntrack\/chain-too-long\); the other 2 are new connections/);
    assert.equal(r!.severity, 'warning', 'chaintoolong proves a 5.15+ kernel');
  });

  it('does not fire when insert_failed is zero or there are no statistics', () => {
    expectFindings([RULE], 'cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0\n');
    expectFindings([RULE], `${dnsLine(1)}\n`);
  });

  it('compares snapshots: growing is a warning even before 5.10, unchanged is info even after', () => {
    const two = (a: number, b: number): string =>
      `cpu=0 found=0 invalid=0 insert=0 insert_failed=${a} drop=0
cpu=1 found=0 invalid=0 insert=0 insert_failed=0 drop=0
cpu=0 found=0 invalid=0 insert=0 insert_failed=${b} drop=0
cpu=1 found=0 invalid=0 insert=0 insert_failed=0 drop=0
`;
    const grow = lintText(two(3, 9), { settings: { facts: { kernelVersion: '4.19.0' } } }).reports.filter((r) => r.ruleId === RULE);
    assert.equal(grow.length, 1);
    assert.equal(grow[0]!.severity, 'warning');
    assert.match(String(grow[0]!.data!.details), /insert_failed grew from 3 to 9 across the 2 snapshots in this file, so it is still happening\./);
    // The finding sits on the newest snapshot (line 3).
    const { doc } = lintText(two(3, 9));
    assert.equal(doc.lines.positionAt(grow[0]!.span.start).line, 2);
    const same = lintText(two(9, 9), { settings: { facts: { kernelVersion: '6.1.0' } } }).reports.filter((r) => r.ruleId === RULE);
    assert.equal(same[0]!.severity, 'info');
    assert.match(String(same[0]!.data!.details), /insert_failed did not grow across the 2 snapshots in this file: the count may be historic\./);
  });

  it('names the DNS race when UDP/53 dominates a conntrack -L dump of the node, with the busiest DNS address as related information', () => {
    const list = Array.from({ length: 8 }, (_, i) => dnsLine(i)).join('\n') + '\ntcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=51234 dport=443 src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=51234 [ASSURED] mark=0 use=1\n';
    const [r] = expectFindings([RULE], STATS, { node: [{ path: 'node/conntrack-L.txt', text: list }], settings: { facts: { kernelVersion: '5.4.0' } } });
    assert.match(String(r!.data!.details), /8 of 9 table entries \(89 %\) are UDP\/53, mostly to 10\.96\.0\.10: the likely cause is the DNS race/);
    assert.deepEqual(
      r!.related.map((x) => [x.document.path, x.message]),
      [['node/conntrack-L.txt', '8 UDP/53 entries to 10.96.0.10, e.g. this one']],
    );
    assert.equal(script(r!), BOTH_SCRIPT.split('\n# SNAT')[0]);
  });

  it('names the SNAT port race when MASQUERADE rules lack --random-fully, pointing at each rule', () => {
    const ipt = `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE
-A KUBE-POSTROUTING -j MASQUERADE --random-fully
COMMIT
`;
    const [r] = expectFindings([RULE], STATS, { node: [{ path: 'node/iptables-save.txt', text: ipt }], settings: { facts: { kernelVersion: '5.15.0' } } });
    assert.match(String(r!.data!.details), /1 MASQUERADE\/SNAT rule without --random-fully \(first in POSTROUTING, node\/iptables-save\.txt\) make the SNAT source-port race the likely cause\./);
    const rel = r!.related.find((x) => x.document.path === 'node/iptables-save.txt')!;
    assert.equal(rel.message, 'MASQUERADE in POSTROUTING without --random-fully');
    assert.equal(rel.document.text.slice(rel.span.start, rel.span.end), 'MASQUERADE');
    assert.equal(
      script(r!),
      `# insert_failed counts since boot: run this twice a minute apart and compare insert_failed.
conntrack -S
# SNAT port race: list MASQUERADE/SNAT rules without --random-fully (see iptables/masquerade-without-random-fully):
iptables -t nat -S | grep -E -- '-j (MASQUERADE|SNAT)' | grep -v -- --random-fully || true`,
    );
  });

  it('does not name the DNS race for a table with few DNS entries', () => {
    const list = `${dnsLine(1)}\n` + Array.from({ length: 20 }, (_, i) => `tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=${50000 + i} dport=443 src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=${50000 + i} [ASSURED] mark=0 use=1`).join('\n');
    const [r] = expectFindings([RULE], STATS, { node: [{ path: 'node/conntrack-L.txt', text: list }] });
    assert.doesNotMatch(r!.message, /DNS race/);
    assert.equal(splitAnnotated(STATS).expected.length, 1);
  });
});
