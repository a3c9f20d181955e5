/**
 * The repository root, found from this file's location, so that paths to `schema/` and
 * `prisma/migrations/` are the same whether the code runs from `src/` (tsx, vitest) or `dist/src/`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'prisma', 'migrations');
export const SCHEMA_DIR = join(PROJECT_ROOT, 'schema');
/** Hand-written hub records (real response shapes) for `catalog seed` and the fake hub. */
export const SEED_DIR = join(PROJECT_ROOT, 'prisma', 'seed');
