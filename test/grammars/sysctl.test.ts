import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar } from './tokenize';
import { assertScope, tokensOf } from './scopes';
import type { ScopeCase } from './scopes';

let g: IGrammar;
before(async () => {
  g = await loadGrammar('source.sysctl');
});
const check = (cases: readonly ScopeCase[]): void => cases.forEach((c) => assertScope(g, c));

describe('sysctl grammar', () => {
  it('scopes keys with . or / separators, =, numbers and strings', () => {
    check([
      ['net.ipv4.ip_forward = 1', 'net.ipv4.ip_forward', 'variable.parameter.key.sysctl'],
      ['net.ipv4.ip_forward = 1', '=', 'keyword.operator.assignment.sysctl'],
      ['net.ipv4.ip_forward = 1', '1', 'constant.numeric.integer.sysctl'],
      ['net/ipv4/ip_forward=0', 'net/ipv4/ip_forward', 'variable.parameter.key.sysctl'],
      ['net/ipv4/ip_forward=0', '0', 'constant.numeric.integer.sysctl'],
      ['net.ipv4.ip_local_port_range = 32768\t60999', '60999', 'constant.numeric.integer.sysctl'],
      ['net.ipv4.tcp_congestion_control = bbr', 'bbr', 'string.unquoted.value.sysctl'],
      ['  kernel.modprobe = /sbin/mod probe', 'kernel.modprobe', 'variable.parameter.key.sysctl'],
      ['  kernel.modprobe = /sbin/mod probe', '/sbin/mod', 'string.unquoted.value.sysctl'],
      ['kernel.core_pattern = "|/bin/false"', '|/bin/false', 'string.quoted.double.sysctl'],
      ['net.core.default_qdisc=fq_codel', 'fq_codel', 'string.unquoted.value.sysctl'],
    ]);
  });

  it('scopes # and ; comments and the - prefix', () => {
    check([
      ['# kernel.domainname.invalid = notvalid.com', '#', 'punctuation.definition.comment.sysctl'],
      ['; this one has a space', ';', 'punctuation.definition.comment.sysctl'],
      ['-net.ipv4.ping_group_range = 0 2147483647', '-', 'keyword.operator.ignore-errors.sysctl'],
      ['-net.ipv4.ping_group_range = 0 2147483647', 'net.ipv4.ping_group_range', 'variable.parameter.key.sysctl'],
      ['-net.ipv4.ping_group_range = 0 2147483647', '2147483647', 'constant.numeric.integer.sysctl'],
    ]);
    for (const t of tokensOf(g, '# kernel.domainname.invalid = notvalid.com')) assert.ok(t.scopes.includes('comment.line.number-sign.sysctl'), t.text);
    for (const t of tokensOf(g, '; x = 1')) assert.ok(t.scopes.includes('comment.line.semicolon.sysctl'), t.text);
  });

  it('marks error output and lines that are not assignments', () => {
    check([
      ["sysctl: permission denied on key 'net.ipv4.conf.all.rp_filter'", "sysctl: permission denied on key 'net.ipv4.conf.all.rp_filter'", 'invalid.illegal.error.sysctl'],
      ['sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory', 'sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory', 'invalid.illegal.error.sysctl'],
      ['net.ipv4.ip_forward', 'net.ipv4.ip_forward', 'invalid.illegal.not-an-assignment.sysctl'],
      ['= 1', '= 1', 'invalid.illegal.missing-key.sysctl'],
      ['* Applying /etc/sysctl.d/k8s.conf ...', '/etc/sysctl.d/k8s.conf', 'string.unquoted.path.sysctl'],
    ]);
  });
});
