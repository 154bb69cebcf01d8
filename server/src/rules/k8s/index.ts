import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The k8s rules, in id order. */
export const K8S_RULES: readonly Rule<KnownKind>[] = [];
