export * from './plan.ts';
export * from './prefix-delegation.ts';
export * from './targets.ts';
