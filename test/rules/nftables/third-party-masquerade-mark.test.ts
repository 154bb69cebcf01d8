import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE } from './fixtures';

const RULE = 'nftables/third-party-masquerade-mark';

describe(RULE, () => {
  it('fires on other tables testing or setting mark 0x4000 on an nftables-mode node', () => {
    const [test, set] = expectFindings(
      [RULE],
      `${KUBE_PROXY_TABLE}table ip nat {
  chain POSTROUTING {
    type nat hook postrouting priority srcnat; policy accept;
    jump FLANNEL-POSTRTG
  }
  chain FLANNEL-POSTRTG {
    meta mark & 0x00004000 == 0x00004000 counter packets 0 bytes 0 return
                ^^^^^^^^^^ ${RULE}
  }
}
table inet mycni {
  chain pre {
    type filter hook prerouting priority -150; policy accept;
    ip saddr 192.0.2.0/24 meta mark set meta mark | 0x4000
                                                    ^^^^^^ ${RULE}
  }
}
`,
      { path: 'node/nft.txt' },
    );
    expectMessage(test, 'markBitUsed', { chain: 'FLANNEL-POSTRTG', table: 'ip nat', action: 'tests' });
    assert.match(String(test!.data!.iptablesNft), /written by iptables-nft/);
    expectMessage(set, 'markBitUsed', { chain: 'pre', table: 'inet mycni', action: 'sets', effect: 'setting it makes kube-proxy masquerade traffic it did not choose' });
  });

  it('does not fire on kube-proxy\'s own chains, on other mark bits, or on an iptables-mode node', () => {
    expectFindings([RULE], `${KUBE_PROXY_TABLE}table inet mycni {\n  chain pre {\n    meta mark set meta mark | 0x8000\n  }\n}\n`, { path: 'node/nft.txt' });
    expectFindings([RULE], 'table ip nat {\n  chain FLANNEL-POSTRTG {\n    meta mark & 0x00004000 == 0x00004000 return\n  }\n}\n', { path: 'node/nft.txt' });
  });
});
