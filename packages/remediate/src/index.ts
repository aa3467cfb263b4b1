export { fileDiff } from './diff.ts';
export * from './engine.ts';
export { isHclLoaded, loadHcl } from './hcl/parser.ts';
export type { Candidate, EditPart, Locator, ParsedFile } from './locators/types.ts';
export { editBootstrapArguments, editUserDataMaxPods } from './locators/user-data.ts';
export { parseFile } from './parse-file.ts';
export { openRepo, type Repo, RepoError } from './repo.ts';
