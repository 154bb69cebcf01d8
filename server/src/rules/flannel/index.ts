import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The flannel rules, in id order. */
export const FLANNEL_RULES: readonly Rule<KnownKind>[] = [];
