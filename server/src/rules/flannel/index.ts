import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import vxlanWithoutOffloadFix from './vxlan-without-offload-fix';

/** The flannel rules, in id order. */
export const FLANNEL_RULES: readonly Rule<KnownKind>[] = [vxlanWithoutOffloadFix as Rule<KnownKind>];
