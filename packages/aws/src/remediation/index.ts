export { loadRemediationFunctionConfig, type RemediationFunctionConfig } from '../environment.ts';
export {
  type ConfigDocumentClients,
  killSwitchEngaged,
  readConfigDocument,
} from '../first-use/config-document.ts';
export { type AnnouncementTargets, remediationAnnouncer } from './announce.ts';
export { type GitHubSecretCredential, githubCredentialFromSecret, loadGitHubCredential } from './github-secret.ts';
export * from './handle-remediation-event.ts';
