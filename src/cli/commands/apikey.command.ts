import { InvalidArgumentError, type Command } from 'commander';
import { API_KEY_SCOPES, parseScopes, type ApiKeyScope } from '../../auth/api-key.js';
import { ApiKeyRepository } from '../../auth/api-key.repository.js';
import { createDatabase } from '../../db/database.js';
import type { ApiKey } from '../../generated/prisma/client.js';
import { cliContext } from '../context.js';

const scopesOption = (value: string): ApiKeyScope[] => {
  const parsed = parseScopes(value);
  if (!parsed.ok)
    throw new InvalidArgumentError(
      `unknown scope(s) ${parsed.unknown.join(', ')} (known: ${API_KEY_SCOPES.join(', ')})`,
    );
  return parsed.scopes;
};

const nameOption = (value: string): string => {
  const name = value.trim();
  if (name === '' || name.length > 200) throw new InvalidArgumentError('must be 1 to 200 characters');
  return name;
};

/** Open the database for one command and close it afterwards. */
async function withKeys<T>(run: (keys: ApiKeyRepository) => Promise<T>): Promise<T> {
  const { config, logger } = cliContext();
  const db = createDatabase(config, logger);
  try {
    return await run(new ApiKeyRepository(db.prisma));
  } finally {
    await db.close();
  }
}

const when = (date: Date | null): string => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export function formatKeyTable(keys: readonly ApiKey[]): string {
  const header = ['ID', 'NAME', 'PREFIX', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'];
  const rows = keys.map((key) => [
    key.id.toString(),
    key.name,
    key.prefix,
    key.scopes.join(',') || '-',
    when(key.createdAt),
    when(key.lastUsedAt),
    when(key.revokedAt),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function registerApiKey(program: Command): void {
  const apikey = program
    .command('apikey')
    .description('API keys for the GraphQL mutations (`Authorization: Bearer <key>`); only their SHA-256 is stored');

  apikey
    .command('create')
    .description('Create a key and print it once, on stdout (it cannot be shown again)')
    .requiredOption('--name <name>', 'who or what the key is for', nameOption)
    .requiredOption('--scopes <list>', `comma list of ${API_KEY_SCOPES.join(', ')}`, scopesOption)
    .action(async (options: { name: string; scopes: ApiKeyScope[] }) => {
      const { record, key } = await withKeys((keys) => keys.create(options));
      process.stdout.write(`${key}\n`);
      process.stderr.write(
        `Created API key ${record.id} "${record.name}" (${record.prefix}…, scopes: ${record.scopes.join(',') || 'none'}).\n` +
          'Store it now: only its hash is kept, so it cannot be shown again. Send it as `Authorization: Bearer <key>`.\n',
      );
    });

  apikey
    .command('list')
    .description('Every key: name, prefix, scopes, created, last used (to the minute), revoked')
    .action(async () => {
      const keys = await withKeys((repository) => repository.list());
      process.stdout.write(keys.length === 0 ? 'No API keys.\n' : `${formatKeyTable(keys)}\n`);
    });

  apikey
    .command('revoke')
    .description('Revoke a key by its id or its prefix (as `apikey list` shows them); it stops working at once')
    .argument('<prefix-or-id>', 'the key id, or its prefix (cat_…)')
    .action(async (idOrPrefix: string) => {
      const outcome = await withKeys((keys) => keys.revoke(idOrPrefix.trim()));
      switch (outcome.kind) {
        case 'revoked':
          process.stdout.write(`Revoked API key ${outcome.key.id} "${outcome.key.name}" (${outcome.key.prefix}).\n`);
          return;
        case 'already-revoked':
          process.stdout.write(
            `API key ${outcome.key.id} "${outcome.key.name}" was already revoked at ${when(outcome.key.revokedAt)}.\n`,
          );
          return;
        case 'not-found':
          process.stderr.write(`apikey revoke: no API key with id or prefix ${JSON.stringify(idOrPrefix)}\n`);
          process.exitCode = 1;
          return;
        case 'ambiguous':
          process.stderr.write(
            `apikey revoke: ${outcome.matches.length} keys have the prefix ${JSON.stringify(idOrPrefix)}; revoke by id (${outcome.matches.map((key) => key.id.toString()).join(', ')})\n`,
          );
          process.exitCode = 1;
          return;
      }
    });
}
