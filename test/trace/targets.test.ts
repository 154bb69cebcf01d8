import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyTarget, type NatRecord } from '../../server/src/trace/targets';
import { formatIpv4 } from '../../server/src/trace/ip';
import { flow, rule } from './helpers';

interface Expect {
  readonly effect: string;
  readonly mark?: number;
  readonly ctmark?: number;
  readonly dst?: string;
  readonly dnat?: string | null;
  readonly snat?: string | null;
  readonly ctstate?: string;
  readonly assumed?: boolean;
}

type Case = readonly [body: string, table: string, expected: Expect, start?: { mark?: number; ctmark?: number }];

const CASES: readonly Case[] = [
  ['-j ACCEPT', 'filter', { effect: 'accept' }],
  ['-j DROP', 'filter', { effect: 'verdict DROP' }],
  ['-j REJECT --reject-with icmp-port-unreachable', 'filter', { effect: 'verdict REJECT' }],
  ['-j RETURN', 'filter', { effect: 'return' }],
  ['-j Y', 'filter', { effect: 'jump Y' }],
  ['-g Y', 'filter', { effect: 'goto Y' }],
  ['-m comment --comment x', 'filter', { effect: 'continue' }],
  ['-j MARK --set-xmark 0x4000/0x4000', 'mangle', { effect: 'continue', mark: 0x4001 }, { mark: 0x1 }],
  ['-j MARK --or-mark 0x4000', 'nat', { effect: 'continue', mark: 0x4001 }, { mark: 0x1 }],
  ['-j MARK --xor-mark 0x4000', 'nat', { effect: 'continue', mark: 0x1 }, { mark: 0x4001 }],
  ['-j MARK --and-mark 0xff', 'mangle', { effect: 'continue', mark: 0x1 }, { mark: 0x4001 }],
  ['-j MARK --set-mark 0x8', 'mangle', { effect: 'continue', mark: 0x8 }, { mark: 0x4001 }],
  ['-j CONNMARK --save-mark', 'mangle', { effect: 'continue', ctmark: 0x7 }, { mark: 0x7 }],
  ['-j CONNMARK --restore-mark', 'mangle', { effect: 'continue', mark: 0x9 }, { ctmark: 0x9 }],
  ['-p udp -j DNAT --to-destination 10.244.1.12:53', 'nat', { effect: 'accept', dst: '10.244.1.12', dnat: '10.244.1.12:53' }],
  ['-p udp -j DNAT --to-destination 10.244.1.12', 'nat', { effect: 'accept', dst: '10.244.1.12', dnat: '10.244.1.12:53' }],
  ['-p udp -j DNAT --to-destination 10.244.1.12-10.244.1.14:80', 'nat', { effect: 'accept', dst: '10.244.1.12', dnat: '10.244.1.12:80', assumed: true }],
  ['-j SNAT --to-source 172.18.0.2', 'nat', { effect: 'accept', snat: '172.18.0.2' }],
  ['-j MASQUERADE --random-fully', 'nat', { effect: 'accept', snat: 'masquerade' }],
  ['-p udp -j REDIRECT --to-ports 15001', 'nat', { effect: 'accept', dnat: 'cni0-address:15001', assumed: true }],
  ['-j CT --notrack', 'raw', { effect: 'continue', ctstate: 'UNTRACKED' }],
  ['-j NOTRACK', 'raw', { effect: 'continue', ctstate: 'UNTRACKED' }],
  ['-j LOG --log-prefix "x: "', 'filter', { effect: 'continue' }],
  ['-j NFLOG', 'filter', { effect: 'continue' }],
  ['-p tcp -j TCPMSS --clamp-mss-to-pmtu', 'mangle', { effect: 'continue' }],
  ['-j NFQUEUE --queue-num 1', 'filter', { effect: 'accept', assumed: true }],
];

const describeEffect = (e: ReturnType<typeof applyTarget>['effect']): string =>
  e.kind === 'verdict' ? `verdict ${e.verdict}` : e.kind === 'jump' || e.kind === 'goto' ? `${e.kind} ${e.chain}` : e.kind;

describe('trace targets', () => {
  for (const [body, table, exp, start] of CASES) {
    it(`${table}: ${body}`, () => {
      const f = flow('udp 10.244.1.5:40000 -> 10.96.0.10:53', start ?? {});
      const nat: NatRecord = { dnat: null, snat: null };
      const out = applyTarget(rule(body, table), { table, hook: 'PREROUTING', flow: f, nat });
      assert.equal(describeEffect(out.effect), exp.effect);
      if (exp.mark !== undefined) assert.equal(f.mark, exp.mark);
      if (exp.ctmark !== undefined) assert.equal(f.ctmark, exp.ctmark);
      if (exp.dst !== undefined) assert.equal(formatIpv4(f.dst), exp.dst);
      if (exp.dnat !== undefined) assert.equal(nat.dnat, exp.dnat);
      if (exp.snat !== undefined) assert.equal(nat.snat, exp.snat);
      if (exp.ctstate !== undefined) assert.equal(f.ctstate, exp.ctstate);
      assert.equal(out.assumptions.length > 0, exp.assumed === true, `assumptions: ${out.assumptions.join('; ')}`);
      assert.ok(out.action.length > 0);
    });
  }

  it('marks DNAT and SNAT on the flow for --ctstate DNAT/SNAT', () => {
    const f = flow('udp 10.244.1.5:40000 -> 10.96.0.10:53');
    applyTarget(rule('-p udp -j DNAT --to-destination 10.244.1.12:53', 'nat'), { table: 'nat', hook: 'PREROUTING', flow: f, nat: { dnat: null, snat: null } });
    assert.equal(f.dnatDone, true);
    assert.equal(f.snatDone, false);
  });
});
