/**
 * Measurements the tests record (milliseconds, sizes): the runner prints them from the results file.
 * Lives on globalThis because each test file is its own bundle with its own copy of this module.
 */
const key = '__kubeNetlintFigures';
const holder = globalThis as unknown as Record<string, Record<string, number> | undefined>;

export const figures: Record<string, number> = holder[key] ?? (holder[key] = {});

export function figure(name: string, value: number): void {
  figures[name] = Math.round(value);
  console.log(`    figure ${name} = ${Math.round(value)}`);
}
