export * from './effective-max-pods.ts';
export * from './instance-limits.ts';
export * from './instance-names.ts';
export * from './max-pods.ts';
export * from './node-group-need.ts';
export * from './published-max-pods.ts';
export * from './subnet-headroom.ts';
export * from './user-data.ts';
