import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EditFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, splitAnnotated } from '../../helpers/ruleTester';

const RULE = 'flannel/mtu-too-large';
const opts = { path: 'node/kube-flannel.yml' };
const cm = (backend: string, marker = ''): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-flannel-cfg
data:
  net-conf.json: |
    {
      "Network": "10.244.0.0/16",
      "Backend": ${backend}
${marker}    }
`;

describe(RULE, () => {
  it('fires (info, underlay assumed 1500) on a vxlan MTU of 1500', () => {
    const [r] = expectFindings([RULE], cm('{ "Type": "vxlan", "MTU": 1500 }', `${' '.repeat(43)}^^^^ ${RULE}\n`), opts);
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'tooLargeUnlessJumbo', { mtu: 1500, overhead: 50, backend: 'vxlan', underlay: 1500, jumbo: 9000, jumboMax: 8950 });
  });

  it('is a warning when the MTU is too large even for jumbo frames, and knows the other backends', () => {
    const [r] = expectFindings([RULE], cm('{ "Type": "vxlan", "MTU": 9000 }', `${' '.repeat(43)}^^^^ ${RULE}\n`), opts);
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'tooLargeEvenForJumbo', { jumbo: 9000, jumboMax: 8950 });
    const [w] = expectFindings([RULE], cm('{ "Type": "WireGuard", "MTU": 1440 }', `${' '.repeat(47)}^^^^ ${RULE}\n`), opts);
    expectMessage(w, 'tooLargeUnlessJumbo', { overhead: 80, backend: 'wireguard' });
  });

  it('does not fire on a fitting MTU, no MTU, or backends without encapsulation', () => {
    for (const b of ['{ "Type": "vxlan", "MTU": 1450 }', '{ "Type": "wireguard", "MTU": 1420 }', '{ "Type": "vxlan" }', '{ "Type": "host-gw", "MTU": 1500 }', '{ "Type": "udp", "MTU": 1472 }']) {
      expectFindings([RULE], cm(b), opts);
    }
  });

  it('fixes by writing underlay − overhead into the embedded JSON (unsafe), byte for byte, CRLF kept', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = splitAnnotated(cm('{ "Type": "vxlan", "MTU": 1500 }')).text.replace(/\n/g, eol);
      const [r] = lintText(text, opts).reports.filter((x) => x.ruleId === RULE);
      const fix = r!.fixes[0] as EditFix;
      assert.equal(fix.safe, false);
      assert.equal(fix.title, 'Set MTU to 1450 (1500-byte underlay minus 50), or remove it to let flannel compute it');
      const fixed = applyEdits(text, fix.edits);
      assert.equal(fixed, text.replace('"MTU": 1500', '"MTU": 1450'));
      assert.equal(lintText(fixed, opts).reports.filter((x) => x.ruleId === RULE).length, 0);
    }
  });
});
