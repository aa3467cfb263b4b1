export * from './config.ts';
export * from './outcome.ts';
export * from './plan.ts';
export * from './prefix-delegation.ts';
export * from './targets.ts';
