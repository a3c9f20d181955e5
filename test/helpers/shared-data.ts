/**
 * The read-only inputs beside the repository, ../shared/data: recorded hub responses and the
 * expert reference data. CI has them; a bare clone does not, and the tests that need them are
 * skipped with a line saying so. Unit tests of pure code (src/openness) read them through here,
 * so that the code under src/openness, tests included, touches no file system itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';

export interface SharedFolder {
  readonly dir: string;
  readonly present: boolean;
  text(name: string): string;
  json(name: string): unknown;
  /** The folder's file names. */
  files(): string[];
}

/** A folder of ../shared/data (`hub-fixtures/huggingface`, …); warns, naming it and `skipped`, when absent. */
export function sharedFolder(relative: string, skipped: string): SharedFolder {
  const dir = join(PROJECT_ROOT, '..', 'shared', 'data', relative);
  const present = existsSync(dir);
  if (!present) console.warn(`SKIPPED: ${skipped}: ${dir} is absent (../shared not checked out)`);
  return {
    dir,
    present,
    text: (name) => readFileSync(join(dir, name), 'utf8'),
    json: (name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown,
    files: () => readdirSync(dir),
  };
}
