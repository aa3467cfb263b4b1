export * from './instance-limits.ts';
export * from './instance-names.ts';
export * from './max-pods.ts';
export * from './published-max-pods.ts';
export * from './trunk.ts';
export * from './user-data.ts';
