// Type-aware lint: no floating promises, exhaustive switches, zero warnings (`--max-warnings 0`);
// and the architecture (docs/architecture.md): one direction of imports between the layers, no
// import cycles, SQL only in repositories, no test or development code in what ships.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of docs/architecture.md, lowest first. A folder (or file) may import its own files and
 * the layers below it, never a layer above, nor a neighbour in its own layer. `src/generated` is
 * the Prisma client: part of the database layer, importable from every layer above it.
 */
export const LAYERS = [
  ['src/lib'],
  ['src/config'],
  ['src/db', 'src/queue', 'src/outbound'],
  ['src/openness'],
  ['src/references', 'src/catalog', 'src/auth'],
  ['src/read-model'],
  ['src/events'],
  ['src/crawl', 'src/webhooks'],
  ['src/api'],
  ['src/cli', 'src/main.ts', 'jobs'],
];

/** One zone per folder: what it must not import (every higher layer and its own layer's neighbours). */
const layerZones = LAYERS.flatMap((layer, index) =>
  layer.map((target) => ({
    target,
    from: [...layer.filter((other) => other !== target), ...LAYERS.slice(index + 1).flat()],
    message: `${target} is below what it imports here: see the layers in docs/architecture.md.`,
  })),
);

/** SQL text, as a string or the first part of a template: only repositories, statement builders and src/db/ write it. */
const SQL_START = String.raw`/^\s*(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|WITH \w+ AS|LOCK TABLE)\b/`;

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'src/api/generated/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'prisma/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      // The TypeScript settings of import-x's own `typescript` flat config; without the extensions
      // and parsers, no-cycle does not read .ts dependencies (and finds no cycle).
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Unit tests beside the code may reach further (a test of the hub-client reads the adapter's page size).
    files: ['src/**/*.ts', 'jobs/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            {
              target: ['src', 'jobs'],
              from: 'test',
              message: 'Test code stays under test/: the product never imports it.',
            },
          ],
        },
      ],
    },
  },
  {
    // What ships (the production install has no devDependencies) imports only dependencies.
    files: ['src/**/*.ts', 'jobs/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: false, includeTypes: true }],
    },
  },
  {
    // openness/ is pure: no network, database or file system (references/ and the repositories do I/O).
    files: ['src/openness/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:)?(fs|fs/promises|http|https|net|dns|child_process)$|^(pg|ioredis|bullmq|@prisma/.*)$',
              message: 'src/openness is pure: no I/O (docs/architecture.md).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'src/openness is pure: no network.' }],
    },
  },
  {
    files: ['src/**/*.ts', 'jobs/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/**/*.repository.ts', 'src/**/*.sql.ts', 'src/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${SQL_START}]`,
          message: 'SQL belongs in a repository (*.repository.ts) or a statement builder (*.sql.ts).',
        },
        {
          selector: `TemplateLiteral > TemplateElement:first-child[value.raw=${SQL_START}]`,
          message: 'SQL belongs in a repository (*.repository.ts) or a statement builder (*.sql.ts).',
        },
      ],
    },
  },
  {
    // One reader of the environment: src/config/config.ts. Tests may pass env to child processes.
    files: ['src/**/*.ts', 'jobs/**/*.ts'],
    ignores: ['src/config/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config/config.ts only.' },
      ],
    },
  },
  {
    // The dashboard's browser code (web/dashboard) talks to the public GraphQL API only: of the
    // server's code it may import the pure openness vocabulary, nothing else (docs/dashboard.md).
    files: ['web/**/*.ts'],
    ignores: ['web/*/vite.config.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: 'web',
              from: 'src',
              except: ['./openness/types.ts', './openness/display.ts'],
              message:
                'The dashboard uses the public API; of src/ only the openness vocabulary (types.ts, display.ts).',
            },
            { target: 'web', from: ['jobs', 'test'], message: 'The dashboard uses the public API only.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Browser code: no process.' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
