import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEthtool } from '../../../server/src/formats/ethtool';
import { ethtoolHover, ethtoolOutline } from '../../../server/src/formats/ethtool/hover';

const text = 'Features for flannel.1:\ntx-checksumming: on\n\ttx-checksum-ipv4: off [fixed]\n\ttx-checksum-ip-generic: on\ngeneric-receive-offload: on\n';
const model = parseEthtool(text);
const at = (needle: string, d = 1): number => text.indexOf(needle) + d;

describe('ethtool hover and outline', () => {
  it('explains overlay features, with the VXLAN checksum bug on tx-checksum-ip-generic', () => {
    const h = ethtoolHover(model, at('tx-checksum-ip-generic'))!;
    assert.equal(text.slice(h.span.start, h.span.end), 'tx-checksum-ip-generic');
    assert.match(h.markdown, /on — part of `tx-checksumming`/);
    assert.match(h.markdown, /63-second bug/);
  });

  it('explains a state with the command that changes it, and [fixed]', () => {
    assert.match(ethtoolHover(model, at('generic: on', 9))!.markdown, /`ethtool -K flannel\.1 tx-checksum-ip-generic off`/);
    assert.match(ethtoolHover(model, at('[fixed]'))!.markdown, /does not allow changing/);
  });

  it('outlines interfaces and their feature groups', () => {
    const o = ethtoolOutline(model);
    assert.equal(o[0]!.name, 'flannel.1');
    assert.deepEqual(o[0]!.children!.map((c) => c.name), ['tx-checksumming', 'generic-receive-offload']);
    assert.equal(text.slice(o[0]!.children![0]!.span.start, o[0]!.children![0]!.span.end).split('\n').length, 3);
  });
});
