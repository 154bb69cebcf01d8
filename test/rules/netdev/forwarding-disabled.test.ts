import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { capturedNode } from './support';

const RULE = 'netdev/forwarding-disabled';
const node = capturedNode('flannel-node', 'none');
const opts = { path: 'node/sysctl-a.txt', node };

describe(RULE, () => {
  it('fires on forwarding = 0 for the CNI bridge and the vxlan device seen in ip link (flannel/1 spelling), and turns it on', () => {
    const text = `net.ipv4.conf.all.forwarding = 1
net.ipv4.conf.cni0.forwarding = 0
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.conf.eth0.forwarding = 1
net.ipv4.conf.flannel/1.forwarding = 0
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
net.ipv4.ip_forward = 1
`;
    const [a, b] = expectFindings([RULE], text, opts);
    expectMessage(a, 'forwardingOff', { key: 'net.ipv4.conf.cni0.forwarding', iface: 'cni0', role: 'the CNI bridge', where: 'node/ip-d-link.txt:9', withheld: '' });
    expectMessage(b, 'forwardingOff', { iface: 'flannel.1', role: 'the vxlan overlay device' });
    const fix = a!.fixes[0] as CommandFix;
    assert.equal(fix.safe, true);
    assert.equal(scriptOf(fix), 'sysctl -w net.ipv4.conf.cni0.forwarding=1\n# Devices created later copy net.ipv4.conf.default.forwarding: set it to 1 in /etc/sysctl.d too, or keep net.ipv4.ip_forward = 1 there.');
    assert.equal(scriptOf(b!.fixes[0] as CommandFix).split('\n')[0], 'sysctl -w net.ipv4.conf.flannel/1.forwarding=1');
  });

  it('the last value of a key decides', () => {
    expectFindings([RULE], 'net.ipv4.conf.cni0.forwarding = 0\nnet.ipv4.conf.cni0.forwarding = 1\n', opts);
  });

  it('does not fire for devices that are not the pod network, unseen devices, or without ip link', () => {
    expectFindings([RULE], 'net.ipv4.conf.eth0.forwarding = 0\nnet.ipv4.conf.lo.forwarding = 0\nnet.ipv4.conf.docker0.forwarding = 0\nnet.ipv4.conf.cni9.forwarding = 0\n', opts);
    expectFindings([RULE], 'net.ipv4.conf.cni0.forwarding = 0\n', { path: 'node/sysctl-a.txt', node: [] });
  });
});
