/** Small wording helpers shared by the detectors' summaries and the renderers: counts and durations people read. */

/**
 * A count with its noun, singular or plural.
 *
 * @example plural(1, 'node') // '1 node'
 * @example plural(3, 'pod IP') // '3 pod IPs'
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/**
 * A duration in the largest unit that reads well: minutes under two hours, hours under two days, days beyond.
 *
 * @example humanDuration(45) // '45 minutes'
 * @example humanDuration(797 * 60) // '33 days'
 */
export function humanDuration(minutes: number): string {
  if (minutes < 120) return plural(Math.floor(minutes), 'minute');
  const hours = minutes / 60;
  if (hours < 48) return plural(Math.floor(hours), 'hour');
  return plural(Math.floor(hours / 24), 'day');
}
