import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lintText } from '../../helpers/ruleTester';
import { applyMutation, mutation } from '../../helpers/mutations';
import { capturedNode } from './support';

const RULES = ['netdev/forwarding-disabled', 'netdev/hairpin-off', 'netdev/overlay-mtu-exceeds-underlay', 'netdev/veth-without-master'];
const SYSCTL = { path: 'node/sysctl-a.txt', text: 'net.ipv4.conf.cni0.forwarding = 0\nnet.ipv4.conf.flannel/1.forwarding = 0\nnet.ipv4.ip_forward = 1\n' };
const TOKENS = ['\n', ' mtu ', ' master ', ' dev ', ' local ', '    vxlan ', '    veth ', '    bridge ', ' hairpin off', 'default ', ' = 0', '@if', '\u0000', '\r\n', '9: x: <UP>'];

describe('netdev rules on mutated kernel captures', () => {
  it('never throw, and every finding and related span lies inside its document (rule crashes are rethrown by the tester)', () => {
    const node = [...capturedNode('mtu-mismatch', 'none'), SYSCTL];
    fc.assert(
      fc.property(fc.nat({ max: node.length - 1 }), fc.array(mutation(TOKENS), { minLength: 1, maxLength: 6 }), (which, ops) => {
        const files = node.map((f, i) => (i === which ? { ...f, text: ops.reduce((t, op) => applyMutation(t, op), f.text) } : f));
        for (const target of files) {
          const { doc, reports } = lintText(target.text, { path: target.path, node: files.filter((f) => f !== target), only: RULES });
          for (const r of reports) {
            assert.ok(r.span.start >= 0 && r.span.end <= doc.text.length && r.span.start <= r.span.end);
            for (const rel of r.related) assert.ok(rel.span.start >= 0 && rel.span.end <= rel.document.text.length);
          }
        }
      }),
      { numRuns: 60, seed: 16 },
    );
  });
});
