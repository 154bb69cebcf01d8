import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The gke rules, in id order. */
export const GKE_RULES: readonly Rule<KnownKind>[] = [];
