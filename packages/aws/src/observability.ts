/**
 * The logging and metrics shapes the handlers take. Powertools' Logger fits `EventLogger` and its Metrics fit
 * `RecordMetric`; tests pass spies. Kept apart from any one handler so each imports only these shapes.
 */

/** The logger shape we use (Powertools' Logger fits it). */
export interface EventLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
  appendKeys?(keys: Record<string, unknown>): void;
  /** Drops every key `appendKeys` added (a warm container's previous event). */
  resetKeys?(): void;
}

/** The metrics shape we use (Powertools' Metrics fits it through `recordMetric`). */
export type RecordMetric = (name: string, value: number, dimensions?: Record<string, string>) => void;
