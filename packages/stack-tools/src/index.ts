export {
  type EventPattern,
  EventPatternError,
  type EventPatternProblem,
  matchesAnyEventPattern,
  matchesEventPattern,
  validateEventPattern,
} from './event-pattern.ts';
export { FUNCTION_COMMANDS } from './function-commands.generated.ts';
export * from './iam.ts';
export * from './settings.ts';
export * from './stack.ts';
