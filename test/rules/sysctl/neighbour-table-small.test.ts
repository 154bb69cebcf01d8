import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, expectFindings, expectMessage, onlyEditFix } from '../../helpers/ruleTester';
import { fixture, lintExample, onlyCommand, reportsOf } from './support';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'sysctl/neighbour-table-small';

/** A `kubectl get nodes -o yaml` list with `n` Node objects. */
function nodeList(n: number): { path: string; text: string } {
  const items = Array.from({ length: n }, (_, i) => `- apiVersion: v1\n  kind: Node\n  metadata:\n    name: node-${i}\n`).join('');
  return { path: 'node/nodes.yaml', text: `apiVersion: v1\nkind: List\nitems:\n${items}` };
}

/** An `ipvsadm -Ln` listing with `n` distinct real-server addresses. */
function ipvs(n: number): { path: string; text: string } {
  const rs = Array.from({ length: n }, (_, i) => `  -> 10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 250)}:8080        Masq    1      0          0\n`).join('');
  return { path: 'node/ipvsadm-Ln.txt', text: `IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.96.41.7:80 rr\n${rs}` };
}

const DUMP = `net.ipv4.neigh.default.gc_thresh1 = 128
net.ipv4.neigh.default.gc_thresh2 = 512
net.ipv4.neigh.default.gc_thresh3 = 1024
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
`;

describe(RULE, () => {
  it('fires when the folder shows more nodes than the table holds, with a command fix (Amazon Linux values)', () => {
    const [r] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt', node: [nodeList(600)] });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'tooSmall', { key: 'net.ipv4.neigh.default.gc_thresh3', peers: 1200 });
    assert.match(String(r!.data!.evidence), /^600 Node objects/);
    assert.match(r!.message, /neighbor table overflow/);
    assert.equal(r!.related[0]?.message, 'Node objects of the cluster');
    assert.equal(
      scriptOf(onlyCommand(r!)),
      [
        '# Room for every node and pod this host talks to directly (values Amazon Linux ships; do the same for net.ipv6.neigh.default.* on IPv6).',
        'sysctl -w net.ipv4.neigh.default.gc_thresh1=0',
        'sysctl -w net.ipv4.neigh.default.gc_thresh2=15360',
        'sysctl -w net.ipv4.neigh.default.gc_thresh3=16384',
        '# Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):',
        "printf '%s\\n' 'net.ipv4.neigh.default.gc_thresh1 = 0' 'net.ipv4.neigh.default.gc_thresh2 = 15360' 'net.ipv4.neigh.default.gc_thresh3 = 16384' | tee /etc/sysctl.d/90-neighbour-table.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('counts distinct IPVS endpoint addresses as peers', () => {
    const [r] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt', node: [ipvs(1100)] });
    expectMessage(r, 'tooSmall', { peers: 1100, evidence: '1100 distinct endpoint addresses among the IPVS real servers' });
  });

  it('takes the cluster size from the nodeCount setting, which wins over Node objects in the folder', () => {
    const [r] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt', settings: { facts: { nodeCount: 900 } } });
    expectMessage(r, 'tooSmall', { peers: 1800 });
    assert.match(String(r!.data!.evidence), /^900 nodes \(from setting nodeCount\) in the cluster/);
    assert.deepEqual(r!.related, []);
    // A setting of a small cluster silences the Node list of a bigger one, and a bigger IPVS endpoint set still counts.
    expectFindings([RULE], DUMP.split('\n').filter((l) => !l.includes('^^^')).join('\n'), { path: 'node/sysctl-a.txt', node: [nodeList(600)], settings: { facts: { nodeCount: 100 } } });
    const [ipvsWins] = expectFindings([RULE], DUMP, { path: 'node/sysctl-a.txt', node: [ipvs(1100)], settings: { facts: { nodeCount: 100 } } });
    expectMessage(ipvsWins, 'tooSmall', { evidence: '1100 distinct endpoint addresses among the IPVS real servers' });
  });

  it('edits a conf file: the thresholds it sets, plus gc_thresh2 after gc_thresh3 when missing (CRLF kept)', () => {
    const text = '# neigh\r\nnet.ipv4.neigh.default.gc_thresh1 = 128\r\nnet.ipv4.neigh.default.gc_thresh3 = 1024\r\nvm.swappiness = 10\r\n';
    const opts = { path: 'node/sysctl.d/50-neigh.conf', node: [nodeList(600)] };
    const [r] = reportsOf(RULE, text, opts);
    const fix = onlyEditFix(r!);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, '# neigh\r\nnet.ipv4.neigh.default.gc_thresh1 = 0\r\nnet.ipv4.neigh.default.gc_thresh3 = 16384\r\nnet.ipv4.neigh.default.gc_thresh2 = 15360\r\nvm.swappiness = 10\r\n');
    assert.equal(reportsOf(RULE, fixed, opts).length, 0);
  });

  it('does not fire without evidence of many peers (small clusters never hit it), or when the limit is already large', () => {
    expectFindings([RULE], DUMP.split('\n').filter((l) => !l.includes('^^^')).join('\n'), { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], DUMP.split('\n').filter((l) => !l.includes('^^^')).join('\n'), { path: 'node/sysctl-a.txt', node: [nodeList(300)] });
    expectFindings([RULE], 'net.ipv4.neigh.default.gc_thresh3 = 16384\n', { path: 'node/sysctl-a.txt', node: [nodeList(600)] });
    expectFindings([RULE], fixture('sysctl/sysctl-a-nonroot-procps-4.0.2-kernel-6.18-real.txt'), { path: 'node/sysctl-a.txt' });
    assert.equal(lintExample('ipvs-conn-reuse', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
