export * from './deliver-slack.ts';
export * from './slack-sink.ts';
