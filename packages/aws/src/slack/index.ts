export { loadSlackFunctionConfig, type SlackFunctionConfig } from '../environment.ts';
export * from './deliver-slack.ts';
export * from './handle-finding-event.ts';
export * from './slack-pending.ts';
export * from './slack-secret.ts';
export * from './slack-sink.ts';
export * from './slack-state-store.ts';
