import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4 } from '../../server/src/trace/ip';
import { parseRoute } from '../../server/src/trace/environment';
import { cleanupLeftovers, create, destroy, type Namespaces } from './kernel';
import type { TraceOptions } from './helpers';

/**
 * What kernel.test.ts (iptables) and nftKernel.test.ts (nftables) share when they compare a trace
 * with the kernel in the namespaces of kernel.ts: the namespaces' life, the node's trace options,
 * the conntrack entries read back and the comparison of moved counters with traced rules.
 */

/** The node of kernel.ts as the trace sees it: its own addresses and routes. */
export const NODE_TRACE: TraceOptions = {
  local: [parseIpv4('172.18.0.2')!, parseIpv4('10.244.0.1')!],
  routes: ['10.244.0.0/24=cni0', '10.244.0.0/16=flannel.1', '0.0.0.0/0=eth0'].map((r) => parseRoute(r)!),
};

/**
 * Makes the namespaces before the suite and deletes them after it, also when a test fails or the
 * runner is interrupted between hooks (a synchronous `exit` handler is the last resort); then prints
 * the comparison rows under `heading`. Call inside `describe`; the getter gives the namespaces.
 */
export function namespacesForSuite(heading: string, rows: readonly string[]): () => Namespaces {
  let ns: Namespaces | undefined;
  const onExit = (): void => {
    if (ns) destroy(ns);
  };
  before(() => {
    cleanupLeftovers();
    process.on('exit', onExit);
    ns = create();
  });
  after(() => {
    try {
      if (ns) destroy(ns);
      ns = undefined;
    } finally {
      process.off('exit', onExit);
      process.stdout.write(`\n${heading}\n${rows.join('\n')}\n`);
    }
  });
  return () => {
    if (!ns) throw new Error('the namespaces exist only while the suite runs');
    return ns;
  };
}

export interface Connection {
  readonly orig: string;
  readonly reply: { readonly src: string; readonly dst: string };
}

/** conntrack -L entries for packets with this original destination port. */
export function connections(text: string, dport: number): Connection[] {
  const out: Connection[] = [];
  for (const line of text.split('\n')) {
    const src = [...line.matchAll(/src=(\S+)/g)].map((m) => m[1]!);
    const dst = [...line.matchAll(/dst=(\S+)/g)].map((m) => m[1]!);
    const sp = [...line.matchAll(/sport=(\d+)/g)].map((m) => m[1]!);
    const dp = [...line.matchAll(/dport=(\d+)/g)].map((m) => m[1]!);
    if (src.length < 2 || Number(dp[0]) !== dport) continue;
    out.push({ orig: `${src[0]}:${sp[0]} -> ${dst[0]}:${dp[0]}`, reply: { src: `${src[1]}:${sp[1]}`, dst: dst[1]! } });
  }
  return out;
}

export const sorted = (s: Iterable<string>): string[] => [...s].sort();

export const lineOfOffset = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

/** The rules whose counters moved in the kernel are exactly the rules the trace steps through. */
export function assertSameRules(kernel: Map<string, number>, expected: Set<string>): void {
  assert.deepEqual(sorted(kernel.keys()), sorted(expected), 'the rules whose counters moved are the rules the trace steps through');
}
