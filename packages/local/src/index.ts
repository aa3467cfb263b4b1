export {
  createLocalApiHandler,
  createLocalApiServer,
  INDEX_CSP,
  LOCAL_IDENTITY,
  MAX_BODY_BYTES,
  toApiGatewayEvent,
} from './http-server.ts';
export {
  type IndexInput,
  type ListedFinding,
  listAllFindings,
  type RenderIndex,
  renderFindingsList,
} from './index-page.ts';
export {
  DataDirInUseError,
  ensureFindingsTable,
  LOCAL_TABLE_NAME,
  type LocalTable,
  startLocalTable,
} from './local-table.ts';
export {
  DEFAULT_PORT,
  DEFAULT_SNAPSHOT,
  DEFAULT_SWEEP_SECONDS,
  LOCAL_HOST,
  type LocalService,
  type LocalServiceOptions,
  PortInUseError,
  startLocalService,
} from './service.ts';
export { createSnapshotSource, DEFAULT_SNAPSHOT_REGION, type SnapshotSource } from './snapshot-source.ts';
export { createTerminalSink, renderAlert } from './terminal-sink.ts';
