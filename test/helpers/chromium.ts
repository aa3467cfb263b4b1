/**
 * A real headless Chromium for browser tests, through `playwright-core` and the system's `chromium` (Debian's package,
 * which `.ci/run` installs). Locally the tests skip with a note when no Chromium is found; with `CI=true` they always
 * run, so a missing browser fails the build instead of passing silently.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** `CHROMIUM_PATH` if set, else the first system Chromium found. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path));
}

/** True when browser tests must run: a Chromium is there, or CI demands them. */
export function browserTestsRun(): boolean {
  const found = findChromium();
  if (found) return true;
  if (process.env.CI === 'true') return true;
  console.warn('browser tests skipped: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
  return false;
}

/** Launches headless Chromium with no network side channels (no background fetches, updates or sync). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium() ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
