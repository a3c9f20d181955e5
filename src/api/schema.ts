/** Loads the SDL contract from schema/*.graphql (the single source of the API's shape). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR } from '../lib/project-root.js';

export function loadTypeDefs(dir: string = SCHEMA_DIR): string {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort();
  if (files.length === 0) throw new Error(`no .graphql files in ${dir}`);
  return files.map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
}
