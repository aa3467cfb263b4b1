/** The re-evaluation API: request handling, routes, the evaluation runner, evaluation records and request schemas. */
export * from './evaluation-runner.ts';
export * from './evaluations.ts';
export * from './handle-api-request.ts';
export type { ApiResponse } from './http.ts';
export * from './requests.ts';
export type { ApiDeps, SuppressionAnnouncement } from './routes.ts';
