import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar } from './tokenize';
import { assertScope, tokensOf } from './scopes';
import type { ScopeCase } from './scopes';

let g: IGrammar;
before(async () => {
  g = await loadGrammar('source.conntrack');
});
const check = (cases: readonly ScopeCase[]): void => cases.forEach((c) => assertScope(g, c));

describe('conntrack grammar', () => {
  it('scopes conntrack -L entries: protocol, timeout, state, key=value, flags', () => {
    const e = 'tcp      6 431999 ESTABLISHED src=10.244.1.5 dst=10.96.0.10 sport=41234 dport=53 src=10.244.2.7 dst=10.244.1.5 sport=53 dport=41234 [ASSURED] mark=16384 zone=0 use=1';
    check([
      [e, 'tcp', 'support.constant.protocol.conntrack'],
      [e, '6', 'constant.numeric.integer.protocol-number.conntrack'],
      [e, '431999', 'constant.numeric.integer.timeout.conntrack'],
      [e, 'ESTABLISHED', 'constant.language.state.conntrack'],
      [e, 'src', 'variable.parameter.key.conntrack'],
      [e, '=', 'keyword.operator.assignment.conntrack'],
      [e, '10.244.1.5', 'constant.numeric.ipv4.conntrack'],
      [e, 'dport', 'variable.parameter.key.conntrack'],
      [e, '41234', 'constant.numeric.integer.conntrack'],
      [e, 'ASSURED', 'constant.language.flag.assured.conntrack'],
      [e, '[', 'punctuation.definition.flag.begin.conntrack'],
      [e, 'mark', 'variable.parameter.key.conntrack'],
      [e, '16384', 'constant.numeric.integer.conntrack'],
      [e, 'zone', 'variable.parameter.key.conntrack'],
      [e, 'use', 'variable.parameter.key.conntrack'],
    ]);
    for (const t of tokensOf(g, e)) assert.ok(t.scopes.includes('meta.entry.conntrack'), t.text);
  });

  it('scopes [UNREPLIED], SYN_SENT/TIME_WAIT, IPv6, secctx and unknown fields', () => {
    check([
      ['tcp      6 118 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1 mark=0 use=1', 'UNREPLIED', 'constant.language.flag.unreplied.conntrack'],
      ['tcp      6 118 SYN_SENT src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 [UNREPLIED]', 'SYN_SENT', 'constant.language.state.conntrack'],
      ['tcp      6 7 TIME_WAIT src=fd00::1 dst=fd00::2 sport=55226 dport=443', 'TIME_WAIT', 'constant.language.state.conntrack'],
      ['tcp      6 7 TIME_WAIT src=fd00::1 dst=fd00::2 sport=55226 dport=443', 'fd00::2', 'constant.numeric.ipv6.conntrack'],
      ['tcp      6 7 TIME_WAIT src=1.1.1.1 secctx=system_u:object_r:unlabeled_t:s0 use=1', 'system_u:object_r:unlabeled_t:s0', 'string.unquoted.value.conntrack'],
      ['tcp      6 3598 ESTABLISHED use=1 Service=slb.test', 'Service', 'variable.parameter.key.conntrack'],
    ]);
  });

  it('scopes /proc/net/nf_conntrack, -E events and conntrackd caches', () => {
    check([
      ['ipv4     2 tcp      6 117 TIME_WAIT src=1.1.1.1', 'ipv4', 'support.constant.protocol.l3.conntrack'],
      ['ipv4     2 tcp      6 117 TIME_WAIT src=1.1.1.1', '117', 'constant.numeric.integer.timeout.conntrack'],
      ['     [NEW] udp      17 30 src=192.168.2.100 dst=192.168.2.1', 'NEW', 'keyword.control.event.conntrack'],
      ['     [NEW] udp      17 30 src=192.168.2.100 dst=192.168.2.1', 'udp', 'support.constant.protocol.conntrack'],
      [' tcp      6 ESTABLISHED src=1.1.1.1 [ASSURED] mark=0 [active since 536s]', 'active since', 'keyword.other.active-since.conntrack'],
      [' tcp      6 ESTABLISHED src=1.1.1.1 [ASSURED] mark=0 [active since 536s]', 'ESTABLISHED', 'constant.language.state.conntrack'],
    ]);
  });

  it('scopes conntrack -S lines, the hex stats table and the trailer line', () => {
    const s = 'cpu=0           found=0 invalid=7796 insert=0 insert_failed=3 drop=0 early_drop=0 error=0 search_restart=671';
    check([
      [s, 'cpu', 'variable.parameter.key.conntrack'],
      [s, 'insert_failed', 'variable.parameter.key.conntrack'],
      [s, '3', 'constant.numeric.integer.conntrack'],
      ['00000021  00000000 00000000', '00000021', 'constant.numeric.hex.conntrack'],
      ['entries  searched found new invalid ignore delete', 'entries  searched found new invalid ignore delete', 'markup.heading.column-header.conntrack'],
    ]);
    for (const t of tokensOf(g, s)) assert.ok(t.scopes.includes('meta.stats.conntrack'), t.text);
    const trailer = 'conntrack v1.4.6 (conntrack-tools): 50 flow entries have been shown.';
    check([
      [trailer, 'v1.4.6', 'constant.numeric.version.conntrack'],
      [trailer, '50', 'constant.numeric.integer.count.conntrack'],
    ]);
    for (const t of tokensOf(g, trailer)) assert.ok(t.scopes.includes('comment.line.summary.conntrack'), t.text);
  });
});
