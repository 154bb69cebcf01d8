import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar, timeLine } from './tokenize';
import { assertScope, tokensOf } from './scopes';
import type { ScopeCase } from './scopes';

const grammars: Record<string, IGrammar> = {};
before(async () => {
  for (const id of ['ip-link', 'ip-addr', 'ip-route', 'ip-rule', 'bridge-link']) grammars[id] = await loadGrammar(`source.${id}`);
});
const check = (id: string, cases: readonly ScopeCase[]): void => cases.forEach((c) => assertScope(grammars[id]!, c));

const HEADER = '5: veth1a2b3c4d@if2: <NO-CARRIER,BROADCAST,UP> mtu 1450 qdisc noqueue master cni0 state LOWERLAYERDOWN mode DEFAULT group default qlen 1000';

describe('iproute2 grammars', () => {
  it('ip link: header index, interface, peer, flags (up / down coloured apart), mtu, master, state', () => {
    check('ip-link', [
      [HEADER, '5', 'constant.numeric.index.ip-link'],
      [HEADER, 'veth1a2b3c4d', 'entity.name.section.interface.ip-link'],
      [HEADER, 'if2', 'variable.other.peer.ip-link'],
      [HEADER, 'UP', 'markup.inserted.up.ip-link'],
      [HEADER, 'NO-CARRIER', 'markup.deleted.down.ip-link'],
      [HEADER, 'BROADCAST', 'constant.language.flag.ip-link'],
      [HEADER, 'mtu', 'keyword.other.key.mtu.ip-link'],
      [HEADER, '1450', 'constant.numeric.integer.mtu.ip-link'],
      [HEADER, 'cni0', 'variable.other.interface.ip-link'],
      [HEADER, 'LOWERLAYERDOWN', 'markup.deleted.down.ip-link'],
      [HEADER, 'qdisc', 'keyword.other.key.ip-link'],
    ]);
  });

  it('ip link -d: link type, MAC, the kind line, vxlan keys and keywords, hairpin on/off apart', () => {
    const vx = '    vxlan id 1 local 192.168.56.10 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto';
    check('ip-link', [
      ['    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0', 'link/ether', 'storage.type.link.ip-link'],
      ['    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0', '2e:7f:00:00:00:01', 'constant.other.mac-address.ip-link'],
      [vx, 'vxlan', 'entity.name.type.kind.ip-link'],
      [vx, '192.168.56.10', 'constant.numeric.ip-address.ip-link'],
      [vx, 'eth0', 'variable.other.interface.ip-link'],
      [vx, 'dstport', 'keyword.other.key.ip-link'],
      [vx, 'nolearning', 'storage.modifier.flag.ip-link'],
      ['    bridge_slave state forwarding priority 32 cost 2 hairpin on guard off', 'bridge_slave', 'entity.name.type.kind.ip-link'],
      ['    bridge_slave state forwarding priority 32 cost 2 hairpin on guard off', 'forwarding', 'markup.inserted.up.ip-link'],
    ]);
    const on = tokensOf(grammars['ip-link']!, '    hairpin on').find((t) => t.text === 'on');
    const off = tokensOf(grammars['ip-link']!, '    hairpin off').find((t) => t.text === 'off');
    assert.ok(on?.scopes.includes('markup.inserted.on.ip-link'));
    assert.ok(off?.scopes.includes('markup.deleted.off.ip-link'));
  });

  it('ip addr: family, address with prefix, scope, flags', () => {
    const a = '    inet 10.128.0.2/32 brd 10.128.0.2 scope global dynamic ens4';
    check('ip-addr', [
      [a, 'inet', 'storage.type.family.ip-addr'],
      [a, '10.128.0.2/32', 'constant.numeric.ip-address.ip-addr'],
      [a, 'scope', 'keyword.other.key.ip-addr'],
      [a, 'dynamic', 'storage.modifier.flag.ip-addr'],
      ['    inet6 fe80::5054:ff:fe12:3456/64 scope link', 'fe80::5054:ff:fe12:3456/64', 'constant.numeric.ip-address.ip-addr'],
    ]);
  });

  it('ip route: type, destination, device, table, onlink, multipath', () => {
    const r = '10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink';
    check('ip-route', [
      [r, '10.244.1.0/24', 'constant.numeric.ip-address.ip-route'],
      [r, 'via', 'keyword.other.key.ip-route'],
      [r, 'flannel.1', 'variable.other.interface.ip-route'],
      [r, 'onlink', 'storage.modifier.flag.ip-route'],
      ['default via 192.168.56.1 dev eth0 proto dhcp metric 100', 'default', 'constant.language.default.ip-route'],
      ['local 10.244.0.1 dev cni0 table local proto kernel scope host', 'local', 'keyword.control.route-type.ip-route'],
      ['local 10.244.0.1 dev cni0 table local proto kernel scope host', 'local', 'entity.name.section.table.ip-route', 1],
      ['\tnexthop via 10.0.0.1 dev eth0 weight 1', 'nexthop', 'keyword.control.nexthop.ip-route'],
    ]);
  });

  it('ip rule: priority, selectors, lookup table, detached', () => {
    const r = '200:\tfrom all fwmark 0x4000/0x4000 lookup 200';
    check('ip-rule', [
      [r, '200', 'constant.numeric.priority.ip-rule'],
      [r, 'from', 'keyword.other.key.ip-rule'],
      [r, 'all', 'constant.language.all.ip-rule'],
      [r, '0x4000/0x4000', 'constant.numeric.ip-rule'],
      [r, 'lookup', 'keyword.control.lookup.ip-rule'],
      [r, '200', 'entity.name.section.table.ip-rule', 1],
      ['5:\tfrom all iif wg0 [detached] lookup main', '[detached]', 'invalid.deprecated.detached.ip-rule'],
      ['5:\tfrom all iif wg0 [detached] lookup main', 'wg0', 'variable.other.interface.ip-rule'],
    ]);
  });

  it('bridge link: port, master, STP state, hairpin', () => {
    const h = '5: veth1a2b3c4d@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2';
    check('bridge-link', [
      [h, 'veth1a2b3c4d', 'entity.name.section.interface.bridge-link'],
      [h, 'cni0', 'variable.other.interface.bridge-link'],
      [h, 'forwarding', 'markup.inserted.up.bridge-link'],
      ['    hairpin off guard off', 'hairpin', 'keyword.other.key.bridge-link'],
      ['    hairpin off guard off', 'off', 'markup.deleted.off.bridge-link'],
    ]);
  });

  it('adversarial long lines scale linearly in every iproute2 grammar', () => {
    const shapes = (n: number): string[] => [
      `1: a: <${'X,'.repeat(n / 2)}> mtu 1`,
      'a:'.repeat(n / 2),
      `    ${'hairpin '.repeat(n / 8)}`,
      `${'1.'.repeat(n / 2)}/24 dev`,
      `0: ${'from '.repeat(n / 5)}`,
      `${'f'.repeat(n)}:`,
      ` ${'0x4000/'.repeat(n / 7)}`,
    ];
    const small = shapes(5000);
    const large = shapes(20000);
    for (const [id, g] of Object.entries(grammars)) {
      small.forEach((line, i) => {
        const a = timeLine(g, line);
        const b = timeLine(g, large[i]!);
        // Quadratic behaviour would be ~16x; allow noise. Tiny absolute times are not meaningful.
        assert.ok(b < 60 || b < 9 * a, `${id} shape #${i}: ${a.toFixed(1)} ms at 5k chars, ${b.toFixed(1)} ms at 20k chars`);
      });
    }
  });
});
