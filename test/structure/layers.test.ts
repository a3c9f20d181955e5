/**
 * The architecture holds (docs/architecture.md): `npm run lint` refuses an import against the
 * layers and an import cycle (shown here on real files of the tree, with one import added), and
 * every file of src/ and jobs/ that is not a unit test is part of the product: reached by imports
 * from an entry point (knip, production mode), never test or bench code that only tests use.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';

async function lintWithExtraImport(file: string, extraImport: string): Promise<ESLint.LintResult> {
  const eslint = new ESLint({ cwd: PROJECT_ROOT });
  const source = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  const [result] = await eslint.lintText(`${extraImport}\n${source}`, { filePath: join(PROJECT_ROOT, file) });
  if (!result) throw new Error(`no lint result for ${file}`);
  return result;
}

const rulesOf = (result: ESLint.LintResult) => result.messages.map((message) => message.ruleId);

describe('npm run lint holds the layers', () => {
  it('passes the files as they are', async () => {
    const eslint = new ESLint({ cwd: PROJECT_ROOT });
    const results = await eslint.lintFiles(['src/lib/text.ts', 'src/read-model/cursor.ts', 'src/openness/classify.ts']);
    expect(results.flatMap((result) => result.messages)).toEqual([]);
  });

  it('refuses a lower layer importing a higher one (lib → api)', async () => {
    const result = await lintWithExtraImport('src/lib/text.ts', "import { formatApiError } from '../api/errors.js';");
    expect(rulesOf(result)).toContain('import-x/no-restricted-paths');
    expect(result.messages.map((message) => message.message).join('\n')).toMatch(/docs\/architecture\.md/);
  });

  it('refuses the domain importing an adapter (catalog → crawl)', async () => {
    const result = await lintWithExtraImport(
      'src/catalog/reclassify.service.ts',
      "import type { HubAdapter } from '../crawl/hub-adapter.js';",
    );
    expect(rulesOf(result)).toContain('import-x/no-restricted-paths');
  });

  it('refuses an import cycle inside one folder', async () => {
    // models.filter.ts imports cursor.ts: cursor.ts importing models.filter.ts closes a loop.
    const result = await lintWithExtraImport(
      'src/read-model/cursor.ts',
      "import { parseModelsArgs } from './models.filter.js';",
    );
    expect(rulesOf(result)).toContain('import-x/no-cycle');
  });

  it('refuses I/O in src/openness and SQL outside a repository', async () => {
    const io = await lintWithExtraImport('src/openness/classify.ts', "import { readFileSync } from 'node:fs';");
    expect(rulesOf(io)).toContain('no-restricted-imports');
    const sql = await lintWithExtraImport(
      'src/crawl/crawl.service.ts',
      "export const stray = 'SELECT id FROM models WHERE id = $1';",
    );
    expect(rulesOf(sql)).toContain('no-restricted-syntax');
  });

  it('refuses product code importing test code or a development dependency', async () => {
    const test = await lintWithExtraImport(
      'src/catalog/seed/seed.service.ts',
      "import '../../../test/fixtures/openness.js';",
    );
    expect(rulesOf(test)).toContain('import-x/no-restricted-paths');
    const dev = await lintWithExtraImport('src/api/server.ts', "import autocannon from 'autocannon';");
    expect(rulesOf(dev)).toContain('import-x/no-extraneous-dependencies');
  });

  it('keeps the dashboard on the public API: of src/ it imports the openness vocabulary only', async () => {
    const passes = await lintWithExtraImport('web/dashboard/src/format.ts', '');
    expect(passes.messages).toEqual([]);
    const server = await lintWithExtraImport('web/dashboard/src/format.ts', "import '../../../src/lib/text.js';");
    expect(rulesOf(server)).toContain('import-x/no-restricted-paths');
    const test = await lintWithExtraImport('web/dashboard/src/format.ts', "import '../../../test/helpers/api.js';");
    expect(rulesOf(test)).toContain('import-x/no-restricted-paths');
  });
});

/** `npm run lint`'s check of what ships: knip, from the production entry points of knip.json. */
function unusedProductFiles(): { status: number | null; output: string } {
  const run = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'knip'), ['--production', '--include', 'files'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('what ships is the product only', () => {
  it('reaches every file of src/ and jobs/ that is not a unit test from an entry point', () => {
    expect(unusedProductFiles()).toEqual({ status: 0, output: '' });
  });

  it('refuses a file under src/ that only tests would use (a fixture, a builder)', () => {
    const probe = join(PROJECT_ROOT, 'src', 'lib', 'zz-structure-probe.ts');
    writeFileSync(probe, 'export const fixture = { id: "acme/tiny-model" };\n');
    try {
      const { status, output } = unusedProductFiles();
      expect(status).not.toBe(0);
      expect(output).toContain('src/lib/zz-structure-probe.ts');
    } finally {
      rmSync(probe, { force: true });
    }
  });
});
