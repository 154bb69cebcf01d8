import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import masqueradeWithoutRandomFully from './masquerade-without-random-fully';

/** The iptables rules, in id order. */
export const IPTABLES_RULES: readonly Rule<KnownKind>[] = [masqueradeWithoutRandomFully as Rule<KnownKind>];
