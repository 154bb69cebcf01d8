/**
 * The generated kube-proxy `iptables-save` dump the editor and grammar benchmarks work on:
 * bench/generate/kubeProxyDump.ts (filter + nat tables, 1-4 endpoints per service, NodePorts; also
 * used by bench/iptables.bench.ts and the grammar scale test), scaled to the size asked for. The
 * generator is part of every result (`dump` field).
 */
import { join } from 'node:path';
import { kubeProxyDump as generate } from '../generate/kubeProxyDump';

export const BENCH_DIR = join(__dirname, '..');
export const REPO_ROOT = join(BENCH_DIR, '..');

export interface Dump {
  readonly text: string;
  /** Number of lines (the text ends with a line break). */
  readonly lines: number;
  /** Which generator produced it, and with how many services. */
  readonly generator: string;
}

const countLines = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') || text.length === 0 ? n : n + 1;
};

/** A complete dump of at least `minLines` lines: the first size, scaled from 5,000 services, that reaches it. */
export function kubeProxyDump(minLines = 75_000): Dump {
  let services = 5000;
  let text = generate(services);
  let lines = countLines(text);
  for (let tries = 0; lines < minLines && tries < 5; tries++) {
    services = Math.ceil((services * minLines) / lines) + 1;
    text = generate(services);
    lines = countLines(text);
  }
  return { text, lines, generator: `bench/generate/kubeProxyDump.ts (${services} services)` };
}
