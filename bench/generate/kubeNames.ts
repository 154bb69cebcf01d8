/**
 * What the kube-proxy generators (kubeProxyDump.ts, nftablesRuleset.ts) draw their Services
 * from: one seeded xorshift32 sequence per text, the namespaces, and kube-proxy's base32 chain
 * hashes. Each generator draws in its own order, so each text stays what it always was.
 */
import { rng } from '../lib/stats';

/** The seed of every generated kube-proxy text. */
export const KUBE_SEED = 0x9e3779b9;

export const NAMESPACES: readonly string[] = ['default', 'kube-system', 'monitoring', 'payments', 'checkout', 'search', 'ingress-nginx', 'logging'];

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh generator for one text: `rnd(n)` draws in [0, n). */
export const kubeRandom = (): ((n: number) => number) => rng(KUBE_SEED);

/** A chain-name hash of `length` base32 letters, as kube-proxy prints them (16 in iptables, 8 in nftables). */
export function kubeHash(rnd: (n: number) => number, length: number): string {
  let s = '';
  for (let k = 0; k < length; k++) s += ALPHABET[rnd(32)];
  return s;
}
