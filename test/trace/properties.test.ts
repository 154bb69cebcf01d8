import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyMutation, mutation } from '../helpers/mutations';
import { DEFAULT_MAX_PATHS } from '../../server/src/trace/path';
import type { TraceResult } from '../../server/src/trace/result';
import { NODE_DUMP } from './nodeDump';
import { traceFiles } from './helpers';

const PACKETS = ['udp 10.244.0.5:40000 -> 10.96.0.10:53', 'udp 192.0.2.7:1 -> 172.18.0.2:30080', 'tcp 10.244.0.5 -> 10.96.0.50:80', 'icmp 10.244.0.5 -> 8.8.8.8'];

function wellFormed(r: TraceResult): void {
  const total = r.paths.reduce((a, p) => a + p.probability, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `probabilities add up to ${total}`);
  assert.ok(r.paths.length >= 1 && r.paths.length <= DEFAULT_MAX_PATHS);
  for (const p of r.paths) {
    assert.ok(['ACCEPT', 'DROP', 'REJECT'].includes(p.verdict));
    assert.ok(p.probability > 0 && p.probability <= 1 + 1e-12);
  }
}

/** A random filter table: chains jumping and going to each other (loops included), statistic and ipset rules. */
const chainName = fc.constantFrom('A', 'B', 'C', 'D');
const ruleText = fc.oneof(
  fc.tuple(fc.constantFrom('-j', '-g'), chainName).map(([k, c]) => `${k} ${c}`),
  fc.constantFrom('-j ACCEPT', '-j DROP', '-j RETURN', '-j REJECT', '-j MARK --set-xmark 0x1/0x1', '-p tcp --dport 80 -j RETURN'),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), chainName).map(([p, c]) => `-m statistic --mode random --probability ${p.toFixed(5)} -j ${c}`),
  chainName.map((c) => `-m set --match-set S${c} dst -j ${c}`),
  fc.constantFrom('-m mark --mark 0x1/0x1 -j ACCEPT', '-m limit --limit 1/s -j DROP'),
);
const table = fc.array(fc.tuple(fc.constantFrom('FORWARD', 'A', 'B', 'C', 'D'), ruleText), { maxLength: 30 }).map(
  (rules) => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n:C - [0:0]\n:D - [0:0]\n${rules.map(([c, r]) => `-A ${c} ${r}\n`).join('')}COMMIT\n`,
);

describe('trace properties', () => {
  it('terminates with probabilities adding up to 1 on random chain graphs (jump and goto loops included)', () => {
    fc.assert(
      fc.property(table, fc.constantFrom(...PACKETS), (text, packet) => {
        wellFormed(traceFiles({ 'rules.txt': text }, packet, { outIface: 'eth0' }));
      }),
      { numRuns: 300 },
    );
  });

  it('terminates with probabilities adding up to 1 on mutated kube-proxy dumps', () => {
    const tokens = ['-j KUBE-SVC-DNS', '-g KUBE-SERVICES', '-j KUBE-SERVICES', '-m statistic --mode random --probability 0.3 ', '! ', '-j RETURN\n', '\n-A KUBE-SVC-DNS -j KUBE-SERVICES\n', '-m set --match-set X dst '];
    fc.assert(
      fc.property(fc.array(mutation(tokens), { maxLength: 6 }), fc.constantFrom(...PACKETS), fc.constantFrom('pod', 'host', 'external') as fc.Arbitrary<'pod' | 'host' | 'external'>, (ops, packet, from) => {
        const text = ops.reduce((t, op) => applyMutation(t, op), NODE_DUMP);
        wellFormed(traceFiles({ 'iptables-save.txt': text }, packet, { from }));
      }),
      { numRuns: 200 },
    );
  });

  it('bounds the number of paths on a cascade of unknowns (2^40 answers) and still adds up to 1', () => {
    const rules = Array.from({ length: 40 }, (_, i) => `-A FORWARD -m set --match-set S${i} dst -j MARK --set-xmark 0x${(1 << (i % 31)).toString(16)}/0x${(1 << (i % 31)).toString(16)}\n`).join('');
    const r = traceFiles({ 'rules.txt': `*filter\n:FORWARD ACCEPT [0:0]\n${rules}COMMIT\n` }, PACKETS[0]!, { outIface: 'eth0' });
    wellFormed(r);
    assert.equal(r.paths.length, DEFAULT_MAX_PATHS);
    assert.ok(r.paths.some((p) => p.assumptions.some((a) => /only the likelier branch/.test(a))));
  });
});
