import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/chain-too-long';

const script = commandScriptOf;

const sysctl = (max: number, buckets: number): { path: string; text: string } => ({
  path: 'node/sysctl-a.txt',
  text: `net.netfilter.nf_conntrack_buckets = ${buckets}\nnet.netfilter.nf_conntrack_max = ${max}\n`,
});

describe(RULE, () => {
  it('fires as a warning on the first non-zero chaintoolong, with the max/buckets ratio and a hashsize fix', () => {
    const [r] = expectFindings(
      [RULE],
      `
cpu=0 found=9466 invalid=5 insert=0 insert_failed=18776 drop=2  chaintoolong=18774
                                                                             ^^^^^ ${RULE}
cpu=1 found=6028 invalid=14 insert=0 insert_failed=17933 drop=1 chaintoolong=17932
`,
      { node: [sysctl(1048576, 65536)] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'refusedSmallTable', { refused: 'chaintoolong = 36706 (sum over 2 CPU rows)', ratio: 'nf_conntrack_max / nf_conntrack_buckets = 1048576 / 65536 = 16' });
    assert.deepEqual(
      r!.related.map((x) => x.message),
      ['nf_conntrack_max = 1048576', 'nf_conntrack_buckets = 65536'],
    );
    assert.equal(
      script(r!),
      `# Grow the conntrack hash table (root network namespace only; kube-proxy also raises it to nf_conntrack_max/4 at start-up):
printf '%s\\n' 262144 | tee /sys/module/nf_conntrack/parameters/hashsize >/dev/null
# Persist it for the next module load / boot:
printf '%s\\n' 'options nf_conntrack hashsize=262144' | tee /etc/modprobe.d/nf_conntrack.conf >/dev/null`,
    );
  });

  it('reads the chainlength column of newer /proc/net/stat/nf_conntrack tables, and shows both values when max is unknown (no arithmetic in the script)', () => {
    const [r] = expectFindings(
      [RULE],
      `entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
00000021  00000000 00000000 00000000 00000003 00000000 00000000 00000009 00000000 00000009 00000000 00000000 00000000  00000000 00000000 00000000 00000000
                                                                ^^^^^^^^ ${RULE}
`,
    );
    expectMessage(r, 'refusedRatioUnknown', { refused: 'chaintoolong = 9 (sum over 1 CPU row)' });
    assert.equal(
      script(r!),
      `# Grow the conntrack hash table (root network namespace only; kube-proxy also raises it to nf_conntrack_max/4 at start-up):
sysctl net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_buckets
# Then write a quarter of nf_conntrack_max to /sys/module/nf_conntrack/parameters/hashsize, and persist it:
#   echo "options nf_conntrack hashsize=<that value>" > /etc/modprobe.d/nf_conntrack.conf`,
    );
  });

  it('with no refusals, reports a max/buckets ratio above 8 as info on the chaintoolong counter (or search_restart on older kernels)', () => {
    const [r] = expectFindings(
      [RULE],
      `
cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0
                                                                                                                           ^ ${RULE}
`,
      { node: [sysctl(262144, 16384)] },
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'smallHashTable', { ratio: 'nf_conntrack_max / nf_conntrack_buckets = 262144 / 16384 = 16', chain: 32 });
    expectFindings(
      [RULE],
      `
cpu=0 found=0 invalid=0 ignore=3 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=17
                                                                                                     ^^ ${RULE}
`,
      { node: [sysctl(262144, 16384)] },
    );
  });

  it('does not fire without refusals at kube-proxy\'s ratio of 4, without statistics, or without sysctl values', () => {
    const stats = 'cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0\n';
    expectFindings([RULE], stats, { node: [sysctl(262144, 65536)] });
    expectFindings([RULE], stats);
    // A connection listing says nothing about chains, even on an undersized hash table.
    expectFindings(
      [RULE],
      'tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=51234 dport=443 src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=51234 [ASSURED] mark=0 use=1\n',
      { node: [sysctl(262144, 16384)] },
    );
  });

  it('doubles the hash table when it is already a quarter of the limit, and is info when refusals stopped', () => {
    const text = 'cpu=0 found=1 insert_failed=5 chaintoolong=5\ncpu=0 found=1 insert_failed=5 chaintoolong=5\n';
    const [r] = lintText(text, { node: [sysctl(262144, 65536)] }).reports.filter((x) => x.ruleId === RULE);
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'refusedRatioFine');
    assert.match(String(r!.data!.growth), /chaintoolong did not grow across the 2 snapshots/);
    assert.match(script(r!), /^printf '%s\\n' 131072 \| tee \/sys\/module\/nf_conntrack\/parameters\/hashsize >\/dev\/null$/m);
  });
});
