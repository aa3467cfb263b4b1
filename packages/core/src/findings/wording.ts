export * from '../render/wording.ts';
