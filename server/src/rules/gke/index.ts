import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import backendconfigTimeoutShort from './backendconfig-timeout-short';
import ingressWithoutNeg from './ingress-without-neg';

/** The gke rules, in id order. */
export const GKE_RULES: readonly Rule<KnownKind>[] = [backendconfigTimeoutShort as Rule<KnownKind>, ingressWithoutNeg as Rule<KnownKind>];
