import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../server/src/cli/main';
import { parseTraceArgs, runTrace } from '../../server/src/cli/trace';
import { DNS_ENDPOINTS, lineOf, NODE_DUMP } from './nodeDump';

function nodeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kn-trace-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function trace(args: string[], colour = false): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runTrace(args, { out: (s) => (out += s), err: (s) => (err += s), colour });
  return { code, out, err };
}

const DNS = ['--packet', 'udp 10.244.0.5:40000 -> 10.96.0.10:53', '--local', '172.18.0.2', '--route', '10.244.0.0/24=cni0', '--in', 'cni0'];

describe('kube-netlint trace', () => {
  const dir = nodeDir({ 'iptables-save.txt': NODE_DUMP, 'sysctl-a.txt': 'net.ipv4.ip_forward = 1\n' });

  it('prints the hooks in order with each matched rule as file:line, the NAT and the verdict', () => {
    const r = trace([...DNS, dir]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    assert.equal(lines[0], 'trace udp 10.244.0.5:40000 -> 10.96.0.10:53 (from pod, in cni0, mark 0x0, NEW)');
    assert.equal(lines[1], 'verdict: ACCEPT (3 paths)');
    assert.equal(lines[3], 'path 1 of 3, 33.33%: ACCEPT, DNAT 10.244.0.20:53');
    const hooks = lines.slice(3, lines.indexOf('', 4)).filter((l) => /^ {2}[A-Z]+$/.test(l)).map((l) => l.trim());
    assert.deepEqual(hooks, ['PREROUTING', 'FORWARD', 'POSTROUTING']);
    assert.ok(lines.includes(`    nat KUBE-SEP-DNS1: DNAT 10.244.0.20:53  ${dir}/iptables-save.txt:${lineOf('--to-destination 10.244.0.20:53')}`), r.out);
    assert.ok(lines.includes(`    routing: forwarded out by cni0 (ip_forward = 1)  ${dir}/sysctl-a.txt:1`), r.out);
    assert.doesNotMatch(r.out, /\u001b\[/);
    assert.doesNotMatch(r.out, /paths differ/);
  });

  it('says when paths differ, with the share of each verdict', () => {
    const d = nodeDir({ 'rules.txt': '*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m statistic --mode random --probability 0.25 -j DROP\nCOMMIT\n' });
    const r = trace(['--packet', 'tcp 10.0.0.1:1 -> 10.0.0.2:80', '--out', 'eth0', d]);
    assert.match(r.out, /^verdict: ACCEPT \(2 paths; paths differ: ACCEPT 75%, DROP 25%\)$/m);
  });

  it('colours only when asked (the binary asks on a TTY without NO_COLOR)', () => {
    assert.match(trace([...DNS, dir], true).out, /\u001b\[32mACCEPT\u001b\[0m/);
  });

  it('prints the JSON contract of docs/trace.md', () => {
    const r = trace([...DNS, '--format', 'json', dir]);
    const j = JSON.parse(r.out) as Record<string, unknown> & { paths: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(j), ['packet', 'verdict', 'pathsDiffer', 'paths', 'assumptions', 'sources']);
    assert.deepEqual(j['packet'], { protocol: 'udp', src: '10.244.0.5', sport: 40000, dst: '10.96.0.10', dport: 53, from: 'pod', in: 'cni0', out: null, mark: '0x0', ctstate: 'NEW' });
    assert.equal(j['verdict'], 'ACCEPT');
    assert.deepEqual(j.paths.map((p) => p['dnat']), DNS_ENDPOINTS);
    const p = j.paths[0]!;
    assert.deepEqual(Object.keys(p), ['probability', 'verdict', 'dnat', 'snat', 'steps', 'assumptions']);
    const steps = p['steps'] as Record<string, unknown>[];
    const dnat = steps.find((s) => s['action'] === 'DNAT 10.244.0.20:53')!;
    assert.deepEqual(
      { ...dnat, span: undefined },
      { kind: 'rule', file: `${dir}/iptables-save.txt`, line: lineOf('--to-destination 10.244.0.20:53'), span: undefined, hook: 'PREROUTING', table: 'nat', chain: 'KUBE-SEP-DNS1', action: 'DNAT 10.244.0.20:53', assumptions: [] },
    );
    const span = dnat['span'] as { start: number; end: number };
    assert.equal(NODE_DUMP.slice(span.start, span.end), NODE_DUMP.split('\n')[lineOf('--to-destination 10.244.0.20:53') - 1]);
    assert.deepEqual(j['sources'], [`${dir}/iptables-save.txt`, `${dir}/sysctl-a.txt`]);
  });

  it('reads a single dump given as PATH (only that file)', () => {
    const r = trace([...DNS, '--format', 'json', join(dir, 'iptables-save.txt')]);
    assert.deepEqual((JSON.parse(r.out) as { sources: string[] }).sources, [join(dir, 'iptables-save.txt')]);
  });

  it('is reachable from the main CLI entry and listed in --help', () => {
    let out = '';
    assert.equal(run(['trace', ...DNS, '--format', 'json', dir], (s) => (out += s), () => undefined), 0);
    assert.equal((JSON.parse(out) as { verdict: string }).verdict, 'ACCEPT');
    let help = '';
    run(['--help'], (s) => (help += s), () => undefined);
    assert.match(help, /kube-netlint trace --packet "PROTO SRC\[:SPORT\] -> DST:DPORT"/);
  });

  it('refuses bad arguments with exit status 2 and a message', () => {
    const cases: [string[], RegExp][] = [
      [[dir], /needs --packet/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2', dir], /needs a destination port/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', '--from', 'mars', dir], /--from must be pod, host or external/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', '--mark', 'lots', dir], /--mark expects/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', '--ctstate', 'sleepy', dir], /--ctstate must be one of/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', '--route', '10.0.0.0/8', dir], /--route expects CIDR=IFACE/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', '--bogus', 'x', dir], /unknown option '--bogus'/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', join(dir, 'missing')], /cannot read/],
      [['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', dir, dir], /one PATH/],
    ];
    for (const [args, message] of cases) {
      const r = trace(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, message);
    }
  });

  it('refuses a folder of several nodes', () => {
    const two = nodeDir({ 'a/iptables-save.txt': NODE_DUMP, 'b/iptables-save.txt': NODE_DUMP });
    const r = trace(['--packet', 'udp 10.0.0.1 -> 10.0.0.2:53', two]);
    assert.equal(r.code, 2);
    assert.match(r.err, /holds 2 nodes/);
  });

  it('parses every option', () => {
    const a = parseTraceArgs(['--packet', 'tcp 1.2.3.4 -> 5.6.7.8:9', '--from=host', '--in', 'eth1', '--out', 'flannel.1', '--mark', '0x4000', '--ctstate', 'established', '--local', '1.1.1.1,2.2.2.2', '--route', '10.0.0.0/8=eth1', '--route', '0.0.0.0/0=eth0', '--format', 'json', 'node']);
    assert.ok(!('error' in a));
    assert.deepEqual(
      { ...a, routes: a.routes.map((r) => `${r.prefix.bits}=${r.iface}`) },
      { packet: 'tcp 1.2.3.4 -> 5.6.7.8:9', from: 'host', inIface: 'eth1', outIface: 'flannel.1', mark: 0x4000, ctstate: 'ESTABLISHED', local: [0x01010101, 0x02020202], routes: ['8=eth1', '0=eth0'], format: 'json', path: 'node' },
    );
  });
});
