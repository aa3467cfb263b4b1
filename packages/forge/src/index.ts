export * from './forge.ts';
export { createGitHubForge, type ForgeLog, type GitHubCredential, type GitHubForgeOptions } from './github.ts';
export * from './lifecycle.ts';
export { capDiff, MAX_DIFF_LINES } from './plan-change.ts';
export { isCandidateFile, remoteRepo } from './remote-repo.ts';
