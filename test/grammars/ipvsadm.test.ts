import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar } from './tokenize';
import { assertScope, tokensOf } from './scopes';
import type { ScopeCase } from './scopes';

let g: IGrammar;
before(async () => {
  g = await loadGrammar('source.ipvsadm');
});
const check = (cases: readonly ScopeCase[]): void => cases.forEach((c) => assertScope(g, c));

describe('ipvsadm grammar', () => {
  it('scopes the version line and the header rows', () => {
    const v = 'IP Virtual Server version 1.2.1 (size=4096)';
    check([
      [v, 'IP Virtual Server version', 'keyword.other.banner.ipvsadm'],
      [v, '1.2.1', 'constant.numeric.version.ipvsadm'],
      [v, 'size', 'variable.parameter.key.ipvsadm'],
      [v, '4096', 'constant.numeric.integer.size.ipvsadm'],
      ['Prot LocalAddress:Port Scheduler Flags', 'Prot LocalAddress:Port Scheduler Flags', 'markup.heading.column-header.ipvsadm'],
      ['  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn', 'markup.heading.column-header.ipvsadm'],
      ['IPVS connection entries', 'IPVS connection entries', 'keyword.other.banner.ipvsadm'],
    ]);
  });

  it('scopes virtual service rows: protocol, VIP:port, scheduler, flags', () => {
    const row = 'TCP  10.0.0.1:443 rr persistent 10800';
    check([
      [row, 'TCP', 'support.constant.protocol.ipvsadm'],
      [row, '10.0.0.1', 'constant.numeric.ipv4.ipvsadm'],
      [row, ':', 'punctuation.separator.port.ipvsadm'],
      [row, '443', 'constant.numeric.port.ipvsadm'],
      [row, 'rr', 'entity.name.function.scheduler.ipvsadm'],
      [row, 'persistent', 'keyword.other.flag.persistent.ipvsadm'],
      [row, '10800', 'constant.numeric.integer.ipvsadm'],
      ['TCP  169.55.8.94:0 wlc persistent 360 mask 169.55.8.94', 'mask', 'keyword.other.flag.ipvsadm'],
      ['TCP  169.55.8.94:0 wlc persistent 360 mask 169.55.8.94', '169.55.8.94', 'constant.numeric.ipv4.ipvsadm', 1],
      ['TCP  [2001::1]:80 conhash sip', '2001::1', 'constant.numeric.ipv6.ipvsadm'],
      ['TCP  C0A80A64:0050 rr  ', 'C0A80A64', 'constant.numeric.hex.address.ipvsadm'],
      ['TCP  C0A80A64:0050 rr  ', '0050', 'constant.numeric.hex.port.ipvsadm'],
      ['FWM  10001000 wlc', '10001000', 'constant.numeric.integer.ipvsadm'],
      ['TCP  169.55.8.94:0                 159040K    2447M    2045M     285G     798G', '159040K', 'constant.numeric.integer.ipvsadm'],
    ]);
    for (const t of tokensOf(g, row)) assert.ok(t.scopes.includes('meta.virtual-service.ipvsadm'), t.text);
  });

  it('scopes real server rows: arrow, address, forward method, numbers, inhibited', () => {
    const row = '  -> 192.168.0.1:6443             Masq    1      1          0';
    check([
      [row, '->', 'keyword.operator.arrow.ipvsadm'],
      [row, '192.168.0.1', 'constant.numeric.ipv4.ipvsadm'],
      [row, '6443', 'constant.numeric.port.ipvsadm'],
      [row, 'Masq', 'constant.language.forward-method.ipvsadm'],
      [row, '1', 'constant.numeric.integer.ipvsadm', 1],
      ['  -> 10.1.1.1:80                  FullNat 0      0          0          inhibited', 'inhibited', 'invalid.deprecated.inhibited.ipvsadm'],
      ['  -> 100.99.102.3:http            Masq    1      1          52', 'http', 'support.constant.port-name.ipvsadm'],
      ['  -> 1.31.31.31.dyn.idknet.com:50      133  2959491', '1.31.31.31.dyn.idknet.com', 'string.unquoted.hostname.ipvsadm'],
    ]);
  });

  it('scopes the save format and the --timeout line', () => {
    const a = '-A -t 192.168.10.100:80 -s rr';
    const r = '-a -t 192.168.10.100:80 -r 192.168.188.82:80 -m -w 1';
    check([
      [a, '-A', 'keyword.control.command.ipvsadm'],
      [a, '-t', 'variable.parameter.option.ipvsadm'],
      [a, '192.168.10.100', 'constant.numeric.ipv4.ipvsadm'],
      [a, 'rr', 'entity.name.function.scheduler.ipvsadm'],
      [r, '-a', 'keyword.control.command.ipvsadm'],
      [r, '192.168.188.82', 'constant.numeric.ipv4.ipvsadm'],
      [r, '-m', 'constant.language.forward-method.ipvsadm'],
      [r, '-w', 'variable.parameter.option.ipvsadm'],
      [r, '1', 'constant.numeric.integer.ipvsadm'],
      ['Timeout (tcp tcpfin udp): 900 120 300', 'Timeout', 'keyword.other.timeout.ipvsadm'],
      ['Timeout (tcp tcpfin udp): 900 120 300', '120', 'constant.numeric.integer.ipvsadm'],
    ]);
  });

  it('scopes -Lnc connection rows', () => {
    const row = 'TCP 14:59  ESTABLISHED 169.60.24.86:52470 169.46.7.238:27234 169.48.180.244:27234';
    check([
      [row, 'TCP', 'support.constant.protocol.ipvsadm'],
      [row, '14:59', 'constant.numeric.time.expire.ipvsadm'],
      [row, 'ESTABLISHED', 'constant.language.state.ipvsadm'],
      [row, '169.60.24.86', 'constant.numeric.ipv4.ipvsadm'],
      [row, '169.48.180.244', 'constant.numeric.ipv4.ipvsadm'],
    ]);
  });
});
