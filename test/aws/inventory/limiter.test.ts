import { createLimiter } from '@podnet-guard/aws/inventory';
import { describe, expect, it } from 'vitest';

describe('createLimiter', () => {
  it.each([1, 3])('runs at most %i tasks at once, in order, and releases slots on failure', async (concurrency) => {
    const limit = createLimiter(concurrency);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running -= 1;
      if (i % 4 === 0) throw new Error(`task ${i}`);
      return i;
    };
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => limit(task(i))));
    expect(peak).toBe(concurrency);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
  });

  it('refuses a concurrency below 1', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
