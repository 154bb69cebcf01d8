import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import vxlanTxChecksumOffload from './vxlan-tx-checksum-offload';

/** The ethtool rules, in id order. */
export const ETHTOOL_RULES: readonly Rule<KnownKind>[] = [vxlanTxChecksumOffload as Rule<KnownKind>];
