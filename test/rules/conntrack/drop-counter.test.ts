import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/drop-counter';

const script = commandScriptOf;

const UNKNOWN_SCRIPT = `# Show the current table size and limit:
sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max
# If the count is close to the limit, raise it (here: double it) and persist the new value:
#   sysctl -w net.netfilter.nf_conntrack_max=$(( $(sysctl -n net.netfilter.nf_conntrack_max) * 2 ))
#   echo 'net.netfilter.nf_conntrack_max = <new value>' > /etc/sysctl.d/90-nf-conntrack-max.conf
# kube-proxy rewrites nf_conntrack_max at start-up to max(conntrack.maxPerCore x CPUs, conntrack.min)
# (defaults 32768 and 131072): on kube-proxy nodes raise conntrack.maxPerCore in its ConfigMap instead,
# or set maxPerCore: 0 so kube-proxy keeps the value set here.`;

describe(RULE, () => {
  it('fires as a warning on the first non-zero drop that lost insertion races cannot explain', () => {
    const [r] = expectFindings(
      [RULE],
      `cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0
cpu=1 found=0 invalid=0 insert=0 insert_failed=1 drop=3 early_drop=40 error=0 search_restart=0
                                                      ^ ${RULE}
`,
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'tableFullDrops', { counter: 'drop = 3 (sum over 2 CPU rows)' });
    assert.match(String(r!.data!.details), /Up to 1 of them may instead be lost insertion races \(insert_failed, see conntrack\/insert-failed\)\. early_drop = 40: entries were also evicted to make room\./);
    assert.match(String(r!.data!.details), /take a second conntrack -S to see whether they still grow/);
    assert.equal(script(r!), UNKNOWN_SCRIPT);
  });

  it('does not fire when every drop is a lost insertion race (drop and insert_failed grow together)', () => {
    // The AKS node of the fixtures without its early_drop: insert_failed=4 drop=4, insert_failed=1 drop=1.
    expectFindings(
      [RULE],
      `cpu=0 found=986 invalid=89035 insert=0 insert_failed=4 drop=4 early_drop=0 error=1 search_restart=2329761182 clash_resolve=770239427 chaintoolong=0
cpu=1 found=863 invalid=80118 insert=0 insert_failed=1 drop=1 early_drop=0 error=17 search_restart=2313195993 clash_resolve=771663566 chaintoolong=0
`,
    );
  });

  it('does not fire when drop and early_drop are zero or absent', () => {
    expectFindings([RULE], 'cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0\n');
    expectFindings([RULE], 'cpu=0 found=9466 invalid=5 insert=0 insert_failed=0 chaintoolong=0\n');
  });

  it('reports early_drop alone as info', () => {
    const [r] = expectFindings(
      [RULE],
      `cpu=0           found=986 invalid=89035 insert=0 insert_failed=4 drop=4 early_drop=939985 error=1 search_restart=2329761182 clash_resolve=770239427 chaintoolong=0
                                                                                   ^^^^^^ ${RULE}
`,
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'earlyDrops', { counter: 'early_drop = 939985 (sum over 1 CPU row)' });
  });

  it('reads the hex proc table and states the table size now from sysctl -a, with a concrete fix', () => {
    const node = [{ path: 'node/sysctl-a.txt', text: 'net.netfilter.nf_conntrack_buckets = 16384\nnet.netfilter.nf_conntrack_count = 60000\nnet.netfilter.nf_conntrack_max = 65536\n' }];
    const [r] = expectFindings(
      [RULE],
      `entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
0000ea60  00000000 00000000 00000000 00000003 0000588a 00000000 00000000 00000000 00000000 0000001f 00000000 00000000  00000000 00000000 00000000 00000000
                                                                                           ^^^^^^^^ ${RULE}
`,
      { node },
    );
    expectMessage(r, 'tableFullDrops', { counter: 'drop = 31 (sum over 1 CPU row)' });
    assert.match(String(r!.data!.details), /The table now holds 60000 of 65536 entries \(92 %\)\./);
    assert.deepEqual(
      r!.related.map((x) => x.message),
      ['nf_conntrack_max = 65536', 'nf_conntrack_count = 60000'],
    );
    assert.equal(
      script(r!),
      `# Raise the conntrack table limit now (not kept across reboots) from 65536:
sysctl -w net.netfilter.nf_conntrack_max=262144
# Keep the hash table at a quarter of the limit, as kube-proxy does (root network namespace only):
printf '%s\\n' 65536 | tee /sys/module/nf_conntrack/parameters/hashsize >/dev/null
# Persist the limit:
printf '%s\\n' 'net.netfilter.nf_conntrack_max = 262144' | tee /etc/sysctl.d/90-nf-conntrack-max.conf >/dev/null
printf '%s\\n' 'options nf_conntrack hashsize=65536' | tee /etc/modprobe.d/nf_conntrack.conf >/dev/null
# kube-proxy rewrites nf_conntrack_max at start-up to max(conntrack.maxPerCore x CPUs, conntrack.min)
# (defaults 32768 and 131072): on kube-proxy nodes raise conntrack.maxPerCore in its ConfigMap instead,
# or set maxPerCore: 0 so kube-proxy keeps the value set here.`,
    );
  });

  it('lowers to info when two snapshots show the counter unchanged (historic), keeps warning when it grows', () => {
    const two = (a: number, b: number): string => `cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=${a} early_drop=0\ncpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=${b} early_drop=0\n`;
    const same = lintText(two(5, 5)).reports.filter((x) => x.ruleId === RULE);
    assert.equal(same[0]!.severity, 'info');
    assert.match(String(same[0]!.data!.details), /drop did not grow across the 2 snapshots in this file: the count may be historic\./);
    const grew = lintText(two(5, 8)).reports.filter((x) => x.ruleId === RULE);
    assert.equal(grew[0]!.severity, 'warning');
    assert.match(String(grew[0]!.data!.details), /drop grew from 5 to 8/);
  });
});
