import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix, splitAnnotated } from '../../helpers/ruleTester';
import { acrossFixtures, lintNodeFolder } from './nodeFolders';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'iptables/kube-postrouting-stale-rule';
const DOUBLE = 'iptables/kube-postrouting-double-snat';
const DUP = 'iptables/duplicate-rule';
const VXLAN = { path: 'node/ethtool-k-flannel.1.txt', text: 'Features for flannel.1:\ntx-checksumming: on\n' };

const AHEAD = `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully
                                                                                             ^^^^^^^^^^^^^^^^^^^^ ${RULE}
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
COMMIT
`;

describe(RULE, () => {
  it('fires on the old rule ahead of the new ones: an error on a VXLAN node, a warning otherwise', () => {
    const [vx] = expectFindings([RULE, DOUBLE], AHEAD, { node: [VXLAN] });
    assert.equal(vx!.severity, 'error');
    expectMessage(vx, 'oldRuleFirstOnVxlan', { clearLine: 7, flush: 'iptables -t nat -F KUBE-POSTROUTING' });
    assert.match(String(vx!.data!.vxlan), /^the node has VXLAN device flannel\.1/);
    assert.deepEqual(vx!.related.map((r) => r.message), ['the new rule that clears the masquerade mark', 'VXLAN device flannel.1']);
    const [plain] = expectFindings([RULE, DOUBLE], AHEAD);
    assert.equal(plain!.severity, 'warning');
    expectMessage(plain, 'oldRuleFirst');
    assert.match(String(plain!.data!.vxlan), /no VXLAN overlay was seen/);
  });

  it('fires as a warning on a dead old rule after the new ones', () => {
    const [r] = expectFindings(
      [RULE, DOUBLE],
      `*nat
:KUBE-POSTROUTING - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE
                                                                                             ^^^^^^^^^^^^^^^^^^^^ ${RULE}
COMMIT
`,
      { node: [VXLAN] },
    );
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'oldRuleAfterClear');
  });

  it('fires on repeated jumps to KUBE-POSTROUTING in POSTROUTING (and duplicate-rule leaves them to it)', () => {
    const [r] = expectFindings(
      [RULE, DUP],
      `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s 10.244.0.0/16 -j RETURN
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
                                                                      ^^^^^^^^^^^^^^^^ ${RULE}
-A POSTROUTING -j KUBE-POSTROUTING
                  ^^^^^^^^^^^^^^^^ ${RULE}
COMMIT
`,
    );
    expectMessage(r, 'repeatedJump', { firstLine: 4 });
  });

  it('fires in a listing, with the flush as a command fix', () => {
    const [r] = expectFindings(
      [RULE],
      `Chain KUBE-POSTROUTING (1 references)
 pkts bytes target     prot opt in     out     source               destination
    0     0 MASQUERADE  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service traffic requiring SNAT */ mark match 0x4000/0x4000 random-fully
                                                                                                                                          ^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}
  120  7200 RETURN     all  --  *      *       0.0.0.0/0            0.0.0.0/0            mark match ! 0x4000/0x4000
    3   180 MARK       all  --  *      *       0.0.0.0/0            0.0.0.0/0            MARK xor 0x4000
    3   180 MASQUERADE  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service traffic requiring SNAT */ random-fully
`,
    );
    const fix = r!.fixes[0] as CommandFix;
    assert.equal(fix.kind, 'command');
    assert.equal(
      scriptOf(fix),
      '# Remove every rule of the chain; kube-proxy writes its current rules back on its next sync.\niptables -t nat -F KUBE-POSTROUTING\n# Make it last: run kubelet at a release with the fix (1.16.13, 1.17.9, 1.18.6, 1.19 or later) too (kubelet wrote this chain until 1.28), or reboot the node.',
    );
  });

  it('does not fire on a clean new form, a lone old form (double-snat reports it), or a single jump', () => {
    expectFindings(
      [RULE],
      `*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
COMMIT
`,
    );
    expectFindings([RULE], '*nat\n:KUBE-POSTROUTING - [0:0]\n-A KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE\nCOMMIT\n');
  });

  it('deletes the stale rule (whole line, CRLF kept) and the fixed dump is clean', () => {
    const text = splitAnnotated(AHEAD).text.replace(/\n/g, '\r\n');
    const r = lintText(text, { node: [VXLAN] }).reports.find((x) => x.ruleId === RULE)!;
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, true);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(
      fixed,
      '*nat\r\n:POSTROUTING ACCEPT [0:0]\r\n:KUBE-POSTROUTING - [0:0]\r\n-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING\r\n' +
        '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\r\n-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\r\n' +
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\r\nCOMMIT\r\n',
    );
    assert.deepEqual(lintText(fixed, { node: [VXLAN] }).reports.filter((x) => x.ruleId === RULE || x.ruleId === DOUBLE), []);
  });

  it('deletes a repeated jump; safe only when it is identical to the first', () => {
    const text = '*nat\n:POSTROUTING ACCEPT [0:0]\n:KUBE-POSTROUTING - [0:0]\n-A POSTROUTING -j KUBE-POSTROUTING\n-A POSTROUTING -j KUBE-POSTROUTING';
    const r = lintText(text).reports.find((x) => x.ruleId === RULE)!;
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, true);
    // The last line has no line break: the break before it goes with it.
    assert.equal(applyEdits(text, fix.edits), '*nat\n:POSTROUTING ACCEPT [0:0]\n:KUBE-POSTROUTING - [0:0]\n-A POSTROUTING -j KUBE-POSTROUTING');
    const differs = lintText('*nat\n:POSTROUTING ACCEPT [0:0]\n:KUBE-POSTROUTING - [0:0]\n-A POSTROUTING -j KUBE-POSTROUTING\n-A POSTROUTING -m comment --comment x -j KUBE-POSTROUTING\nCOMMIT\n').reports.find((x) => x.ruleId === RULE)!;
    assert.equal(onlyEditFix(differs).safe, false);
  });

  it('does not fire on the real fixtures or the example nodes', () => {
    assert.deepEqual(acrossFixtures(RULE), []);
    for (const n of ['examples/healthy-node', 'examples/vxlan-63s-delay']) assert.deepEqual(lintNodeFolder(n).filter((r) => r.ruleId === RULE), []);
  });
});
