import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { applyEdits, expectMessage, expectFindings, lintText, onlyEditFix } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, node, nftFixture } from './fixtures';

const RULE = 'nftables/masquerade-without-fully-random';

describe(RULE, () => {
  it('fires on a host firewall masquerading the pod network without fully-random (kernel-captured firewalld table)', () => {
    const { doc, reports } = lintText(nftFixture('host-firewall.a.nft'), { path: 'node/nft-a.txt', node: node(['kube-proxy.nft', KUBE_PROXY_TABLE]), only: [RULE] });
    const mine = reports.filter((r) => r.ruleId === RULE);
    assert.equal(mine.length, 1);
    assert.equal(doc.text.slice(mine[0]!.span.start, mine[0]!.span.end), 'masquerade');
    expectMessage(mine[0], 'podNetwork', { nat: 'masquerade', chain: 'nat_POSTROUTING', table: 'inet firewalld', pods: '10.244.0.0/16' });
    // A listing is an observation: the rewritten rule is shown for nft replace, never run.
    const fix = mine[0]!.fixes[0] as CommandFix;
    assert.equal(fix.safe, false);
    assert.match(scriptOf(fix), /^# {3}oifname "eth0" ip saddr 10\.244\.0\.0\/16 ip daddr != 10\.244\.0\.0\/16 masquerade fully-random$/m);
    assert.doesNotMatch(scriptOf(fix), /^nft /m);
  });

  it('edits an nft -f script exactly: fully-random after masquerade, or appended to its flags', () => {
    const script = `add table inet nat
add chain inet nat post { type nat hook postrouting priority srcnat ; }
add rule inet nat post ip saddr 10.244.0.0/16 masquerade
                                              ^^^^^^^^^^ ${RULE}
add rule inet nat post ip saddr 10.244.0.0/16 oifname "eth1" masquerade persistent
                                                             ^^^^^^^^^^ ${RULE}
`;
    const options = { path: 'node/rules.nft', node: node(['kube-proxy.nft', KUBE_PROXY_TABLE]) };
    const [a, b] = expectFindings([RULE], script, options);
    const text = script.split('\n').filter((l) => !l.includes('^^^')).join('\n');
    const fixed = applyEdits(text, [...onlyEditFix(a!).edits, ...onlyEditFix(b!).edits]);
    assert.equal(fixed, text.replace('/16 masquerade\n', '/16 masquerade fully-random\n').replace('masquerade persistent', 'masquerade persistent,fully-random'));
    // The real nft accepts the edited script (checked in a throwaway network namespace, nothing loaded).
    const nft = spawnSync('unshare', ['-n', 'nft', '-c', '-f', '-'], { input: fixed, encoding: 'utf8' });
    assert.equal(nft.status, 0, nft.stderr);
    assert.equal(onlyEditFix(a!).safe, true);
  });

  it('does not fire on fully-random, on kube-proxy\'s own table, on non-pod sources, or on a node that is not Kubernetes', () => {
    const options = { path: 'node/nft.txt', node: node(['kube-proxy.nft', KUBE_PROXY_TABLE]) };
    expectFindings([RULE], 'table inet nat {\n  chain post {\n    type nat hook postrouting priority srcnat; policy accept;\n    ip saddr 10.244.0.0/16 masquerade fully-random\n    ip saddr 192.168.50.0/24 masquerade\n    ip saddr != 10.244.0.0/16 masquerade\n  }\n}\n', options);
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt' });
    expectFindings([RULE], 'table inet nat {\n  chain post {\n    type nat hook postrouting priority srcnat; policy accept;\n    masquerade\n  }\n}\n', { path: 'node/nft.txt' });
  });
});
