import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The ethtool rules, in id order. */
export const ETHTOOL_RULES: readonly Rule<KnownKind>[] = [];
