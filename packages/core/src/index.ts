export type * from './cloudtrail/types.ts';
export * from './cloudtrail/index.ts';
export * from './capacity/index.ts';
export * from './config.ts';
export * from './detectors/define.ts';
export * from './errors.ts';
export * from './types/finding.ts';
export * from './inventory/index.ts';
export * from './types/inventory.ts';
