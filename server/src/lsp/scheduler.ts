/**
 * Debounces validation per document and lets a newer request cancel an older one: each
 * scheduled run gets a token whose `cancelled` turns true as soon as the same key is scheduled
 * again, and long lints check it between rules.
 */
export class Scheduler {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; token: { cancelled: boolean } }>();

  constructor(private readonly delayMs: number) {}

  schedule(key: string, run: (token: { readonly cancelled: boolean }) => void, delayMs = this.delayMs): void {
    this.cancel(key);
    const token = { cancelled: false };
    const timer = setTimeout(() => {
      if (this.timers.get(key)?.token === token) this.timers.delete(key);
      if (!token.cancelled) run(token);
    }, delayMs);
    this.timers.set(key, { timer, token });
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
}
