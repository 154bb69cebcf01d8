import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
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
    expectMessage(set, 'foreignObject', { kind: 'set', name: 'my-allowlist', table: 'ip kube-proxy' });
    assert.equal(set!.fixes.length, 0);
    assert.equal(scriptOf(chain!.fixes[0] as CommandFix).split('\n').pop(), 'nft -a list chain ip kube-proxy my-extra-filter');
  });

  it('does not fire on kube-proxy\'s own tables (kernel-captured IPv4, IPv6 and dual-stack rulesets)', () => {
    for (const f of ['kube-proxy-ipv4.a.nft', 'kube-proxy-ipv6.a.nft', 'kube-proxy-dualstack.list.nft', 'kube-proxy-ipv4.json']) {
      assert.deepEqual(lintText(nftFixture(f), { path: `n/${f}`, only: [RULE] }).reports.map((r) => r.message), [], f);
    }
    expectFindings([RULE], 'table inet other {\n  chain anything {\n  }\n}\n', { path: 'node/nft.txt' });
  });

  it('fires on a rule in kube-proxy\'s chain that jumps to a foreign chain, with nft delete rule by handle (nft -a) for review', () => {
    const text = `table ip kube-proxy { # handle 7
  chain filter-forward { # handle 11
    type filter hook forward priority filter; policy accept;
    ct state new jump service-endpoints-check # handle 27
    jump my-extra # handle 99
         ^^^^^^^^ ${RULE}
  }
  chain service-endpoints-check { # handle 23
  }
  chain my-extra { # handle 98
        ^^^^^^^^ ${RULE}
  }
}
`;
    const [hook] = expectFindings([RULE], text, { path: 'node/nft-a.txt' });
    const fix = hook!.fixes[0] as CommandFix;
    assert.equal(fix.safe, false);
    assert.equal(scriptOf(fix).split('\n').pop(), 'nft delete rule ip kube-proxy filter-forward handle 99');
    // Without handles (nft list without -a): the finding stays, no deletion is offered.
    const [noHandle] = expectFindings([RULE], text.replace(/ # handle \d+/g, ''), { path: 'node/nft.txt' });
    assert.equal(noHandle!.fixes.length, 0);
    expectMessage(noHandle, 'foreignJump', { withheld: ' The listing has no handles (nft -a), so no deletion command is offered.' });
  });

  it('withholds the command for a chain name nft would read as syntax', () => {
    const { reports } = lintText('table ip kube-proxy {\n  chain "x;flush ruleset" {\n  }\n}\n', { path: 'node/nft.txt', only: [RULE] });
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.fixes.length, 0);
    assert.match(String(reports[0]!.data!.withheld), /No command is offered: "x;flush ruleset" is not an nft table, chain or set name nft reads as one word/);
  });
});
