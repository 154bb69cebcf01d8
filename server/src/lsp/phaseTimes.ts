/**
 * Where a validation's time went, for its log line (`linted ... in N ms: ...`) and the stats
 * request: phases in order, and the slowest rules. Timing a step is two clock reads; a lint of a
 * big dump has ~20 rule steps.
 */
export class PhaseTimes {
  private readonly phases: [string, number][] = [];
  private readonly rules: [string, number][] = [];
  private last = performance.now();

  /** Ends the current phase under `name`. */
  phase(name: string): void {
    const now = performance.now();
    this.phases.push([name, now - this.last]);
    this.last = now;
  }

  /** Ends the current rule step (time since the last mark) under the rule's id; rule steps add up to the phase `rules`. */
  rule(id: string): void {
    const now = performance.now();
    this.rules.push([id, now - this.last]);
    this.phases.push(['rules', now - this.last]);
    this.last = now;
  }

  /** Skips time spent elsewhere (the event loop between slices) without counting it. */
  resume(): void {
    this.last = performance.now();
  }

  /** Phase and rule times in ms (rules: the slowest `top`, plus their sum as `rules`). */
  summary(top = 5): { readonly phases: Readonly<Record<string, number>>; readonly slowestRules: Readonly<Record<string, number>> } {
    const round = (ms: number): number => Math.round(ms * 10) / 10;
    const phases: Record<string, number> = {};
    for (const [name, ms] of this.phases) phases[name] = round((phases[name] ?? 0) + ms);
    const slowestRules: Record<string, number> = {};
    for (const [id, ms] of [...this.rules].sort((a, b) => b[1] - a[1]).slice(0, top)) slowestRules[id] = round(ms);
    return { phases, slowestRules };
  }

  toString(): string {
    const { phases, slowestRules } = this.summary(3);
    const list = (o: Readonly<Record<string, number>>): string => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
    return `${list(phases)}; slowest rules: ${list(slowestRules)}`;
  }
}
