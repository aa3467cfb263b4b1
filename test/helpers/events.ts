/**
 * Sample EventBridge events (`events/cloudtrail/<EventName>/<case>.json`, the exact envelope Lambda receives) for
 * tests. Each load returns a fresh copy, so a test may mutate it freely.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `events/cloudtrail/` of this repository. */
export const EVENTS_DIR = fileURLToPath(new URL('../../events/cloudtrail/', import.meta.url));

const cache = new Map<string, unknown>();

/** A sample event, e.g. `loadEvent('AuthorizeSecurityGroupIngress', 'world-open-ssh')`, as a fresh structuredClone. */
export function loadEvent(eventName: string, caseName: string): unknown {
  const path = join(EVENTS_DIR, eventName, `${caseName}.json`);
  if (!cache.has(path)) cache.set(path, JSON.parse(readFileSync(path, 'utf8')));
  return structuredClone(cache.get(path));
}

/** Every sample, sorted by event name then case name. */
export function listEventSamples(): { eventName: string; caseName: string; path: string }[] {
  const samples: { eventName: string; caseName: string; path: string }[] = [];
  for (const eventName of readdirSync(EVENTS_DIR).sort()) {
    for (const file of readdirSync(join(EVENTS_DIR, eventName)).sort()) {
      if (!file.endsWith('.json')) continue;
      samples.push({ eventName, caseName: file.slice(0, -'.json'.length), path: join(EVENTS_DIR, eventName, file) });
    }
  }
  return samples;
}
