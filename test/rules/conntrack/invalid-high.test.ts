import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/invalid-high';

const script = commandScriptOf;

const PROC_HEADER = 'entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart';

describe(RULE, () => {
  it('fires as info on a large since-boot count when found/insert do not count every packet (newer kernels)', () => {
    const [r] = expectFindings(
      [RULE],
      `
cpu=0 found=0 invalid=7796 ignore=16110 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=671
                      ^^^^ ${RULE}
cpu=1 found=387 invalid=3000 ignore=17594 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=3923
`,
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'highSinceBoot', { counter: 'invalid = 10796 (sum over 2 CPU rows)' });
    assert.match(r!.message, /Some INVALID traffic is normal \(ICMP errors, scans\)\./);
    assert.equal(
      script(r!),
      `# Log the packets conntrack marks INVALID (6 = TCP; 255 = all protocols) for a while, then read them with dmesg:
sysctl -w net.netfilter.nf_conntrack_log_invalid=6
# Turn the logging off again afterwards:
# sysctl -w net.netfilter.nf_conntrack_log_invalid=0
# If the cause is benign TCP window tracking (heavy loss or reordering), kube-proxy 1.29+ can set
# conntrack.tcpBeLiberal: true (net.netfilter.nf_conntrack_tcp_be_liberal = 1) and then omits its INVALID drop rule.`,
    );
  });

  it('uses the 1 % ratio of found + insert when those count every lookup (old kernels)', () => {
    const [r] = expectFindings(
      [RULE],
      `${PROC_HEADER}
00000021  00000000 00004e20 00000000 0000012c 0000588a 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
                                     ^^^^^^^^ ${RULE}
`,
    );
    expectMessage(r, 'highShare', { counter: 'invalid = 300 (sum over 1 CPU row)', share: '1.5 %', denominator: 20000 });
  });

  it('does not fire on small counts or below 1 % of a meaningful denominator', () => {
    // rke2 issue 3924: a few hundred INVALID packets since boot.
    expectFindings([RULE], 'cpu=0 found=0 invalid=137 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=8\ncpu=1 found=0 invalid=412 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=3\n');
    expectFindings([RULE], `${PROC_HEADER}\n00000021  00000000 00004e20 00000000 00000064 0000588a 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n`);
    expectFindings([RULE], 'cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0\n');
  });

  it('points at nf_conntrack_tcp_be_liberal and the KUBE-FORWARD INVALID drop rule of the node', () => {
    const node = [
      { path: 'node/sysctl-a.txt', text: 'net.netfilter.nf_conntrack_tcp_be_liberal = 1\n' },
      {
        path: 'node/iptables-save.txt',
        text: '*filter\n:FORWARD ACCEPT [0:0]\n:KUBE-FORWARD - [0:0]\n-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n',
      },
    ];
    const [r] = lintText('cpu=0 found=0 invalid=25000 insert=0 insert_failed=0 drop=0\n', { node }).reports.filter((x) => x.ruleId === RULE);
    assert.match(String(r!.data!.details), /nf_conntrack_tcp_be_liberal is 1 \(node\/sysctl-a\.txt\): only out-of-window RSTs are INVALID there, so look beyond TCP windows\./);
    assert.deepEqual(
      r!.related.map((x) => [x.document.path, x.message]),
      [
        ['node/sysctl-a.txt', 'nf_conntrack_tcp_be_liberal = 1'],
        ['node/iptables-save.txt', 'kube-proxy drops forwarded INVALID packets here'],
      ],
    );
  });

  it('says whether the counter grew between two snapshots', () => {
    const [r] = lintText('cpu=0 found=0 invalid=20000\ncpu=0 found=0 invalid=26000\n').reports.filter((x) => x.ruleId === RULE);
    assert.match(String(r!.data!.details), /invalid grew from 20000 to 26000 across the 2 snapshots in this file, so it is still happening\./);
  });
});
