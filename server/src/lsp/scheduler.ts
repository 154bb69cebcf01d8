/**
 * Debounces validation per document and lets a newer request cancel an older one: each
 * scheduled run gets a token whose `cancelled` turns true as soon as the same key is scheduled
 * again, and long lints check it between rules.
 *
 * Nothing thrown or rejected by a run escapes: a timer callback that throws ends a Node process,
 * and one bad document must not take the server (and every other document) down. Failures go to
 * `onError`.
 */
export class Scheduler {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; token: { cancelled: boolean } }>();
  /** Runs started and not settled yet, per key (a lint yields between slices). */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly delayMs: number,
    private readonly onError: (key: string, error: unknown) => void = () => undefined,
  ) {}

  schedule(key: string, run: (token: { readonly cancelled: boolean }) => void | Promise<void>, delayMs = this.delayMs): void {
    this.cancel(key);
    const token = { cancelled: false };
    const timer = setTimeout(() => {
      if (this.timers.get(key)?.token === token) this.timers.delete(key);
      if (token.cancelled) return;
      try {
        const done = run(token);
        if (done) {
          this.running.set(key, (this.running.get(key) ?? 0) + 1);
          done
            .catch((e: unknown) => this.report(key, e))
            .finally(() => {
              const n = (this.running.get(key) ?? 1) - 1;
              if (n > 0) this.running.set(key, n);
              else this.running.delete(key);
            });
        }
      } catch (e) {
        this.report(key, e);
      }
    }, delayMs);
    this.timers.set(key, { timer, token });
  }

  /**
   * Nothing scheduled or running for `key`: a change now is the first after a pause, and can be
   * run at once (a debounce only pays off when more changes follow while work is pending).
   */
  idle(key: string): boolean {
    return !this.timers.has(key) && !this.running.has(key);
  }

  cancel(key: string): void {
    const t = this.timers.get(key);
    if (!t) return;
    t.token.cancelled = true;
    clearTimeout(t.timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const key of [...this.timers.keys()]) this.cancel(key);
  }

  private report(key: string, error: unknown): void {
    try {
      this.onError(key, error);
    } catch {
      // The error reporter itself failed (a closed connection): nothing left to tell.
    }
  }
}
