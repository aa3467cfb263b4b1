export * from './instance-limits.ts';
export * from './max-pods.ts';
export * from './user-data.ts';
