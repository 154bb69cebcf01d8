export type {
  EthtoolAnnotation,
  EthtoolChanges,
  EthtoolFeature,
  EthtoolInterface,
  EthtoolModel,
  EthtoolNote,
  EthtoolNoteKind,
} from './model';
export { ETHTOOL_LEGACY_NAMES } from './model';
export { canonicalFeatureName, parseEthtool } from './parse';
export { children, feature, featureNameCandidates, findInterface } from './query';
