import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The ipvs rules, in id order. */
export const IPVS_RULES: readonly Rule<KnownKind>[] = [];
