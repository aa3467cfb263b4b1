export { createLimiter, type Limiter } from './limiter.ts';
export {
  DEFAULT_CONCURRENCY,
  type LoadFullOptions,
  type LoadResult,
  loadFullSnapshot,
  nodeClusterOf,
  referencedPrefixLists,
  VPC_CNI_ADDON,
} from './load-full.ts';
export {
  FILTER_VALUES_PER_CALL,
  loadScopedSnapshotForEvent,
  SCOPED_EVENT_KINDS,
  type ScopedLoadResult,
} from './load-scoped.ts';
export {
  podLimitSettings,
  reduceLaunchTemplateUserData,
  reduceUserData,
  toSnapshotJson,
  USER_DATA_MARKER,
} from './sanitize.ts';
