/** The streams a command writes to; tests pass an in-memory one. Results go to stdout, progress and reasons to stderr. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress is shown only then). */
  isTTY: boolean;
  /** Reads standard input fully (for `-` file arguments). */
  readStdin: () => Promise<string>;
  env: Record<string, string | undefined>;
}

/** An in-memory IO for tests and embedding. */
export function memoryIO(stdin = '', env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIO = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: false,
    readStdin: async () => stdin,
    env,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
