import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { readFixture } from '../../helpers/golden';
import { expectFindings, expectMessage, type NodeFile } from '../../helpers/ruleTester';
import { mark } from './support';

const RULE = 'netdev/hairpin-off';
const FLANNEL_CM: NodeFile = {
  path: 'node/kube-flannel-cfg.yaml',
  text: `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-flannel-cfg
  namespace: kube-flannel
data:
  cni-conf.json: |
    {
      "name": "cbr0",
      "cniVersion": "0.3.1",
      "plugins": [
        { "type": "flannel", "delegate": { "hairpinMode": true, "isDefaultGateway": true } },
        { "type": "portmap", "capabilities": { "portMappings": true } }
      ]
    }
`,
};

describe(RULE, () => {
  it('fires on the captured port with hairpin off when another port of cni0 has it on, and turns it on (safe)', () => {
    const text = readFixture('bridge-link/flannel-node-bridge-d-link-real.txt');
    const annotated = mark(text, 'hairpin off', 'off', RULE);
    const [r] = expectFindings([RULE], annotated, { path: 'node/bridge-d-link.txt' });
    expectMessage(r, 'siblingsHairpin', { port: 'veth5e6f7a8b', bridge: 'cni0', sibling: 'veth1a2b3c4d', where: 'node/bridge-d-link.txt:2' });
    const fix = r!.fixes[0] as CommandFix;
    assert.equal(fix.safe, true);
    assert.equal(scriptOf(fix), 'bridge link set dev veth5e6f7a8b hairpin on');
  });

  it('fires when every port is off but flannel\'s CNI config asks for hairpinMode', () => {
    const text = `5: veth1a2b3c4d@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2
    hairpin off guard off root_block off
            ^^^ ${RULE}
`;
    const [r] = expectFindings([RULE], text, { path: 'node/bridge-d-link.txt', node: [FLANNEL_CM] });
    expectMessage(r, 'configAsksHairpin', { config: 'node/kube-flannel-cfg.yaml', setting: '"hairpinMode": true' });
    assert.equal(r!.related[0]!.document.path, 'node/kube-flannel-cfg.yaml');
  });

  it('does not fire without evidence of reliance, on docker0, or without -d (hairpin unknown)', () => {
    const off = '5: veth1a2b3c4d@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2 \n    hairpin off guard off\n';
    expectFindings([RULE], off, { path: 'node/bridge-d-link.txt' });
    const docker = '5: veth1@if4: <UP> mtu 1500 master docker0 state forwarding priority 32 cost 2\n    hairpin off\n6: veth2@if6: <UP> mtu 1500 master docker0 state forwarding priority 32 cost 2\n    hairpin on\n';
    expectFindings([RULE], docker, { path: 'node/bridge-d-link.txt', node: [FLANNEL_CM] });
    expectFindings([RULE], readFixture('bridge-link/flannel-node-bridge-link-no-d-real.txt'), { path: 'node/bridge-link.txt', node: [FLANNEL_CM] });
  });
});
