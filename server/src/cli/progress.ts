/**
 * A progress line for long runs, on stderr and only when stderr is a terminal: a CI log or a
 * file gets nothing (no carriage returns in saved logs). Redraws at most every 100 ms and clears
 * its line when done, so what follows starts on a clean line.
 */
export interface Progress {
  /** `done` of `total` units finished; `what` names the last one. */
  update(done: number, total: number, what: string): void;
  end(): void;
}

export const SILENT: Progress = { update: () => undefined, end: () => undefined };

export function progressOn(write: (s: string) => void, isTTY: boolean, columns = 80, now: () => number = Date.now): Progress {
  if (!isTTY) return SILENT;
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total, what) {
      const t = now();
      if (done < total && t - last < 100) return;
      last = t;
      // Control characters in a path from a stranger's tarball must not drive the terminal.
      const name = what.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
      const line = `kube-netlint: ${done}/${total} ${name}`;
      write(`\r\u001b[K${line.length > columns - 1 ? `${line.slice(0, columns - 2)}…` : line}`);
      drawn = true;
    },
    end() {
      if (drawn) write('\r\u001b[K');
      drawn = false;
    },
  };
}
