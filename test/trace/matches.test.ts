import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basicMatch, interfaceMatches } from '../../server/src/trace/match/basic';
import { evaluateMatch, MATCHES } from '../../server/src/trace/match/index';
import { allOf, type MatchEnv, type MatchResult } from '../../server/src/trace/match/types';
import { parseIpv4 } from '../../server/src/trace/ip';
import type { Flow } from '../../server/src/trace/flow';
import { flow, rule } from './helpers';

const NODE = parseIpv4('172.18.0.2')!;
const known: MatchEnv = { hook: 'PREROUTING', isLocal: (a) => a === NODE || a >>> 24 === 127 };
const unknownLocal: MatchEnv = { hook: 'PREROUTING', isLocal: (a) => (a >>> 24 === 127 ? true : undefined) };

/** The rule's basic matches and modules combined, as a short word: yes, no, chance:P, unknown, assumed:BOOL. */
function verdict(body: string, f: Flow, env: MatchEnv = known): string {
  const r = rule(body);
  const results: MatchResult[] = [basicMatch(r, f), ...r.matches.map((m) => evaluateMatch(m, f, env))];
  const all = allOf(results);
  switch (all.kind) {
    case 'chance':
      return `chance:${Math.round(all.p * 1000) / 1000}`;
    case 'assumed':
      return `assumed:${all.value}`;
    default:
      return all.kind;
  }
}

type Case = readonly [body: string, packet: string, expected: string, over?: Partial<Flow>, env?: MatchEnv];

const UDP = 'udp 10.244.1.5:40000 -> 10.96.0.10:53';
const TCP = 'tcp 10.244.1.5:40000 -> 10.96.0.1:443';

const CASES: Readonly<Record<string, readonly Case[]>> = {
  'addresses, masks and negation': [
    ['-s 10.244.0.0/16 -j ACCEPT', UDP, 'yes'],
    ['-s 10.245.0.0/16 -j ACCEPT', UDP, 'no'],
    ['! -s 10.244.0.0/16 -j ACCEPT', UDP, 'no'],
    ['-d 10.96.0.10/32 -j ACCEPT', UDP, 'yes'],
    ['-d 10.96.0.0/255.255.0.0 -j ACCEPT', UDP, 'yes'],
    ['! -d 10.96.0.11/32 -j ACCEPT', UDP, 'yes'],
    ['-d 0.0.0.0/0 -j ACCEPT', UDP, 'yes'],
  ],
  'protocol': [
    ['-p udp -j ACCEPT', UDP, 'yes'],
    ['-p tcp -j ACCEPT', UDP, 'no'],
    ['! -p tcp -j ACCEPT', UDP, 'yes'],
    ['-p 17 -j ACCEPT', UDP, 'yes'],
    ['-p all -j ACCEPT', UDP, 'yes'],
  ],
  'ports': [
    ['-p udp -m udp --dport 53 -j ACCEPT', UDP, 'yes'],
    ['-p udp -m udp --dport 54 -j ACCEPT', UDP, 'no'],
    ['-p udp -m udp ! --dport 54 -j ACCEPT', UDP, 'yes'],
    ['-p udp -m udp --sport 30000:50000 -j ACCEPT', UDP, 'yes'],
    ['-p udp -m udp --sport 1024: -j ACCEPT', UDP, 'yes'],
    ['-p udp -m udp --sport :1023 -j ACCEPT', UDP, 'no'],
    ['-p tcp -m tcp --dport 443 -j ACCEPT', UDP, 'no'],
    ['-p tcp -m tcp --syn -j ACCEPT', TCP, 'assumed:true'],
    ['-p tcp -m tcp --syn -j ACCEPT', TCP, 'assumed:false', { ctstate: 'ESTABLISHED' }],
    ['-p tcp -m tcp --tcp-flags SYN,ACK ACK -j ACCEPT', TCP, 'assumed:true', { ctstate: 'ESTABLISHED' }],
  ],
  'multiport': [
    ['-p tcp -m multiport --dports 80,443 -j ACCEPT', TCP, 'yes'],
    ['-p tcp -m multiport --dports 80,8000:8080 -j ACCEPT', TCP, 'no'],
    ['-p tcp -m multiport ! --dports 80,8000:8080 -j ACCEPT', TCP, 'yes'],
    ['-p tcp -m multiport --sports 39000:41000 -j ACCEPT', TCP, 'yes'],
    ['-p tcp -m multiport --ports 40000 -j ACCEPT', TCP, 'yes'],
  ],
  'interfaces with + wildcards': [
    ['-i cni0 -j ACCEPT', UDP, 'yes'],
    ['-i cni+ -j ACCEPT', UDP, 'yes'],
    ['-i eth+ -j ACCEPT', UDP, 'no'],
    ['! -i eth+ -j ACCEPT', UDP, 'yes'],
    ['-o eth0 -j ACCEPT', UDP, 'yes'],
    ['-o flannel.1 -j ACCEPT', UDP, 'no'],
    ['-i eth0 -j ACCEPT', UDP, 'no', { inIface: '' }],
  ],
  'mark and connmark': [
    ['-m mark --mark 0x4000/0x4000 -j ACCEPT', UDP, 'yes', { mark: 0x4001 }],
    ['-m mark --mark 0x4000/0x4000 -j ACCEPT', UDP, 'no', { mark: 0x1 }],
    ['-m mark ! --mark 0x4000/0x4000 -j RETURN', UDP, 'yes'],
    ['-m mark --mark 0x1 -j ACCEPT', UDP, 'no', { mark: 0x4001 }],
    ['-m connmark --mark 0x2/0x2 -j ACCEPT', UDP, 'yes', { ctmark: 0x2 }],
  ],
  'comment': [['-m comment --comment "anything at all" -j ACCEPT', UDP, 'yes']],
  'addrtype': [
    ['-m addrtype --dst-type LOCAL -j ACCEPT', 'udp 10.0.0.1 -> 172.18.0.2:30080', 'yes'],
    ['-m addrtype --dst-type LOCAL -j ACCEPT', UDP, 'no'],
    ['-m addrtype ! --dst-type LOCAL -j ACCEPT', UDP, 'yes'],
    ['-m addrtype --dst-type LOCAL -j ACCEPT', 'udp 10.0.0.1 -> 127.0.0.1:30080', 'yes', {}, unknownLocal],
    ['-m addrtype --dst-type LOCAL -j ACCEPT', UDP, 'assumed:false', {}, unknownLocal],
    ['-m addrtype --src-type LOCAL -j ACCEPT', 'udp 172.18.0.2 -> 10.96.0.10:53', 'yes'],
    ['-m addrtype --dst-type MULTICAST -j ACCEPT', 'udp 10.0.0.1 -> 224.0.0.251:5353', 'yes'],
    ['-m addrtype --dst-type BLACKHOLE -j ACCEPT', UDP, 'assumed:true'],
  ],
  'conntrack and state': [
    ['-m conntrack --ctstate NEW -j ACCEPT', UDP, 'yes'],
    ['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', UDP, 'no'],
    ['-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', UDP, 'yes', { ctstate: 'ESTABLISHED' }],
    ['-m conntrack --ctstate INVALID -j DROP', UDP, 'yes', { ctstate: 'INVALID' }],
    ['-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP', UDP, 'yes'],
    ['-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP', UDP, 'no', { dnatDone: true }],
    ['-m conntrack --ctorigdst 10.96.0.10 -j ACCEPT', UDP, 'yes', { dst: parseIpv4('10.244.2.2')! }],
    ['-m conntrack --ctstatus ASSURED -j ACCEPT', UDP, 'assumed:true'],
    ['-m state --state NEW -j ACCEPT', UDP, 'yes'],
    ['-m state --state ESTABLISHED -j ACCEPT', UDP, 'no'],
  ],
  'statistic': [
    ['-m statistic --mode random --probability 0.25 -j ACCEPT', UDP, 'chance:0.25'],
    ['-m statistic --mode random ! --probability 0.25 -j ACCEPT', UDP, 'chance:0.75'],
    ['-m statistic --mode nth --every 4 --packet 0 -j ACCEPT', UDP, 'chance:0.25'],
    ['-s 10.0.0.0/8 -m statistic --mode random --probability 0.5 -j ACCEPT', 'udp 192.168.0.1 -> 10.96.0.10:53', 'no'],
  ],
  'set (ipset membership unknown)': [
    ['-m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT', UDP, 'unknown'],
    ['-m set ! --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT', UDP, 'unknown'],
    ['-p tcp -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT', UDP, 'no'],
  ],
  'physdev': [
    ['-m physdev --physdev-is-bridged -j ACCEPT', UDP, 'no'],
    ['-m physdev --physdev-is-bridged -j ACCEPT', UDP, 'yes', { bridged: true }],
    ['-m physdev ! --physdev-is-bridged -j ACCEPT', UDP, 'yes'],
    ['-m physdev --physdev-in veth1234 -j ACCEPT', UDP, 'no'],
    ['-m physdev --physdev-in veth1234 -j ACCEPT', UDP, 'unknown', { bridged: true }],
  ],
  'iprange, pkttype, ipvs': [
    ['-m iprange --dst-range 10.96.0.5-10.96.0.20 -j ACCEPT', UDP, 'yes'],
    ['-m iprange ! --src-range 10.244.1.1-10.244.1.9 -j ACCEPT', UDP, 'no'],
    ['-m pkttype --pkt-type unicast -j ACCEPT', UDP, 'yes'],
    ['-m ipvs --ipvs -j ACCEPT', UDP, 'no'],
    ['-m ipvs --ipvs --vaddr 10.96.0.10/32 -j ACCEPT', UDP, 'yes', { ipvs: { vaddr: parseIpv4('10.96.0.10')!, vport: 53, method: 'Masq' } }],
  ],
  'unknown modules are assumed, never guessed silently': [
    ['-m limit --limit 5/sec -j ACCEPT', UDP, 'assumed:true'],
    ['-m recent --name x --rcheck -j DROP', UDP, 'assumed:true'],
    ['-p udp -m udp --dport 53 -m hashlimit --hashlimit-upto 5/sec --hashlimit-name x -j ACCEPT', UDP, 'assumed:true'],
  ],
};

describe('trace match evaluators', () => {
  for (const [group, cases] of Object.entries(CASES)) {
    it(group, () => {
      for (const [body, packet, expected, over, env] of cases) {
        assert.equal(verdict(body, flow(packet, over ?? {}), env), expected, `${body} on ${packet} ${JSON.stringify(over ?? {})}`);
      }
    });
  }

  it('has an evaluator for every match the brief names', () => {
    for (const m of ['tcp', 'udp', 'multiport', 'mark', 'comment', 'addrtype', 'conntrack', 'state', 'statistic', 'set', 'physdev']) assert.ok(MATCHES[m], m);
  });

  it('matches interface wildcards as iptables does', () => {
    assert.equal(interfaceMatches('veth+', 'veth12ab'), true);
    assert.equal(interfaceMatches('veth+', 'vet'), false);
    assert.equal(interfaceMatches('+', 'anything'), true);
    assert.equal(interfaceMatches('eth0', 'eth01'), false);
  });

  it('states what it assumed for an unknown module', () => {
    const r = rule('-m owner --uid-owner 0 -j ACCEPT');
    const res = evaluateMatch(r.matches[0]!, flow(UDP), known);
    assert.equal(res.kind, 'assumed');
    assert.match(res.kind === 'assumed' ? res.note : '', /-m owner --uid-owner 0 is not simulated: assumed to match/);
  });
});
