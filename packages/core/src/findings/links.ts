export * from '../render/links.ts';
