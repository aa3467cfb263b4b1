/** The re-evaluation API: request handling, evaluation records and request schemas. */
export * from './evaluations.ts';
export * from './handle-api-request.ts';
export * from './requests.ts';
