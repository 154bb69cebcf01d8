import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { listNodes } from '../../../server/src/node/folder';
import { lintText, type NodeFile } from '../../helpers/ruleTester';

/**
 * Every ipvs rule over every real ipvsadm fixture (each file alone, as a user opening it) and over
 * the example node folders (each file with its siblings). The expected lists are the reviewed
 * outcome: true positives only (see docs/rules/ipvs/*.md for why each is one).
 */
const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'ipvsadm');

function ipvsFindings(path: string, text: string, node: readonly NodeFile[] = []): string[] {
  const { doc, reports } = lintText(text, { path, node });
  return reports
    .filter((r) => r.ruleId.startsWith('ipvs/'))
    .map((r) => {
      const p = doc.lines.positionAt(r.span.start);
      return `${p.line + 1}:${p.character + 1} ${r.severity} ${r.ruleId} ${doc.text.slice(r.span.start, r.span.end)}`;
    });
}

const EXPECTED_FIXTURES: Record<string, string[]> = {
  'dpvs-ln-stats-version-0.0.0.txt': [],
  'dpvs-v1.9.3-ln-dest-check-ragged-trailing-ws.txt': [],
  'dpvs-v1.9.5-ln-ipv6-vip-fullnat-inhibited.txt': [],
  // A health-check-inhibited DPVS server still holding 6 inactive entries.
  'dpvs-v1.9.5-ln-t-ipv6-tab-in-row.txt': ['6:6 info ipvs/weight-zero-with-connections 10.1.1.1:80'],
  'ibm-armada-runbook-Ln-c-connections.txt': [],
  'ibm-armada-runbook-Ln-port0-persistent-mask.txt': [],
  'ibm-armada-runbook-Ln-stats-watch-no-version-line.txt': [],
  'k8s-ipvs-readme-ln-persistent.txt': [],
  // kubernetes#99162: three terminating endpoints that never drain.
  'k8s-issue-99162-Ln-t-weight0-inactconn-TRUNCATED.txt': [
    '4:6 info ipvs/weight-zero-with-connections 11.0.1.8:80',
    '7:6 info ipvs/weight-zero-with-connections 11.0.2.10:80',
    '9:6 info ipvs/weight-zero-with-connections 11.0.3.7:80',
  ],
  'k8s-notes-Ln-rate-indented-elided.txt': [],
  // 900 s IPVS timeout against the kernel's default keepalive (not in the paste: info).
  'k8s-notes-l-timeout-before-after-set.txt': ['4:29 info ipvs/tcp-timeout-shorter-than-keepalive 900'],
  'kube-router-issue-415-L-names-TRUNCATED.txt': [],
  'loxilbdocs-l-stats-no-n-truncated-hostname.txt': [],
  'lvs-blog-ipvsadm-Sn-save-format.txt': [],
  'lvs-blog-proc-net-ip_vs-hex.txt': [],
  // A firewall-mark service whose two real servers are both quiesced.
  'procfs-fixture-proc-net-ip_vs-tunnel-ipv6-fwm.txt': [
    '19:6 warning ipvs/virtual-service-without-real-servers 10001000',
    '20:6 info ipvs/weight-zero-with-connections C0A8321A:0CEA',
    '21:6 info ipvs/weight-zero-with-connections C0A83215:0CEA',
  ],
  'procfs-fixture-proc-net-ip_vs_stats-hex.txt': [],
};

const EXPECTED_EXAMPLES: Record<string, string[]> = {
  'healthy-node': [],
  'ipvs-conn-reuse/ipvsadm-Ln.txt': [
    '1:1 info ipvs/tcp-timeout-shorter-than-keepalive IP Virtual Server version 1.2.1 (size=4096)',
    '11:6 info ipvs/weight-zero-with-connections 10.244.2.44:8080',
  ],
  'ipvs-conn-reuse': [],
  'vxlan-63s-delay': [],
};

describe('ipvs rules on the real fixtures and example nodes', () => {
  it('covers every ipvsadm fixture', () => {
    assert.deepEqual(readdirSync(FIXTURES).sort(), Object.keys(EXPECTED_FIXTURES).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED_FIXTURES)) {
    it(`${name}: ${expected.length ? `${expected.length} finding(s)` : 'no finding'}`, () => {
      assert.deepEqual(ipvsFindings(`fixtures/${name}`, readFileSync(join(FIXTURES, name), 'utf8')), expected);
    });
  }

  // The example nodes as node/folder.ts defines a node (the CLI and the editor read the same files).
  for (const node of listNodes(join(ROOT, 'examples')).nodes) {
    const folder = relative(join(ROOT, 'examples'), node.dir);
    it(`examples/${folder}: every file linted with its siblings`, () => {
      const files = node.files.map((f) => ({ path: relative(ROOT, f.file), text: readFileSync(f.file, 'utf8') }));
      for (const f of files) {
        const key = `${folder}/${f.path.split('/').pop()}`;
        // A file's own entry, else its folder's (no findings in any other file of the folder).
        const expected = EXPECTED_EXAMPLES[key] ?? EXPECTED_EXAMPLES[folder];
        assert.ok(expected, `no expectation for ${key}`);
        assert.deepEqual(ipvsFindings(f.path, f.text, files.filter((o) => o !== f)), expected, f.path);
      }
    });
  }
});
