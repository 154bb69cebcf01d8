import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cleanup, cli, cliAsync, MASQ, tree } from './helpers';

after(cleanup);

const KERNEL = (v: string): string => `kernel.osrelease = ${v}\nnet.ipv4.ip_forward = 1\n`;
const KUBE_PROXY = (tag: string, mode: string): string =>
  `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:${tag}\n        command: ["/usr/local/bin/kube-proxy", "--proxy-mode=${mode}"]\n`;

/** Five nodes: the same kernel and kube-proxy but for node-c (older kernel) and node-e (other kube-proxy); node-b also has a DROP policy finding-free file. */
function fleet(): string {
  const files: Record<string, string> = {};
  for (const n of ['a', 'b', 'c', 'd', 'e']) {
    files[`node-${n}/sysctl-a.txt`] = KERNEL(n === 'c' ? '5.4.0-26-generic' : '6.1.0-18-amd64');
    files[`node-${n}/kube-proxy.yaml`] = KUBE_PROXY(n === 'e' ? 'v1.27.1' : 'v1.29.3', 'iptables');
    if (n !== 'd') files[`node-${n}/iptables-save.txt`] = MASQ;
  }
  return tree(files);
}

type FleetJson = {
  files: { file: string; kind: string }[];
  findings: { file: string; rule: string; message: string }[];
  nodes: { path: string; findings: number; facts: Record<string, string | null>; outlier: { fact: string; value: string | null; majority: string; majorityNodes: number }[] }[];
  byRule: { rule: string; nodes: number; paths: string[] }[];
};

describe('check over a fleet of node folders', () => {
  it('lints in worker threads with output identical to one folder at a time, in path order', async () => {
    const dir = fleet();
    for (const format of ['json', 'text', 'sarif', 'html', 'compact']) {
      const serial = await cliAsync(['check', '--jobs', '1', '--format', format, dir]);
      const parallel = await cliAsync(['check', '--jobs', '3', '--format', format, dir]);
      assert.equal(parallel.out, serial.out, format);
      assert.equal(parallel.err, serial.err, format);
      assert.equal(parallel.code, serial.code);
      // The synchronous entry (tests, collect --check) gives the same too.
      assert.equal(cli(['check', '--format', format, dir]).out, serial.out, format);
    }
    const j = JSON.parse((await cliAsync(['check', '--format', 'json', dir])).out) as FleetJson;
    const paths = j.files.map((f) => f.file);
    assert.deepEqual(paths, [...paths].sort(), 'files in path order');
    assert.deepEqual(j.nodes.map((n) => n.path), ['a', 'b', 'c', 'd', 'e'].map((n) => join(dir, `node-${n}`)));
  });

  it('the built binary (one bundle serving as its own worker) gives the serial output too', () => {
    const dir = fleet();
    const bin = join(__dirname, '..', '..', 'dist', 'cli.js');
    const one = spawnSync(process.execPath, [bin, 'check', '--jobs', '1', '--format', 'json', dir], { encoding: 'utf8' });
    const two = spawnSync(process.execPath, [bin, 'check', '--jobs', '2', '--format', 'json', dir], { encoding: 'utf8' });
    assert.equal(one.status, 0, one.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.equal(two.status, one.status);
  });

  it('JSON: files and findings as before, nodes with facts and what differs from the majority, byRule with node counts', () => {
    const dir = fleet();
    const j = JSON.parse(cli(['check', '--format', 'json', dir]).out) as FleetJson;
    assert.deepEqual(Object.keys(j), ['files', 'findings', 'nodes', 'byRule']);
    assert.equal(j.files.length, 14);
    const byPath = new Map(j.nodes.map((n) => [n.path.slice(dir.length + 1), n]));
    assert.deepEqual(byPath.get('node-a')!.facts, {
      kernel: '6.1.0-18-amd64',
      kubeProxyVersion: 'v1.29.3',
      kubeProxyMode: 'iptables',
      iptablesVersion: null,
      iptablesBackend: null,
      flannelBackend: null,
      flannelVersion: null,
      vxlanDevice: null,
    });
    assert.deepEqual(byPath.get('node-a')!.outlier, []);
    assert.deepEqual(byPath.get('node-c')!.outlier, [{ fact: 'kernel', value: '5.4.0-26-generic', majority: '6.1.0-18-amd64', majorityNodes: 4 }]);
    assert.deepEqual(byPath.get('node-e')!.outlier, [{ fact: 'kubeProxyVersion', value: 'v1.27.1', majority: 'v1.29.3', majorityNodes: 4 }]);
    for (const n of j.nodes) assert.equal(n.findings, j.findings.filter((f) => f.file.startsWith(`${n.path}/`)).length, n.path);
    const masq = j.byRule.find((r) => r.rule === 'iptables/masquerade-without-random-fully')!;
    assert.equal(masq.nodes, 4);
    assert.deepEqual(masq.paths, ['a', 'b', 'c', 'e'].map((n) => join(dir, `node-${n}`)));
    for (let i = 1; i < j.byRule.length; i++) assert.ok(j.byRule[i - 1]!.nodes >= j.byRule[i]!.nodes, 'most widespread first');
  });

  it('text: a fleet summary after the findings (rules by node count, nodes out of line)', () => {
    const dir = fleet();
    const r = cli(['check', dir]);
    const summary = r.out.slice(r.out.indexOf('Fleet: 5 nodes'));
    assert.match(summary, /^ +4 nodes +iptables\/masquerade-without-random-fully$/m);
    assert.match(summary, new RegExp(`${join(dir, 'node-c')}\\n +kernel: 5\\.4\\.0-26-generic \\(4 of 5 nodes: 6\\.1\\.0-18-amd64\\)`));
    // One node: no fleet summary.
    assert.doesNotMatch(cli(['check', join(dir, 'node-a')]).out, /Fleet:/);
  });
});

describe('check --format html', () => {
  it('is one self-contained file: no scripts, no external assets, findings by rule and node with evidence lines', () => {
    const dir = fleet();
    const html = cli(['check', '--format', 'html', dir]).out;
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|<object|src=|url\(|@import/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
    assert.match(html, /<h2 id="rules">Findings by rule<\/h2>/);
    assert.match(html, /<h2 id="by-node">Findings by node<\/h2>/);
    assert.match(html, /<code>iptables\/masquerade-without-random-fully<\/code>.*on 4 nodes, 4 findings/);
    // The evidence line, numbered as in the file.
    assert.match(html, /<pre> +3 {2}-A POSTROUTING -j MASQUERADE<\/pre>/);
    assert.match(html, /<tr class="outlier">.*node-c/);
  });

  it('renders dump text inert: a file name and a line with <script> become text', () => {
    const evil = '<script>alert(1)</script>';
    const dir = tree({ [`n/${evil.replace(/\//g, '_')}.txt`]: `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -m comment --comment "${evil}" -j MASQUERADE\n-A ${evil.replace(/\//g, '_')} -j ACCEPT\nCOMMIT\n` });
    const r = cli(['check', '--format', 'html', dir]);
    const json = JSON.parse(cli(['check', '--format', 'json', dir]).out) as FleetJson;
    assert.ok(json.findings.some((f) => f.message.includes('<script>')), 'a finding message quotes the hostile text');
    assert.doesNotMatch(r.out, /<script/i);
    assert.match(r.out, /&lt;script&gt;alert\(1\)&lt;_script&gt;/);
    assert.match(r.out, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});
