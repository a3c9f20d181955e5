/**
 * The API starts with the same node options wherever it is started for real: the Dockerfile's CMD,
 * each API service of docker-compose.yml and `npm start`; and the benches start it with those
 * options (PRODUCTION_NODE_ARGS), so that what they measure is what ships.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { PRODUCTION_NODE_ARGS } from './scratch-catalog.js';

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const production = PRODUCTION_NODE_ARGS.split(' ');

/** The arguments between `node` and `dist/src/main.js` of every JSON-array command in `text`. */
function nodeArgsOfArrays(text: string): string[][] {
  return [...text.matchAll(/\[\s*(['"])node\1,([^\]]*?),\s*(['"])dist\/src\/main\.js\3\s*\]/g)].map((match) =>
    [...(match[2] ?? '').matchAll(/['"]([^'"]+)['"]/g)].map((arg) => arg[1] ?? ''),
  );
}

describe('the production start', () => {
  it("the Dockerfile's CMD (its last stage's, the runtime image) runs the API with PRODUCTION_NODE_ARGS", () => {
    const cmd = read('Dockerfile')
      .split('\n')
      .filter((line) => line.startsWith('CMD '))
      .at(-1);
    expect(nodeArgsOfArrays(cmd ?? '')).toEqual([production]);
  });

  it('every API service of docker-compose.yml does', () => {
    const commands = nodeArgsOfArrays(read('docker-compose.yml'));
    // The API and the replica-reading API; the worker runs another entry point.
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const args of commands) expect(args).toEqual(production);
  });

  it('npm start does', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts['start']).toMatch(/\bnode (.+) dist\/src\/main\.js$/);
    expect(scripts['start']?.match(/\bnode (.+) dist\/src\/main\.js$/)?.[1]?.split(' ')).toEqual(production);
  });
});
