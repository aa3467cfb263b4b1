/** A tiny semaphore: at most `concurrency` tasks run at once, the rest wait in order. */

/** Runs a task when a slot is free. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Creates a limiter. Only leaf AWS calls should take a slot: a task that waits for other limited tasks while holding
 * a slot could deadlock.
 *
 * @example
 * ```ts
 * const limit = createLimiter(4);
 * const results = await Promise.all(ids.map((id) => limit(() => describe(id))));
 * ```
 */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be an integer >= 1');
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so a newcomer can never slip in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return async (task) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
