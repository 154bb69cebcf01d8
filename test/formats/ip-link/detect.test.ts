import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectKind } from '../../../server/src/formats/detect';
import { readFixture } from '../../helpers/golden';
import { fixtureNames } from './support';

describe('iproute2 dumps are detected by content', () => {
  for (const kind of ['ip-link', 'ip-addr', 'ip-route', 'ip-rule', 'bridge-link']) {
    for (const name of fixtureNames(kind)) {
      it(`${kind}/${name} → ${kind} under a meaningless name`, () => {
        assert.equal(detectKind(readFixture(`${kind}/${name}`), 'node3.txt').kind, kind);
      });
    }
  }

  it('ifconfig output is read as ip-link; file names decide only for silent content', () => {
    assert.equal(detectKind('eth0      Link encap:Ethernet  HWaddr 52:54:00:12:34:56\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n', 'x.txt').kind, 'ip-link');
    assert.equal(detectKind('cni0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1450\n', 'x.txt').kind, 'ip-link');
    assert.equal(detectKind('', 'ip-d-link.txt').kind, 'ip-link');
    assert.equal(detectKind('', 'ip-d-addr.txt').kind, 'ip-addr');
    assert.equal(detectKind('', 'ip-route.txt').kind, 'ip-route');
    assert.equal(detectKind('', 'ip-rule.txt').kind, 'ip-rule');
    assert.equal(detectKind('', 'bridge-d-link.txt').kind, 'bridge-link');
  });

  it('does not claim other kinds\' dumps', () => {
    assert.equal(detectKind('net.ipv4.conf.cni0.forwarding = 1\nnet.ipv4.ip_forward = 1\n', 'x.txt').kind, 'sysctl');
    assert.equal(detectKind('*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n', 'x.txt').kind, 'iptables');
  });
});
