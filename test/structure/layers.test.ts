/**
 * The architecture holds (docs/architecture.md): `npm run lint` refuses an import against the
 * layers and an import cycle (shown here on real files of the tree, with one import added), and
 * every file of src/ and jobs/ that is not a unit test is part of the product: reached by imports
 * from an entry point, never test or bench code that only tests use.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';

const ENTRY_POINTS = ['src/main.ts', 'src/cli/main.ts', 'jobs/worker.ts'];

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
});

/** The .ts files under `dir`, relative to the project root, with `/` separators. */
function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(join(PROJECT_ROOT, at), { withFileTypes: true })) {
      const path = posix.join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Files reached from `entries` through relative imports (static, dynamic and re-exports). */
function reachable(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...entries];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), match[1] ?? '')).replace(/\.js$/, '.ts');
      if (existsSync(join(PROJECT_ROOT, target))) pending.push(target);
    }
  }
  return seen;
}

describe('what ships is the product only', () => {
  it('reaches every file of src/ and jobs/ that is not a unit test from an entry point', () => {
    const product = [...sourceFiles('src'), ...sourceFiles('jobs')].filter(
      (file) => !file.endsWith('.test.ts') && !file.startsWith('src/generated/'),
    );
    const reached = reachable(ENTRY_POINTS);
    const stray = product.filter((file) => !reached.has(file));
    expect(stray, 'files no entry point imports: test or bench code belongs under test/').toEqual([]);
    expect(relative(PROJECT_ROOT, join(PROJECT_ROOT, ENTRY_POINTS[0] ?? ''))).toBe('src/main.ts');
  });
});
