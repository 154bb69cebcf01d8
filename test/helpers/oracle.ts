/**
 * What the differential (oracle) tests share: test/formats/iptables/oracle.test.ts against
 * iptables-restore, test/formats/nftables/oracle.test.ts against `nft -c -f`, each run inside
 * `unshare -n` (a private, throwaway network namespace).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** The reference tool's verdict on one text. */
export interface OracleResult {
  readonly ok: boolean;
  /** 1-based line of the first error the oracle names. */
  readonly line?: number;
  readonly message: string;
}

export interface OracleProbe {
  /** The test's name in the skip line ("# SKIPPED <name> oracle test: …"). */
  readonly name: string;
  /** The reference tool, asked for `--version`, and the Debian package that installs it. */
  readonly tool: string;
  readonly debianPackage: string;
  /** A harmless command run under `unshare -n`, its stdin, and how the skip reason names it. */
  readonly probe: readonly string[];
  readonly probeInput?: string;
  readonly probeLabel: string;
}

/**
 * Why the oracle cannot run here (the tool is missing, or `unshare -n` is refused), logged as a
 * skip line; undefined when it can. The test skips, saying so, only then.
 */
export function oracleUnavailable(p: OracleProbe): string | undefined {
  const reason = ((): string | undefined => {
    const v = spawnSync(p.tool, ['--version'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) return `${p.tool} is not installed (Debian package \`${p.debianPackage}\`)`;
    const u = spawnSync('unshare', ['-n', ...p.probe], { input: p.probeInput, encoding: 'utf8' });
    if (u.error || u.status !== 0) return `${p.probeLabel} does not work here (${(u.stderr || String(u.error)).trim()}); it needs root or user namespaces`;
    return undefined;
  })();
  if (reason) console.log(`# SKIPPED ${p.name} oracle test: ${reason}`);
  return reason;
}

/**
 * Runs every check of a group and fails once, listing every disagreement. `cutAt` ends each
 * message where a check appends bulky evidence (the whole text) not worth repeating in the list.
 */
export function allAgree(checks: readonly (() => void)[], cutAt?: string): void {
  const failures: string[] = [];
  for (const c of checks) {
    try {
      c();
    } catch (e) {
      failures.push(e instanceof Error ? (cutAt === undefined ? e.message : e.message.split(cutAt)[0]!) : String(e));
    }
  }
  assert.equal(failures.length, 0, `${failures.length} disagreement(s):\n\n${failures.join('\n\n')}`);
}
