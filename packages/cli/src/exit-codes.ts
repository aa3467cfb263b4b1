/** Exit codes scripts can rely on (README "Command line"). Only this file defines them. */
export const EXIT = {
  /** The command ran, whatever it found. */
  ok: 0,
  /** `--fail-on <severity>` was given and a finding reached it. */
  failOn: 1,
  /** Bad usage or unreadable input. */
  usage: 2,
  /** AWS or GitHub could not be reached (credentials, network, throttling past retries). */
  aws: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown by commands instead of exiting; `bin.ts` turns it into the exit code and a one-line reason on stderr. */
export class ExitError extends Error {
  readonly code: ExitCode;
  constructor(code: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExitError';
    this.code = code;
  }
}
