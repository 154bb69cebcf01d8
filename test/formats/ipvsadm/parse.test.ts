import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IPVS_LIMITS, parseIpvsadm } from '../../../server/src/formats/ipvsadm';
import type { Span } from '../../../server/src/core/span';

/** The text a span covers. */
const at = (text: string, s: Span | undefined): string => {
  assert.ok(s, 'span expected');
  return text.slice(s.start, s.end);
};

describe('ipvsadm -Ln', () => {
  const text = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    'TCP  10.96.0.1:443 rr persistent 10800',
    '  -> 192.168.1.10:6443            Masq    1      3          0         ',
    'UDP  [fd00::a]:53 sh (sh-fallback,sh-port) ops',
    '  -> [fd00:0:0:0:0:0:0:2]:53      Route   0      0          112       ',
    'TCP  10.96.12.7:80 wlc persistent 360 mask 255.255.255.0 pe sip',
    'FWM  100 IPv6 rr',
    '  -> [2001:db8::5]:0              Tunnel  2      1          1         ',
    'TCP  10.96.0.20:8080 rr',
    '',
  ].join('\n');
  const m = parseIpvsadm(text);

  it('reads the version line and table size with spans', () => {
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.version?.version.value.parts, [1, 2, 1]);
    assert.equal(at(text, m.version?.version.span), '1.2.1');
    assert.equal(m.version?.tableSize?.value, 4096);
    assert.equal(at(text, m.version?.tableSize?.span), '4096');
    assert.equal(m.sections.length, 1);
    assert.equal(m.sections[0]!.variant, 'list');
    assert.equal(at(text, m.sections[0]!.columnHeader), text.split('\n').slice(1, 3).join('\n'));
  });

  it('reads services: protocol, address, port, scheduler, persistence, flags', () => {
    const [a, b, c, d, e] = m.services;
    assert.equal(m.services.length, 5);
    assert.equal(a!.protocol.value, 'TCP');
    assert.equal(a!.address?.ip, '10.96.0.1');
    assert.equal(a!.address?.port?.value, 443);
    assert.equal(at(text, a!.address?.port?.span), '443');
    assert.equal(at(text, a!.address?.span), '10.96.0.1:443');
    assert.equal(a!.scheduler?.value, 'rr');
    assert.equal(at(text, a!.scheduler?.span), 'rr');
    assert.equal(a!.persistence?.timeout?.value, 10800);
    assert.equal(at(text, a!.persistence?.span), 'persistent 10800');
    assert.equal(at(text, a!.span), 'TCP  10.96.0.1:443 rr persistent 10800');
    assert.equal(a!.line, 3);

    assert.equal(b!.family, 'ipv6');
    assert.equal(b!.address?.ip, 'fd00::a');
    assert.equal(at(text, b!.address?.host.span), 'fd00::a');
    assert.deepEqual(b!.schedulerFlags.map((f) => [f.value, at(text, f.span)]), [
      ['sh-fallback', 'sh-fallback'],
      ['sh-port', 'sh-port'],
    ]);
    assert.equal(at(text, b!.onePacket), 'ops');

    assert.equal(c!.netmask?.value, '255.255.255.0');
    assert.equal(at(text, c!.netmask?.span), '255.255.255.0');
    assert.equal(c!.persistenceEngine?.value, 'sip');
    assert.equal(c!.realServers.length, 0, 'a service with no real servers keeps an empty list');

    assert.equal(d!.protocol.value, 'FWM');
    assert.equal(d!.fwmark?.value, 100);
    assert.equal(at(text, d!.fwmark?.span), '100');
    assert.equal(d!.family, 'ipv6');
    assert.equal(d!.address, undefined);
    assert.equal(e!.realServers.length, 0);
  });

  it('reads real servers with forward method, weight and connection counters', () => {
    const rs = m.services[0]!.realServers[0]!;
    assert.equal(rs.address.ip, '192.168.1.10');
    assert.equal(rs.address.port?.value, 6443);
    assert.equal(rs.forward?.value, 'Masq');
    assert.equal(at(text, rs.forward?.span), 'Masq');
    assert.equal(rs.weight?.value, 1);
    assert.equal(rs.activeConn?.value, 3);
    assert.equal(rs.inActConn?.value, 0);
    assert.equal(at(text, rs.span), '-> 192.168.1.10:6443            Masq    1      3          0', 'row span excludes trailing padding');
    const v6 = m.services[1]!.realServers[0]!;
    assert.equal(v6.address.ip, 'fd00::2', 'IPv6 is canonicalised');
    assert.equal(v6.forward?.value, 'Route');
    assert.equal(v6.weight?.value, 0);
    assert.equal(v6.inActConn?.value, 112);
    assert.equal(at(text, v6.inActConn?.span), '112');
    assert.equal(m.services[3]!.realServers[0]!.forward?.value, 'Tunnel');
  });
});

describe('ipvsadm --stats and --rate', () => {
  it('expands K/M/G/T suffixes and keeps the raw token', () => {
    const text = [
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
      '  -> RemoteAddress:Port',
      'TCP  169.55.8.94:0                 159040K    2447M    2045M     285G       7T',
      '  -> 169.55.35.102:0               3026615  159347K  152858K   19050M   63258M',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.sections[0]!.variant, 'stats');
    const s = m.services[0]!.stats!;
    assert.equal(s.conns.value, 159_040_000);
    assert.equal(s.conns.raw, '159040K');
    assert.equal(s.conns.unit, 'K');
    assert.equal(s.conns.approximate, true);
    assert.equal(s.inPackets.value, 2_447_000_000);
    assert.equal(s.inBytes.value, 285_000_000_000);
    assert.equal(s.outBytes.value, 7e12);
    assert.equal(at(text, s.outBytes.span), '7T');
    const r = m.services[0]!.realServers[0]!.stats!;
    assert.equal(r.conns.value, 3026615);
    assert.equal(r.conns.approximate, false);
    assert.equal(r.conns.unit, undefined);
    assert.equal(at(text, r.span), '3026615  159347K  152858K   19050M   63258M');
    assert.equal(m.services[0]!.scheduler, undefined, 'stats listings have no scheduler column');
  });

  it('reads the --rate columns', () => {
    const text = [
      'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS',
      '  -> RemoteAddress:Port',
      'TCP  10.96.6.131:80                      1        4        2      234      268',
      '  -> 10.244.210.154:80                   0        1        1       98      113',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.sections[0]!.variant, 'rate');
    assert.equal(m.services[0]!.rate?.inBytesPerSecond.value, 234);
    assert.equal(m.services[0]!.realServers[0]!.rate?.outBytesPerSecond.value, 113);
    assert.equal(m.services[0]!.realServers[0]!.variant, 'rate');
  });

  it('without a header reads five numeric columns as stats, says so, and follows a --rate prompt', () => {
    const body = 'TCP  10.0.0.1:80          1        4        2      234      268\n';
    const m = parseIpvsadm(body);
    assert.equal(m.sections[0]!.variant, 'stats');
    assert.equal(m.problems[0]?.code, 'parse/ipvsadm-ambiguous-columns');
    const hinted = parseIpvsadm(`$ ipvsadm -Ln --rate\n${body}`);
    assert.equal(hinted.sections[0]!.variant, 'rate');
    assert.deepEqual(hinted.problems, []);
    assert.equal(hinted.sections[0]!.command?.text.value, 'ipvsadm -Ln --rate');
  });
});

describe('ipvsadm --thresholds and --persistent-conn', () => {
  it('reads their four columns', () => {
    const text = [
      'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn',
      '  -> RemoteAddress:Port',
      'TCP  10.0.0.1:80 rr',
      '  -> 10.1.0.1:80                  100        50         7          9',
      'Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn',
      '  -> RemoteAddress:Port',
      'TCP  10.0.0.1:80 rr persistent 60',
      '  -> 10.1.0.1:80                  1         12          7          9',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.sections.map((s) => s.variant), ['thresholds', 'persistent-conn']);
    const t = m.sections[0]!.services[0]!.realServers[0]!;
    assert.equal(t.upperThreshold?.value, 100);
    assert.equal(t.lowerThreshold?.value, 50);
    const p = m.sections[1]!.services[0]!.realServers[0]!;
    assert.equal(p.persistConn?.value, 12);
    assert.equal(p.weight?.value, 1);
    assert.equal(at(text, p.persistConn?.span), '12');
  });
});

describe('ipvsadm -L with names (no -n)', () => {
  it('accepts host and service names, keeps the raw text and flags 28-character truncation', () => {
    const text = [
      'TCP  kubernetes.default.svc.cluster.local:https rr',
      '  -> master-1.example.internal:6443 Masq    1      0          0',
      'TCP  ip-10-0-62-121.ec2.internal: rr',
    ].join('\n');
    const m = parseIpvsadm(text);
    const a = m.services[0]!.address!;
    assert.equal(a.family, 'name');
    assert.equal(a.host.value, 'kubernetes.default.svc.cluster.local');
    assert.equal(a.portName?.value, 'https');
    assert.equal(at(text, a.portName?.span), 'https');
    assert.equal(a.port, undefined);
    assert.equal(a.truncated, false);
    assert.equal(m.sections[0]!.resolvedNames, true);
    const rs = m.services[0]!.realServers[0]!;
    assert.equal(rs.address.host.value, 'master-1.example.internal');
    assert.equal(rs.address.port?.value, 6443);
    const cut = m.services[1]!.address!;
    assert.equal(cut.truncated, true);
    assert.equal(cut.port, undefined);
    const p = m.problems.find((x) => x.code === 'parse/ipvsadm-truncated');
    assert.ok(p);
    assert.equal(at(text, p.span), 'ip-10-0-62-121.ec2.internal:');
    assert.match(p.message, /port was cut off/);
  });
});

describe('ipvsadm -Sn / ipvsadm-save', () => {
  it('reads -A/-a lines with their options and attaches servers to services', () => {
    const text = [
      '-A -t 10.96.0.1:443 -s rr -p 10800',
      '-a -t 10.96.0.1:443 -r 192.168.1.10:6443 -m -w 1',
      '-A -u [fd00::10]:53 -s sh -b sh-fallback,sh-port -o',
      '-a -u [fd00::10]:53 -r [fd00::3]:53 -g -w 0 -x 100 -y 50',
      '-A -f 7 -6 -s wlc -p -M 64',
      '-a -f 7 -6 -r [fd00::4] -i -w 3',
      '-a -t 10.96.0.99:80 -r 10.1.1.1:80 -m -w 1',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.equal(m.sections.length, 1);
    assert.equal(m.sections[0]!.variant, 'save');
    const [a, b, c] = m.services;
    assert.equal(a!.protocol.value, 'TCP');
    assert.equal(at(text, a!.protocol.span), '-t');
    assert.equal(a!.scheduler?.value, 'rr');
    assert.equal(a!.persistence?.timeout?.value, 10800);
    assert.equal(at(text, a!.persistence?.span), '-p 10800');
    const rs = a!.realServers[0]!;
    assert.equal(rs.forward?.value, 'Masq');
    assert.equal(at(text, rs.forward?.span), '-m');
    assert.equal(rs.weight?.value, 1);
    assert.equal(at(text, rs.weight?.span), '1');
    assert.equal(b!.protocol.value, 'UDP');
    assert.equal(b!.address?.ip, 'fd00::10');
    assert.deepEqual(b!.schedulerFlags.map((f) => f.value), ['sh-fallback', 'sh-port']);
    assert.equal(at(text, b!.onePacket), '-o');
    const r2 = b!.realServers[0]!;
    assert.equal(r2.forward?.value, 'Route');
    assert.equal(r2.weight?.value, 0);
    assert.equal(r2.upperThreshold?.value, 100);
    assert.equal(r2.lowerThreshold?.value, 50);
    assert.equal(c!.protocol.value, 'FWM');
    assert.equal(c!.fwmark?.value, 7);
    assert.equal(c!.family, 'ipv6');
    assert.equal(c!.persistence?.timeout, undefined, 'bare -p: default timeout');
    assert.equal(c!.netmask?.value, '64');
    assert.equal(c!.realServers[0]!.forward?.value, 'Tunnel');
    assert.equal(c!.realServers[0]!.address.port, undefined, 'port is optional in save format');
    // the last -a has no -A: kept as orphan with a problem on its line
    assert.equal(m.sections[0]!.orphanRealServers.length, 1);
    const p = m.problems.find((x) => x.code === 'parse/ipvsadm-orphan-row');
    assert.ok(p);
    assert.equal(at(text, p.span), '-a -t 10.96.0.99:80 -r 10.1.1.1:80 -m -w 1');
    assert.equal(m.problems.length, 1);
  });
});

describe('/proc/net/ip_vs, ip_vs_conn, ip_vs_stats', () => {
  it('decodes hex addresses, ports, fwmarks and persistence masks', () => {
    const text = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn',
      'FWM  0000000A rr ',
      '  -> 0A000001:0000      Route   1      0          0         ',
      'TCP  0A600001:01BB rr ops persistent 10800 FFFFFF00',
      '  -> 0AF40105:1F90      Masq    1      2          3         ',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    assert.equal(m.sections[0]!.variant, 'proc');
    const [f, t] = m.services;
    assert.equal(f!.fwmark?.value, 10);
    assert.equal(f!.fwmark?.raw, '0000000A');
    assert.equal(t!.address?.ip, '10.96.0.1');
    assert.equal(t!.address?.port?.value, 443);
    assert.equal(t!.address?.encoding, 'hex');
    assert.equal(at(text, t!.address?.port?.span), '01BB');
    assert.equal(t!.persistence?.timeout?.value, 10800);
    assert.equal(t!.netmask?.value, '255.255.255.0');
    assert.equal(at(text, t!.netmask?.span), 'FFFFFF00');
    assert.ok(t!.onePacket);
    assert.equal(t!.realServers[0]!.address.ip, '10.244.1.5');
    assert.equal(t!.realServers[0]!.address.port?.value, 8080);
    assert.equal(t!.realServers[0]!.variant, 'proc');
  });

  it('reads /proc/net/ip_vs_conn into a connection table', () => {
    const text = [
      'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData',
      'TCP 0AF40203 D431 0A600001 01BB C0A8010A 192B ESTABLISHED     899',
      'UDP 0AF40203 8F01 0A60000A 0035 0AF40103 0035 UDP             299',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    const c = m.connectionTables[0]!;
    assert.equal(c.variant, 'proc-connections');
    assert.equal(c.total, 2);
    const e = c.entries[0]!;
    assert.equal(e.source.ip, '10.244.2.3');
    assert.equal(e.source.port?.value, 54321);
    assert.equal(at(text, e.source.span), '0AF40203 D431');
    assert.equal(at(text, e.source.port?.span), 'D431');
    assert.equal(e.virtual.ip, '10.96.0.1');
    assert.equal(e.destination.port?.value, 6443);
    assert.equal(e.expire.value, 899);
    assert.deepEqual(c.byVirtual.map((v) => [v.protocol, v.virtual, v.count]), [
      ['TCP', '10.96.0.1:443', 1],
      ['UDP', '10.96.0.10:53', 1],
    ]);
  });

  it('reads /proc/net/ip_vs_stats totals and rates in hex', () => {
    const text = [
      '   Total Incoming Outgoing         Incoming         Outgoing',
      '   Conns  Packets  Packets            Bytes            Bytes',
      '      1F       FF        0              100                0',
      '',
      ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s',
      '       1        A        0               10                0',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    const g = m.globalStats[0]!;
    assert.equal(g.totals?.conns.value, 31);
    assert.equal(g.totals?.inPackets.value, 255);
    assert.equal(g.totals?.inBytes.value, 256);
    assert.equal(g.rates?.inPacketsPerSecond.value, 10);
    assert.equal(at(text, g.rates?.inBytesPerSecond.span), '10');
  });
});

describe('ipvsadm -Lnc connection table', () => {
  const rows = [
    'IPVS connection entries',
    'pro expire state       source             virtual            destination',
    'TCP 14:59  ESTABLISHED 10.244.1.5:51234   10.96.0.1:443      192.168.1.10:6443',
    'TCP 01:58  TIME_WAIT   10.244.1.6:40000   10.96.0.1:443      192.168.1.10:6443',
    'TCP 00:59  NONE        10.244.1.6:0       10.96.0.1:0        192.168.1.11:0',
    'UDP 04:58  UDP         10.244.1.5:40001   10.96.0.10:53      10.244.0.3:53',
  ];
  it('keeps entries with spans and counts per state, virtual and destination', () => {
    const text = rows.join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    const c = m.connectionTables[0]!;
    assert.equal(c.total, 4);
    assert.deepEqual([...c.byState], [
      ['ESTABLISHED', 1],
      ['TIME_WAIT', 1],
      ['NONE', 1],
      ['UDP', 1],
    ]);
    const v = c.byVirtual.find((x) => x.virtual === '10.96.0.1:443')!;
    assert.equal(v.count, 2);
    assert.equal(v.byState.get('TIME_WAIT'), 1);
    assert.equal(at(text, v.firstSeen), rows[2]);
    const d = c.byDestination.find((x) => x.destination === '192.168.1.10:6443')!;
    assert.equal(d.count, 2);
    const e = c.entries[1]!;
    assert.equal(e.expire.value, 118);
    assert.equal(at(text, e.expire.span), '01:58');
    assert.equal(at(text, e.state.span), 'TIME_WAIT');
    assert.equal(at(text, e.destination.span), '192.168.1.10:6443');
    assert.equal(at(text, c.header), rows.slice(0, 2).join('\n'));
  });

  it('bounds the entries it keeps but counts them all', () => {
    const n = IPVS_LIMITS.connectionEntries + 250;
    const lines = [rows[0]!, rows[1]!];
    for (let i = 0; i < n; i++) lines.push(`TCP 14:59  ESTABLISHED 10.1.${i >> 8}.${i & 255}:1000   10.96.0.1:443      10.2.0.1:80`);
    const m = parseIpvsadm(lines.join('\n'));
    const c = m.connectionTables[0]!;
    assert.equal(c.total, n);
    assert.equal(c.entries.length, IPVS_LIMITS.connectionEntries);
    assert.equal(c.omittedEntries, 250);
    assert.equal(c.byVirtual[0]!.count, n);
  });
});

describe('timeouts and daemons', () => {
  it('reads Timeout (tcp tcpfin udp)', () => {
    const text = 'Timeout (tcp tcpfin udp): 900 120 300\n';
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    const t = m.timeouts[0]!;
    assert.equal(t.tcp?.value, 900);
    assert.equal(t.tcpFin?.value, 120);
    assert.equal(t.udp?.value, 300);
    assert.equal(at(text, t.tcpFin?.span), '120');
  });

  it('reports a timeout line cut short and keeps what it read', () => {
    const text = 'Timeout (tcp tcpfin udp): 900 12';
    const m = parseIpvsadm(text);
    assert.equal(m.timeouts[0]!.tcpFin?.value, 12);
    assert.equal(m.timeouts[0]!.udp, undefined);
    assert.equal(m.problems[0]!.code, 'parse/ipvsadm-truncated');
    assert.match(m.problems[0]!.message, /udp missing/);
  });

  it('reads sync daemon lines', () => {
    const text = 'master sync daemon (mcast=eth0, syncid=7)\nbackup sync daemon (mcast=eth1, syncid=8)';
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    const d = m.sections[0]!.daemons;
    assert.equal(d.length, 2);
    assert.equal(d[0]!.role.value, 'master');
    assert.equal(at(text, d[0]!.mcastInterface?.span), 'eth0');
    assert.equal(d[1]!.syncId?.value, 8);
    assert.equal(at(text, d[1]!.syncId?.span), '8');
  });
});

describe('several outputs in one paste', () => {
  it('splits into sections and records each variant', () => {
    const text = [
      '$ ipvsadm -Ln',
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  10.96.0.1:443 rr',
      '  -> 192.168.1.10:6443            Masq    1      3          0',
      '$ ipvsadm -Ln --stats',
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
      '  -> RemoteAddress:Port',
      'TCP  10.96.0.1:443                      9       90       80     9000     8000',
      '  -> 192.168.1.10:6443                  9       90       80     9000     8000',
      'Timeout (tcp tcpfin udp): 900 120 300',
      'IPVS connection entries',
      'pro expire state       source             virtual            destination',
      'TCP 14:59  ESTABLISHED 10.244.1.5:51234   10.96.0.1:443      192.168.1.10:6443',
      '-A -t 10.96.0.1:443 -s rr',
      '-a -t 10.96.0.1:443 -r 192.168.1.10:6443 -m -w 1',
    ].join('\n');
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.sections.map((s) => s.variant), ['list', 'stats', 'timeout', 'connections', 'save']);
    assert.deepEqual(m.services.map((s) => s.variant), ['list', 'stats', 'save']);
    assert.equal(m.sections[1]!.command?.text.value, 'ipvsadm -Ln --stats');
    assert.equal(m.commands.length, 2);
    assert.equal(m.services[1]!.realServers[0]!.stats?.inBytes.value, 9000);
  });
});

describe('ragged, truncated and elided input', () => {
  it('reads rows with tabs and trailing whitespace at exact positions', () => {
    const text = 'TCP  [2001::2]:80 wrr\n  -> 10.1.1.1:80   \t  FullNat 0      0          6          inhibited   \n';
    const m = parseIpvsadm(text);
    assert.deepEqual(m.problems, []);
    const rs = m.services[0]!.realServers[0]!;
    assert.equal(rs.forward?.value, 'FullNat');
    assert.equal(at(text, rs.forward?.span), 'FullNat');
    assert.equal(rs.inActConn?.value, 6);
    assert.deepEqual(rs.extra.map((e) => e.value), ['inhibited']);
  });

  it('reads a truncated row as far as it goes and reports the rest', () => {
    const text = 'TCP  192.168.1.2:32502 rr\n  -> 11.0.3.9:80                  Masq    0';
    const m = parseIpvsadm(text);
    const rs = m.services[0]!.realServers[0]!;
    assert.equal(rs.forward?.value, 'Masq');
    assert.equal(rs.weight?.value, 0);
    assert.equal(rs.activeConn, undefined);
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]!.code, 'parse/ipvsadm-truncated');
    assert.match(m.problems[0]!.message, /ActiveConn, InActConn missing/);
  });

  it('reports a non-number in a number column on that token', () => {
    const text = 'TCP  10.0.0.1:80 rr\n  -> 10.1.1.1:80   Masq    x1      0          6';
    const m = parseIpvsadm(text);
    const p = m.problems.find((x) => x.code === 'parse/ipvsadm-bad-value')!;
    assert.equal(at(text, p.span), 'x1');
    assert.equal(m.services[0]!.realServers[0]!.weight, undefined);
    assert.equal(m.services[0]!.realServers[0]!.inActConn?.value, 6);
  });

  it("detaches rows after an elided '...' line and reports both", () => {
    const text = 'TCP  10.0.0.1:80 rr\n  -> 10.1.1.1:80   Masq 1 0 0\n  ...\n  -> 10.1.1.9:80   Masq 1 0 0\n';
    const m = parseIpvsadm(text);
    assert.equal(m.services[0]!.realServers.length, 1);
    assert.equal(m.sections[0]!.orphanRealServers.length, 1);
    assert.deepEqual(m.problems.map((p) => p.code), ['parse/ipvsadm-elided', 'parse/ipvsadm-orphan-row']);
    assert.match(m.problems[1]!.message, /after an elided/);
  });

  it('reports bad addresses and out-of-range ports on their text', () => {
    const text = 'TCP  10.0.0.1:99999 rr\n  -> 10.1.1.1:80   Masq 1 0 0\nTCP  bad/host:80 rr\n';
    const m = parseIpvsadm(text);
    const ps = m.problems.filter((p) => p.code === 'parse/ipvsadm-bad-value').map((p) => at(text, p.span));
    assert.deepEqual(ps, ['99999', 'bad/host']);
  });

  it('reports unrecognised lines on their trimmed text', () => {
    const text = 'TCP  10.0.0.1:80 rr\n   hello world   \n';
    const m = parseIpvsadm(text);
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]!.code, 'parse/ipvsadm-syntax');
    assert.equal(at(text, m.problems[0]!.span), 'hello world');
  });
});
