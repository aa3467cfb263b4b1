export * from './deliver-slack.ts';
export * from './slack-sink.ts';
export * from './slack-state-store.ts';
