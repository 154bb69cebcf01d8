import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectFindings, expectMessage, lintText, splitAnnotated } from '../../helpers/ruleTester';
import { commandScriptOf } from '../../helpers/commandFix';

const RULE = 'conntrack/table-near-full';

const sysctl = (max: number, extra = ''): { path: string; text: string } => ({
  path: 'node/sysctl-a.txt',
  text: `kernel.osrelease = 5.15.0-91-generic\n${extra}net.netfilter.nf_conntrack_max = ${max}\n`,
});

const ENTRY = 'tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=51234 dport=443 src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=51234 [ASSURED] mark=0 use=1';

const script = commandScriptOf;

describe(RULE, () => {
  it('fires as a warning at 80 % of nf_conntrack_max, on the summary count, with the sysctl line as related information', () => {
    const [r] = expectFindings(
      [RULE],
      `${ENTRY}
conntrack v1.4.6 (conntrack-tools): 850 flow entries have been shown.
                                    ^^^ ${RULE}
`,
      { node: [sysctl(1000)] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'nearMax', { measured: '850 entries (from the conntrack -L summary)', share: '85 %', max: 1000, maxFrom: 'node/sysctl-a.txt' });
    assert.match(r!.message, /table full, dropping packet/);
    assert.deepEqual(
      r!.related.map((x) => [x.document.path, x.message]),
      [['node/sysctl-a.txt', 'nf_conntrack_max = 1000']],
    );
    assert.equal(
      script(r!),
      `# Raise the conntrack table limit now (not kept across reboots) from 1000:
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

  it('fires as an error at 95 % on the entries column of /proc/net/stat/nf_conntrack (hex), and skips the hash table when it is big enough', () => {
    const [r] = expectFindings(
      [RULE],
      `entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
0003e800  00000000 00000000 00000000 00000003 0000588a 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
^^^^^^^^ ${RULE}
0003e800  00000000 00000000 00000000 00000002 000056a4 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000002
`,
      { node: [sysctl(262144, 'net.netfilter.nf_conntrack_buckets = 262144\n')] },
    );
    // 0x3e800 = 256000 entries.
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'nearMax', { measured: '256000 entries (from the entries column of /proc/net/stat/nf_conntrack)', share: '98 %', max: 262144 });
    assert.equal(
      script(r!),
      `# Raise the conntrack table limit now (not kept across reboots) from 262144:
sysctl -w net.netfilter.nf_conntrack_max=524288
# Persist the limit:
printf '%s\\n' 'net.netfilter.nf_conntrack_max = 524288' | tee /etc/sysctl.d/90-nf-conntrack-max.conf >/dev/null
# kube-proxy rewrites nf_conntrack_max at start-up to max(conntrack.maxPerCore x CPUs, conntrack.min)
# (defaults 32768 and 131072): on kube-proxy nodes raise conntrack.maxPerCore in its ConfigMap instead,
# or set maxPerCore: 0 so kube-proxy keeps the value set here.`,
    );
  });

  it('reads conntrack -C output and the legacy net.nf_conntrack_max alias', () => {
    const [r] = expectFindings(
      [RULE],
      `996
^^^ ${RULE}
`,
      { path: 'node/conntrack-C.txt', node: [{ path: 'node/sysctl-a.txt', text: 'net.nf_conntrack_max = 1000\n' }] },
    );
    assert.equal(r!.severity, 'error');
    expectMessage(r, 'nearMax', { measured: '996 entries (from conntrack -C)', share: '100 %', max: 1000 });
  });

  it('counts the listed entries when there is no summary, and uses a larger nf_conntrack_count from sysctl -a', () => {
    const [r] = expectFindings(
      [RULE],
      `${ENTRY}
${'^'.repeat(ENTRY.length)} ${RULE}
${ENTRY}
`,
      { node: [sysctl(1000, 'net.netfilter.nf_conntrack_count = 900\n')] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'nearMax', { measured: 'nf_conntrack_count = 900 (net.netfilter.nf_conntrack_count = 900 in node/sysctl-a.txt; this file shows 2 from the 2 entries listed in this file)', share: '90 %' });
    assert.deepEqual(
      r!.related.map((x) => x.message),
      ['nf_conntrack_max = 1000', 'nf_conntrack_count = 900'],
    );
  });

  it('prefers the live sysctl -a dump over a sysctl.d file that only says what will be applied', () => {
    expectFindings(
      [RULE],
      `conntrack v1.4.6 (conntrack-tools): 900 flow entries have been shown.
                                    ^^^ ${RULE}
`,
      {
        node: [
          { path: 'node/90-conntrack.conf', text: 'net.netfilter.nf_conntrack_max = 1048576\n' },
          { path: 'node/sysctl-a.txt', text: 'net.netfilter.nf_conntrack_count = 12\nnet.netfilter.nf_conntrack_max = 1000\n' },
        ],
      },
    );
  });

  it('does not fire below 80 %, without any count, or on event streams', () => {
    expectFindings([RULE], `${ENTRY}\nconntrack v1.4.6 (conntrack-tools): 799 flow entries have been shown.\n`, { node: [sysctl(1000)] });
    expectFindings([RULE], 'cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0\n', { node: [sysctl(1)] });
    expectFindings([RULE], '[NEW] tcp      6 120 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=80 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1\n', {
      node: [sysctl(1)],
    });
    // "deleted" summaries are not table sizes.
    expectFindings([RULE], 'conntrack v1.4.6 (conntrack-tools): 900 flow entries have been deleted.\n', { node: [sysctl(1000)] });
  });

  it('with nf_conntrack_max unknown, compares with kube-proxy\'s floor of 131072, says so, and is downgraded', () => {
    const [r] = expectFindings(
      [RULE],
      `120000
^^^^^^ ${RULE}
`,
      { path: 'node/conntrack-C.txt' },
    );
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'nearKubeProxyFloor', { share: '92 %', floor: 131072 });
    assert.match(script(r!), /^sysctl -w net\.netfilter\.nf_conntrack_max=262144$/m);
    // A small table with an unknown limit says nothing.
    expectFindings([RULE], '5000\n', { path: 'node/conntrack-C.txt' });
  });

  it('stays quiet with the healthy example node\'s sysctl -a', () => {
    const { text } = splitAnnotated(`${ENTRY}\nconntrack v1.4.6 (conntrack-tools): 2417 flow entries have been shown.\n`);
    const healthy = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'healthy-node', 'sysctl-a.txt'), 'utf8');
    assert.equal(lintText(text, { node: [{ path: 'examples/healthy-node/sysctl-a.txt', text: healthy }] }).reports.filter((r) => r.ruleId === RULE).length, 0);
  });
});
