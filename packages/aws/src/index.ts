export * from './clients.ts';
export * from './errors.ts';
export * from './inventory/index.ts';
export * from './page-sizes.ts';
