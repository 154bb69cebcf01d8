import { renderSteps } from '../../server/src/core/shell';
import type { CommandFix } from '../../server/src/rules/rule';

/** The shell text of a command fix exactly as "copy command" and the remediation script render its steps. */
export const scriptOf = (fix: CommandFix): string => renderSteps(fix.steps);

/** The script of a finding's command fix (the test fails on the cast's `steps` if it has none). */
export const commandScriptOf = (r: { readonly fixes: readonly { readonly kind: string }[] }): string => scriptOf(r.fixes.find((f) => f.kind === 'command') as CommandFix);
