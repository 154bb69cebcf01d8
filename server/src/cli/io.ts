import { readFileSync } from 'node:fs';
import { decodeText } from '../core/textEncoding';

/** What a command writes to and reads from; tests pass their own, the binary the process's. */
export interface CliIO {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Standard input, read whole (only `--stdin` asks for it). */
  readonly stdin: () => string;
  /** Progress is drawn only on a terminal. */
  readonly stderrIsTTY: boolean;
  readonly columns: number;
}

export interface IOOverrides {
  readonly stdin?: () => string;
  readonly stderrIsTTY?: boolean;
  readonly columns?: number;
}

export function cliIO(out: (s: string) => void, err: (s: string) => void, o: IOOverrides = {}): CliIO {
  return {
    out,
    err,
    // A pipe from Windows may carry UTF-16 (core/textEncoding.ts), as a captured file may.
    stdin: o.stdin ?? (() => decodeText(readFileSync(0)).text),
    stderrIsTTY: o.stderrIsTTY ?? process.stderr.isTTY === true,
    columns: o.columns ?? (process.stderr.columns || 80),
  };
}
