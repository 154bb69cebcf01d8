import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import removedFlannelBackend from './removed-flannel-backend';

/** The k3s rules, in id order. */
export const K3S_RULES: readonly Rule<KnownKind>[] = [removedFlannelBackend as Rule<KnownKind>];
