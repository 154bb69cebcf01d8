import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';

/** The kube-proxy rules, in id order. */
export const KUBE_PROXY_RULES: readonly Rule<KnownKind>[] = [];
