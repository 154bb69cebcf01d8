import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listNodes, nodeOfFolder } from '../../../server/src/node/folder';
import { lintText, type NodeFile } from '../../helpers/ruleTester';
import { CONNTRACK_RULES } from '../../../server/src/rules/conntrack';

/**
 * Every conntrack rule over every real conntrack fixture and every example node: what fires is
 * listed here exactly, so a change in any rule's reach shows up as a diff. The brief's false
 * positives (VXLAN peers' unanswered UDP, DNATed DNS over TCP, clash drops counted as "table
 * full", filtered or cut pastes) must stay silent.
 */

const ROOT = join(__dirname, '..', '..', '..');
const IDS = new Set(CONNTRACK_RULES.map((r) => r.meta.id));

/** The files of a node folder, as node/folder.ts lists them for the CLI and the editor. */
const nodeFiles = (dir: string): string[] => nodeOfFolder(dir).nodes.flatMap((n) => n.files.map((f) => f.file));
/** Every file under a folder of fixtures (each folder a node of node/folder.ts), in path order. */
const allFiles = (dir: string): string[] => listNodes(dir).nodes.flatMap((n) => n.files.map((f) => f.file));
/** The example nodes (examples/<node>/). */
const EXAMPLES = listNodes(join(ROOT, 'examples')).nodes.map((n) => relative(join(ROOT, 'examples'), n.dir));

const read = (p: string): NodeFile => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') });

function findings(file: NodeFile, node: readonly NodeFile[] = []): string[] {
  const { doc, reports } = lintText(file.text, { path: file.path, node });
  return reports.filter((r) => IDS.has(r.ruleId)).map((r) => `${file.path}:${doc.lines.positionAt(r.span.start).line + 1} ${r.severity} ${r.ruleId}`);
}

const FIXTURES = allFiles(join(ROOT, 'test', 'fixtures', 'conntrack')).map(read);

describe('conntrack rules on the real fixtures', () => {
  it('fire exactly where the fixtures show a problem', () => {
    assert.equal(FIXTURES.length, 17);
    const all = FIXTURES.flatMap((f) => findings(f));
    assert.deepEqual(all, [
      // The "after" entry of k/k#48370: UDP to the kube-dns ClusterIP without DNAT, while line 1 was DNATed.
      'test/fixtures/conntrack/k8s-issue-48370-udp-unreplied-before-after.txt:2 warning conntrack/stale-udp-entry',
      // AKS node (kernel 5.15): 169153 INVALID, 5 lost races (clash_resolve proves 5.10+), 1.8 M evictions;
      // its drop=5 equals insert_failed=5, so drop-counter reports early_drop, not "table full".
      'test/fixtures/conntrack/stats/aks-node-S-clash_resolve-kernel-5.15.txt:1 info conntrack/invalid-high',
      'test/fixtures/conntrack/stats/aks-node-S-clash_resolve-kernel-5.15.txt:1 warning conntrack/insert-failed',
      'test/fixtures/conntrack/stats/aks-node-S-clash_resolve-kernel-5.15.txt:1 info conntrack/drop-counter',
      'test/fixtures/conntrack/stats/datadog-network-check-sample-S-with-ignore.txt:1 info conntrack/invalid-high',
      // 36706 of 36709 failed insertions are chaintoolong; the other 3 (= drop) are races.
      'test/fixtures/conntrack/stats/k8s-node-S-grep-chaintoolong-edited.txt:1 warning conntrack/insert-failed',
      'test/fixtures/conntrack/stats/k8s-node-S-grep-chaintoolong-edited.txt:1 warning conntrack/chain-too-long',
    ]);
  });

  it('stay silent on the fixtures next to the healthy example node (large limit, kernel 6.1, kube-dns ClusterIP known)', () => {
    const healthy = nodeFiles(join(ROOT, 'examples', 'healthy-node')).map(read);
    const quiet = [
      'test/fixtures/conntrack/coco-issue-2015-L-vxlan-unreplied-summary-first-TRUNCATED.txt',
      'test/fixtures/conntrack/k8s-issue-91216-L-dns-tcp-time-wait-TRUNCATED.txt',
      'test/fixtures/conntrack/vendor-slb-L-extra-fields.txt',
      'test/fixtures/conntrack/stats/fw-notes-S-head2-tab-and-trailing-space.txt',
      'test/fixtures/conntrack/stats/rke2-issue-3924-S-TRUNCATED.txt',
      'test/fixtures/conntrack/stats/node-exporter-fixture-proc-net-stat-nf_conntrack-hex.txt',
    ];
    for (const path of quiet) assert.deepEqual(findings(FIXTURES.find((f) => f.path === path)!, healthy), [], path);
  });
});

describe('conntrack rules on the example nodes', () => {
  const nodes = EXAMPLES;

  it('report nothing on the example folders as they are', () => {
    for (const n of nodes) {
      const files = nodeFiles(join(ROOT, 'examples', n)).map(read);
      for (const f of files) assert.deepEqual(findings(f, files.filter((x) => x !== f)), [], f.path);
    }
  });

  it('keep examples/healthy-node clean with a healthy conntrack dump added (no finding of any rule on it)', () => {
    const files = nodeFiles(join(ROOT, 'examples', 'healthy-node')).map(read);
    const dump = `conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.
tcp      6 86399 ESTABLISHED src=10.244.1.5 dst=10.96.0.1 sport=51234 dport=443 src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=51234 [ASSURED] mark=0 use=1
udp      17 27 src=10.244.1.7 dst=10.96.0.10 sport=43145 dport=53 src=10.244.2.3 dst=10.244.1.7 sport=53 dport=43145 mark=0 use=1
tcp      6 117 TIME_WAIT src=10.244.1.7 dst=10.96.0.10 sport=50087 dport=53 src=10.244.2.3 dst=10.244.1.7 sport=53 dport=50087 [ASSURED] mark=0 use=1
tcp      6 118 SYN_SENT src=10.244.1.5 dst=10.96.0.1 sport=51240 dport=443 [UNREPLIED] src=192.168.1.10 dst=10.244.1.5 sport=6443 dport=51240 mark=0 use=1
cpu=0 found=0 invalid=12 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=3 clash_resolve=41 chaintoolong=0
cpu=1 found=0 invalid=9 insert=0 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=5 clash_resolve=38 chaintoolong=0
`;
    const { reports } = lintText(dump, { path: 'examples/healthy-node/conntrack.txt', node: files });
    assert.deepEqual(
      reports.map((r) => r.ruleId),
      [],
    );
  });

  it('explain the incident on examples/vxlan-63s-delay: unanswered SYNs to pods on an affected kernel with flannel.1', () => {
    const files = nodeFiles(join(ROOT, 'examples', 'vxlan-63s-delay')).map(read);
    const syn = (p: number, pod: string): string =>
      `tcp      6 ${120 - (p % 60)} SYN_SENT src=10.244.0.0 dst=10.96.0.10 sport=${p} dport=53 [UNREPLIED] src=${pod} dst=10.244.0.0 sport=53 dport=${p} mark=0 use=1`;
    const dump = [...[1, 2, 3, 4].map((i) => syn(40000 + i, '10.244.1.4')), ...[5, 6].map((i) => syn(40000 + i, '10.244.2.6'))].join('\n') + '\n';
    const file = { path: 'examples/vxlan-63s-delay/conntrack-L.txt', text: dump };
    assert.deepEqual(findings(file, files), ['examples/vxlan-63s-delay/conntrack-L.txt:1 info conntrack/syn-sent-unreplied']);
    const r = lintText(dump, { path: file.path, node: files }).reports.find((x) => x.ruleId === 'conntrack/syn-sent-unreplied')!;
    assert.match(r.message, /Ubuntu kernel 4\.15\.0-101-generic predates 4\.15\.0-107, the first with the fix, so the VXLAN checksum bug is a prime suspect/);
  });

  it('read the limit and the kernel of examples/ipvs-conn-reuse (4.19: insert_failed is info, 3104 of 131072 is fine)', () => {
    const files = nodeFiles(join(ROOT, 'examples', 'ipvs-conn-reuse')).map(read);
    const stats = { path: 'examples/ipvs-conn-reuse/conntrack-S.txt', text: 'cpu=0 found=0 invalid=3 ignore=9 insert=0 insert_failed=2 drop=0 early_drop=0 error=0 search_restart=1\n' };
    assert.deepEqual(findings(stats, files), ['examples/ipvs-conn-reuse/conntrack-S.txt:1 info conntrack/insert-failed']);
    const list = { path: 'examples/ipvs-conn-reuse/conntrack-L.txt', text: 'conntrack v1.4.6 (conntrack-tools): 3104 flow entries have been shown.\n' };
    assert.deepEqual(findings(list, files), []);
  });
});
