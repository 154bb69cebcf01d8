export type {
  ConntrackDnsAggregate,
  ConntrackEntry,
  ConntrackEntryGroup,
  ConntrackEntryParse,
  ConntrackEntryRef,
  ConntrackEventAggregate,
  ConntrackField,
  ConntrackFlag,
  ConntrackFormat,
  ConntrackGroups,
  ConntrackModel,
  ConntrackStatCounter,
  ConntrackStatsRow,
  ConntrackStatsTable,
  ConntrackSummary,
  ConntrackTableAggregate,
  ConntrackTuple,
} from './model';
export { MAX_GROUPS, MAX_GROUP_EXAMPLES, MAX_LIST, MAX_PROBLEMS, MAX_SAMPLE, MAX_STATS_ROWS, STAT_COUNTERS } from './model';
export { parseConntrack, parseConntrackEntry } from './parse';
