/** How findings are shown: one renderer per sink, each through its sink's escaper (escape.ts). */
export * from './chat.ts';
export * from './email.ts';
export * from './escape.ts';
export { LINKS } from './links.ts';
export * from './message.ts';
export * from './slack.ts';
export * from './text.ts';
export * from './wording.ts';
