import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runAsync } from '../../server/src/cli/main';
import type { IOOverrides } from '../../server/src/cli/io';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The CLI in-process (synchronous entry: one thread). */
export function cli(args: string[], io: IOOverrides = {}): CliRun {
  let out = '';
  let err = '';
  const code = run(args, (s) => (out += s), (s) => (err += s), { stderrIsTTY: false, ...io });
  return { code, out, err };
}

/** The CLI in-process as the binary runs it (check over many folders in worker threads). */
export async function cliAsync(args: string[], io: IOOverrides = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runAsync(args, (s) => (out += s), (s) => (err += s), { stderrIsTTY: false, ...io });
  return { code, out, err };
}

const made: string[] = [];

/** A temporary folder with these files (paths may have folders); removed by `cleanup`. */
export function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kn-cli-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const MASQ = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n';
/** A rule in an undeclared chain: a warning (parse/iptables-undeclared-chain) besides the info finding. */
export const BROKEN = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\n-A NOPE -j ACCEPT\nCOMMIT\n';
