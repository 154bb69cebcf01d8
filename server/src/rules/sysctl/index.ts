import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The sysctl rules, in id order. */
export const SYSCTL_RULES: readonly Rule<KnownKind>[] = [];
