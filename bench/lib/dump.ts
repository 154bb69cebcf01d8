/**
 * The generated kube-proxy `iptables-save` dump the editor and grammar benchmarks work on.
 *
 * Prefers bench/generate/kubeProxyDump.ts (filter + nat tables, 1-4 endpoints per service,
 * NodePorts: the realistic one, also used by bench/iptables.bench.ts) and falls back to the
 * grammar tests' generator test/grammars/generate.ts (`generateKubeProxySave`, nat only) when
 * that file is not there. The generator used is part of every result (`dump` field).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateKubeProxySave } from '../../test/grammars/generate';

export const BENCH_DIR = join(__dirname, '..');
export const REPO_ROOT = join(BENCH_DIR, '..');
const KUBE_PROXY_DUMP = join(BENCH_DIR, 'generate', 'kubeProxyDump.ts');

export interface Dump {
  readonly text: string;
  /** Number of lines (the text ends with a line break). */
  readonly lines: number;
  /** Which generator produced it (repository-relative path). */
  readonly generator: string;
}

type Generator = (services: number) => string;

async function benchGenerator(): Promise<Generator | undefined> {
  if (!existsSync(KUBE_PROXY_DUMP)) return undefined;
  // Loaded by path so the benchmarks keep working (and typechecking) without that file.
  const mod: unknown = await import(pathToFileURL(KUBE_PROXY_DUMP).href);
  const f = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>).kubeProxyDump : undefined;
  return typeof f === 'function' ? (services: number) => String((f as (n: number) => unknown)(services)) : undefined;
}

const countLines = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') || text.length === 0 ? n : n + 1;
};

/**
 * A complete dump of at least `minLines` lines (the first size of the bench generator, scaled
 * from 5,000 services, that reaches it), or exactly `minLines` lines from the fallback.
 */
export async function kubeProxyDump(minLines = 75_000): Promise<Dump> {
  const gen = await benchGenerator();
  if (gen) {
    let services = 5000;
    let text = gen(services);
    let lines = countLines(text);
    for (let tries = 0; lines < minLines && tries < 5; tries++) {
      services = Math.ceil((services * minLines) / lines) + 1;
      text = gen(services);
      lines = countLines(text);
    }
    return { text, lines, generator: `bench/generate/kubeProxyDump.ts (${services} services)` };
  }
  const list = generateKubeProxySave(minLines);
  return { text: `${list.join('\n')}\n`, lines: list.length, generator: 'test/grammars/generate.ts generateKubeProxySave' };
}
