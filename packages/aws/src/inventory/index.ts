export { createLimiter, type Limiter } from './limiter.ts';
export {
  DEFAULT_CONCURRENCY,
  type LoadFullOptions,
  type LoadResult,
  loadFullSnapshot,
  type ReadResult,
  referencedPrefixLists,
  VPC_CNI_ADDON,
} from './load-full.ts';
export {
  FILTER_VALUES_PER_CALL,
  loadScopedSnapshotForEvent,
  readsForEvent,
  SCOPED_EVENT_KINDS,
  type ScopedLoadOptions,
  type ScopedLoadResult,
} from './load-scoped.ts';
export { AwsReader, type Ec2Query, NOT_FOUND, type ReaderOptions, totalCalls } from './reader.ts';
export {
  podLimitSettings,
  reduceLaunchTemplateUserData,
  reduceUserData,
  toSnapshotJson,
  USER_DATA_MARKER,
} from './sanitize.ts';
