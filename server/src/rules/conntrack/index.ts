import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The conntrack rules, in id order. */
export const CONNTRACK_RULES: readonly Rule<KnownKind>[] = [];
