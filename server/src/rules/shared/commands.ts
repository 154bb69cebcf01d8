import type { Argv, Step } from '../../core/shell';
import { refusals, type Field } from '../../core/shellFields';
import type { CommandFix } from '../rule';

/**
 * Builders for command fixes, so rules write `run('sysctl', '-w', `${key}=${value}`)` instead of
 * shell text. Values from a dump go in as arguments; `core/shell.ts` quotes them when rendering.
 */

/** A comment: an explanation, or a command left for the user to run by hand. */
export const note = (text: string): Step => ({ kind: 'note', text });
/** One command: the program and its arguments. */
export const run = (program: string, ...args: string[]): Step => ({ kind: 'run', pipeline: [[program, ...args]] });
/** A command whose non-zero status is expected (nothing matched) and must not stop the script. */
export const runMayFail = (program: string, ...args: string[]): Step => ({ kind: 'run', pipeline: [[program, ...args]], mayFail: true });
/** Commands joined by pipes. */
export const pipeline = (first: Argv, rest: readonly Argv[], o: { readonly mayFail?: boolean; readonly quiet?: boolean } = {}): Step => ({ kind: 'run', pipeline: [first, ...rest], ...o });
/** Writes whole lines to a file, replacing it. */
export const write = (path: string, ...lines: string[]): Step => ({ kind: 'write', path, lines });

/** A command fix that is safe to run as written (non-destructive, proven by the dump). */
export const safeFix = (title: string, steps: readonly Step[]): CommandFix => ({ kind: 'command', title, steps, safe: true });
/** A command fix the remediation script only lists commented out, with the reason. */
export const reviewFix = (title: string, review: string, steps: readonly Step[]): CommandFix => ({ kind: 'command', title, steps, safe: false, review });

/**
 * The fix, or why it is withheld: every value from the dump that reaches a command is checked
 * against its field (`core/shellFields.ts`) first. A refused value means the dump is damaged or
 * hostile; the finding keeps its message and says that no command is offered, and why.
 */
export function guarded(values: readonly (readonly [Field, string])[], build: () => CommandFix): { readonly fix: CommandFix } | { readonly withheld: string } {
  const reasons = refusals(values);
  if (reasons.length > 0) return { withheld: `No command is offered: ${reasons.join('; ')}.` };
  return { fix: build() };
}

/** Finding fields for a guarded fix: the fix, or the message with the reason it is withheld appended. */
export function fixOrWithheld(g: { readonly fix: CommandFix } | { readonly withheld: string }, message: string): { message: string; fixes?: CommandFix[] } {
  return 'fix' in g ? { message, fixes: [g.fix] } : { message: `${message} ${g.withheld}` };
}
