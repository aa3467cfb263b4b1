export * from './clients.ts';
export * from './errors.ts';
export * from './inventory/index.ts';
export * from './page-sizes.ts';
export * from './finding-store.ts';
export * from './finding-store-errors.ts';
export * from './publish.ts';
