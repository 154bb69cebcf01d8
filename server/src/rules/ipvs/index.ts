import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import schedulerPersistenceReview from './scheduler-persistence-review';
import tcpTimeoutShorterThanKeepalive from './tcp-timeout-shorter-than-keepalive';
import virtualServiceWithoutRealServers from './virtual-service-without-real-servers';
import weightZeroWithConnections from './weight-zero-with-connections';

/** The ipvs rules, in id order. */
export const IPVS_RULES: readonly Rule<KnownKind>[] = [
  schedulerPersistenceReview as Rule<KnownKind>,
  tcpTimeoutShorterThanKeepalive as Rule<KnownKind>,
  virtualServiceWithoutRealServers as Rule<KnownKind>,
  weightZeroWithConnections as Rule<KnownKind>,
];
