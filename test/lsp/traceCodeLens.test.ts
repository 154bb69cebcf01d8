import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { resolveServiceLens, serviceLenses, type TraceServiceArgs } from '../../server/src/lsp/codeLens';
import { answerTrace } from '../../server/src/lsp/traceRequest';
import { kubeProxyDump } from '../../bench/generate/kubeProxyDump';

/**
 * Service lenses in format terms (the stdio test, trace.test.ts, covers iptables through the
 * shipped server): nftables `service-ips` elements, the flannel network as the pod source, and
 * the 75,000-line kube-proxy dump (one lens per Service rule and chain, resolved from an index).
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'nftables');

const parsed = (path: string, text: string): ParsedDocument => parseDocument({ uri: `file://${path}`, path, text });

describe('Service lenses', () => {
  it('nftables: one lens per service-ips element, resolved into a packet that traces through the ruleset', () => {
    const text = readFileSync(join(FIXTURES, 'kube-proxy-ipv4.list.nft'), 'utf8');
    const doc = parsed('/n/ruleset.nft', text);
    const lenses = serviceLenses(doc, 3);
    const lines = text.split('\n');
    assert.equal(lenses.length, 9, 'nine elements in service-ips');
    assert.ok(lenses.every((l) => /^\s*(?:elements = \{ )?[\d.]+ \. tcp \. 80 : goto /.test(lines[l.range.start.line]!)));
    const dns = lenses.find((l) => lines[l.range.start.line]!.includes('172.30.0.10 . tcp . 80'))!;
    const resolved = resolveServiceLens(dns, doc, () => [doc]);
    assert.equal(resolved.command?.title, 'Trace a packet to this Service (tcp 172.30.0.10:80, from a pod)');
    const args = resolved.command!.arguments![0] as TraceServiceArgs;
    assert.equal(args.service, 'kube-system/kube-dns:p80');
    assert.equal(args.packet, 'tcp 10.244.0.2 -> 172.30.0.10:80');
    assert.deepEqual(args.assumptions, ["source 10.244.0.2 assumed: the node's pod network is not in the dumps"]);
    const a = answerTrace({ uri: doc.uri, packet: args.packet, from: args.from }, [doc]);
    assert.ok('result' in a);
    assert.deepEqual(a.result.paths.map((p) => p.dnat), ['10.180.0.7:80', '10.180.1.7:80', '10.180.2.7:80']);
    assert.equal(a.result.paths[0]!.steps.find((s) => s.chain === 'services')!.range!.start.line, lines.findIndex((l) => l.includes('vmap @service-ips')));
  });

  it('takes the pod source from the flannel network when the node has one', () => {
    const ipt = parsed('/n/iptables-save.txt', '*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-A - [0:0]\n-A KUBE-SERVICES -d 10.43.0.10/32 -p udp -m udp --dport 53 -j KUBE-SVC-A\nCOMMIT\n');
    const flannel = parsed('/n/net-conf.yaml', 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: kube-flannel-cfg\ndata:\n  net-conf.json: |\n    {\n      "Network": "10.42.0.0/16",\n      "Backend": { "Type": "vxlan" }\n    }\n');
    const lens = serviceLenses(ipt, 1).find((l) => l.range.start.line === 3)!;
    const args = resolveServiceLens(lens, ipt, () => [ipt, flannel]).command!.arguments![0] as TraceServiceArgs;
    assert.equal(args.packet, 'udp 10.42.0.2 -> 10.43.0.10:53');
    assert.match(args.assumptions[0]!, /^source 10\.42\.0\.2: a pod address in the flannel network 10\.42\.0\.0\/16 \(\/n\/net-conf\.yaml:8\)/);
  });

  it('a lens whose rule is gone (the text changed) falls back to the plain trace command', () => {
    const ipt = parsed('/n/iptables-save.txt', '*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -d 10.43.0.10/32 -p udp -m udp --dport 53 -j KUBE-SVC-A\nCOMMIT\n');
    const lens = { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, data: { uri: ipt.uri, version: 1, offset: 5 } };
    assert.deepEqual(resolveServiceLens(lens, ipt, () => [ipt]).command, { title: 'Trace a packet…', command: 'kube-netlint.trace', arguments: [{ uri: ipt.uri }] });
  });

  it('the 75,000-line kube-proxy dump: a lens per Service rule and Service chain, lenses on screen resolve from an index', () => {
    const text = kubeProxyDump();
    const doc = parsed('/big/iptables-save.txt', text);
    const lenses = serviceLenses(doc, 1);
    assert.equal(lenses.length, 9812);
    const lines = text.split('\n');
    const sample = lenses.slice(4000, 4060).map((l) => resolveServiceLens(l, doc, () => [doc]));
    for (const l of sample) {
      const args = l.command!.arguments![0] as TraceServiceArgs;
      const line = lines[l.range.start.line]!;
      const addr = /-d (\S+)\/32/.exec(line)?.[1];
      if (addr) assert.ok(args.packet.includes(`-> ${addr}:`), `${args.packet} from ${line}`);
      else assert.match(line, /^:KUBE-SVC-/);
    }
  });
});
