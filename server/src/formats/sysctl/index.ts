export type { SysctlComment, SysctlEntry, SysctlExclusion, SysctlModel, SysctlNote, SysctlNoteKind, SysctlValuePart } from './model';
export { normaliseKey, parseSysctl } from './parse';
export { effective, globMatches, kernelRelease, occurrences } from './query';
