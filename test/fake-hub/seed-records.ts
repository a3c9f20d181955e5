/** The hand-written records the fake hubs serve (prisma/seed/<hub>/), read as the fakes need them: at once. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_DIR } from '../../src/lib/project-root.js';

/** The records of prisma/seed/<hub>/, one per JSON file, in file-name order. */
export function readSeedDir<T>(hub: string): T[] {
  const dir = join(SEED_DIR, hub);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T);
}
