import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import duplicateRule from './duplicate-rule';
import flannelMasqueradeWithoutMarkReturn from './flannel-masquerade-without-mark-return';
import forwardDropWithoutPodAccept from './forward-drop-without-pod-accept';
import forwardInvalidDrop from './forward-invalid-drop';
import kubePostroutingDoubleSnat from './kube-postrouting-double-snat';
import kubePostroutingStaleRule from './kube-postrouting-stale-rule';
import masqueradeWithoutRandomFully from './masquerade-without-random-fully';
import mixedBackends from './mixed-backends';
import serviceWithoutEndpoints from './service-without-endpoints';
import thirdPartyKubeChainDependency from './third-party-kube-chain-dependency';
import tooOldForRandomFully from './too-old-for-random-fully';

/** The iptables rules, in id order. */
export const IPTABLES_RULES: readonly Rule<KnownKind>[] = [
  duplicateRule,
  flannelMasqueradeWithoutMarkReturn,
  forwardDropWithoutPodAccept,
  forwardInvalidDrop,
  kubePostroutingDoubleSnat,
  kubePostroutingStaleRule,
  masqueradeWithoutRandomFully,
  mixedBackends,
  serviceWithoutEndpoints,
  thirdPartyKubeChainDependency,
  tooOldForRandomFully,
] as Rule<KnownKind>[];
