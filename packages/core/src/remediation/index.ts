export * from './plan.ts';
export * from './targets.ts';
