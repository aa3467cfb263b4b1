export {
  type EventPattern,
  EventPatternError,
  type EventPatternProblem,
  matchesAnyEventPattern,
  matchesEventPattern,
  validateEventPattern,
} from './event-pattern.ts';
