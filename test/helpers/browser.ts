/**
 * Headless Chromium for the browser tests: Debian's `chromium` (apt-get install chromium; .ci/run
 * installs it) driven by playwright-core, with the flags this machine needs. Screenshots go to
 * test-results/ (not committed), kept as the run's artifacts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(PROJECT_ROOT, 'test-results');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Where a screenshot named `name` is saved. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
