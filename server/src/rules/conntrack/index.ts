import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import chainTooLong from './chain-too-long';
import dnsUdpRace from './dns-udp-race';
import dropCounter from './drop-counter';
import insertFailed from './insert-failed';
import invalidHigh from './invalid-high';
import staleTcpSynEntry from './stale-tcp-syn-entry';
import staleUdpEntry from './stale-udp-entry';
import synSentUnreplied from './syn-sent-unreplied';
import tableNearFull from './table-near-full';

/** The conntrack rules, in id order. */
export const CONNTRACK_RULES: readonly Rule<KnownKind>[] = [
  chainTooLong,
  dnsUdpRace,
  dropCounter,
  insertFailed,
  invalidHigh,
  staleTcpSynEntry,
  staleUdpEntry,
  synSentUnreplied,
  tableNearFull,
] as readonly Rule<KnownKind>[];
