import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { expectFindings, lintText } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, nftFixture } from './fixtures';

const RULE = 'nftables/foreign-objects-in-kube-proxy-table';

describe(RULE, () => {
  it('fires on chains and sets in table kube-proxy outside its naming scheme', () => {
    const text = KUBE_PROXY_TABLE.replace(
      '  chain mark-for-masquerade {\n',
      `  set my-allowlist {
      ^^^^^^^^^^^^ ${RULE}
    type ipv4_addr
  }
  chain my-extra-filter {
        ^^^^^^^^^^^^^^^ ${RULE}
    ip saddr @my-allowlist accept
  }
  chain mark-for-masquerade {
`,
    );
    const [set, chain] = expectFindings([RULE], text, { path: 'node/nft.txt' });
    assert.match(set!.message, /^set my-allowlist in table ip kube-proxy is not one of kube-proxy's objects/);
    assert.equal(set!.fixes.length, 0);
    assert.equal(scriptOf(chain!.fixes[0] as CommandFix).split('\n').pop(), 'nft -a list chain ip kube-proxy my-extra-filter');
  });

  it('does not fire on kube-proxy\'s own tables (kernel-captured IPv4, IPv6 and dual-stack rulesets)', () => {
    for (const f of ['kube-proxy-ipv4.a.nft', 'kube-proxy-ipv6.a.nft', 'kube-proxy-dualstack.list.nft', 'kube-proxy-ipv4.json']) {
      assert.deepEqual(lintText(nftFixture(f), { path: `n/${f}`, only: [RULE] }).reports.map((r) => r.message), [], f);
    }
    expectFindings([RULE], 'table inet other {\n  chain anything {\n  }\n}\n', { path: 'node/nft.txt' });
  });

  it('withholds the command for a chain name nft would read as syntax', () => {
    const { reports } = lintText('table ip kube-proxy {\n  chain "x;flush ruleset" {\n  }\n}\n', { path: 'node/nft.txt', only: [RULE] });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.fixes.length, 0);
  });
});
