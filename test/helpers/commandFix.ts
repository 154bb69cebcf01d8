import { renderSteps } from '../../server/src/core/shell';
import type { CommandFix } from '../../server/src/rules/rule';

/** The shell text of a command fix exactly as "copy command" and the remediation script render its steps. */
export const scriptOf = (fix: CommandFix): string => renderSteps(fix.steps);
