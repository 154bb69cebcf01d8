import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Kernel-captured rulesets (test/fixtures/nftables, made by make-fixtures.sh inside a network namespace). */
export const nftFixture = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'nftables', name), 'utf8');

/** A minimal kube-proxy table as `nft list ruleset` prints it (spaces instead of tabs, so ^^^ markers line up). */
export const KUBE_PROXY_TABLE = `table ip kube-proxy {
  comment "rules for kube-proxy"
  set nodeport-ips {
    type ipv4_addr
    elements = { 192.168.0.2 }
  }
  map service-nodeports {
    type inet_proto . inet_service : verdict
    elements = { tcp . 30080 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
  }
  chain mark-for-masquerade {
    meta mark set meta mark | 0x00004000
  }
  chain masquerading {
    meta mark & 0x00004000 == 0x00000000 return
    meta mark set meta mark ^ 0x00004000
    masquerade fully-random
  }
  chain service-42NFTM6N-ns2/svc2/tcp/p80 {
    ip daddr 172.30.0.42 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
  }
}
`;

export const node = (...files: [string, string][]): { path: string; text: string }[] => files.map(([path, text]) => ({ path: `node/${path}`, text }));
