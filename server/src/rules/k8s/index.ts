import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import externalTrafficPolicyCluster from './external-traffic-policy-cluster';
import internalTrafficPolicyLocal from './internal-traffic-policy-local';
import sessionAffinityBehindSnat from './session-affinity-behind-snat';

/** The k8s rules, in id order. */
export const K8S_RULES: readonly Rule<KnownKind>[] = [
  externalTrafficPolicyCluster as Rule<KnownKind>,
  internalTrafficPolicyLocal as Rule<KnownKind>,
  sessionAffinityBehindSnat as Rule<KnownKind>,
];
