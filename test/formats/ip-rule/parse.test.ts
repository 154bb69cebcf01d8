import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attr } from '../../../server/src/formats/ip-link';
import { ipRuleHover, ipRuleOutline, parseIpRule } from '../../../server/src/formats/ip-rule';
import { readFixture } from '../../helpers/golden';
import { assertExact, assertFast, assertTotal, fixtureNames, goldenFor } from '../ip-link/support';

describe('ip rule parser: specification', () => {
  it('reads priorities, selectors and tables with exact spans', () => {
    const text = readFixture('ip-rule/flannel-node-ip-rule-real.txt');
    const m = parseIpRule(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.rules.map((r) => [r.priority.value, r.table?.value]), [[0, 'local'], [100, '100'], [200, '200'], [300, 'main'], [32766, 'main'], [32767, 'default']]);
    assert.equal(attr(m.rules[2]!.attrs, 'fwmark')?.value?.value, '0x4000/0x4000');
    assert.equal(attr(m.rules[3]!.attrs, 'iif')?.value?.value, 'cni0');
    assertExact(text, m);
  });

  it('reads not, keyword actions and [detached]; reports other lines', () => {
    const text = '32765:\tnot from all fwmark 0xca6c lookup 51820\n5:\tfrom all iif wg0 [detached] blackhole\nfrom all lookup main\n';
    const m = parseIpRule(text);
    assert.equal(m.rules[0]!.not, true);
    assert.equal(m.rules[0]!.table?.value, '51820');
    assert.deepEqual(m.rules[1]!.attrs.filter((a) => !a.value).map((a) => a.key.value), ['[detached]', 'blackhole']);
    assert.deepEqual(m.problems.map((p) => p.code), ['parse/ip-rule-syntax']);
  });

  it('hovers a default rule and outlines rules', () => {
    const text = readFixture('ip-rule/flannel-node-ip-rule-real.txt');
    const m = parseIpRule(text);
    assert.match(ipRuleHover(m, text.indexOf('32766') + 1)!.markdown, /default rule: the main table/);
    assert.match(ipRuleHover(m, text.indexOf('fwmark') + 1)!.markdown, /kube-proxy uses 0x4000/);
    assert.deepEqual(ipRuleOutline(m).map((n) => n.detail).slice(0, 2), ['lookup local', 'lookup 100']);
  });

  it('is total, bounded and fast', () => {
    assert.deepEqual(parseIpRule(''), { rules: [], problems: [] });
    assertFast(parseIpRule, ['1: ' + 'from '.repeat(500_000), '9'.repeat(1_000_000) + ':']);
    assertTotal('ip-rule', parseIpRule, ['\n', '0:\t', 'from ', ' lookup ', ' not', '\r\n', '\u0000']);
  });
});

describe('ip rule parser: fixtures (golden)', () => {
  for (const name of fixtureNames('ip-rule')) it(`renders ${name}`, () => goldenFor('ip-rule', name, parseIpRule));
});
