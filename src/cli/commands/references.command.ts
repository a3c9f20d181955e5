import { InvalidArgumentError, type Command } from 'commander';
import { createDatabase } from '../../db/database.js';
import { DEFAULT_MOT_URL, MotAdapter } from '../../references/mot.adapter.js';
import { DEFAULT_OSAI_URL, OsaiAdapter } from '../../references/osai.adapter.js';
import { ReferenceHttp } from '../../references/reference-http.js';
import { ReferenceRepository } from '../../references/reference.repository.js';
import type { ReferenceAdapter } from '../../references/reference.types.js';
import { formatSyncResult, syncReferences } from '../../references/references.service.js';
import { cliContext } from '../context.js';

type SourceOption = 'mot' | 'osai' | 'all';

interface SyncOptions {
  source: SourceOption;
  motUrl: string;
  osaiUrl: string;
}

const sourceOption = (value: string): SourceOption => {
  const normalized = value.toLowerCase();
  if (normalized === 'mot' || normalized === 'osai' || normalized === 'all') return normalized;
  throw new InvalidArgumentError('must be mot, osai or all');
};

const urlOption = (value: string): string => {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('must be an http(s) URL');
};

export function registerReferences(program: Command): void {
  // Created through `program.command` so it inherits the program's settings (exit codes, help on error).
  const references = program
    .command('references')
    .description(
      'Expert openness judgments (Model Openness Tool, European Open Source AI Index), attached to catalog models by Hugging Face repo id',
    );
  references
    .command('sync')
    .description(
      'Fetch every reference of the source(s) and make the stored ones equal to them (a source that fails keeps its stored references)',
    )
    .option('--source <source>', 'mot, osai or all', sourceOption, 'all' as SourceOption)
    .option(
      '--mot-url <url>',
      'Model Openness Tool base URL (serves /api/v1/models and /api/v1/model/{id})',
      urlOption,
      DEFAULT_MOT_URL,
    )
    .option(
      '--osai-url <url>',
      'European Open Source AI Index data: raw.githubusercontent.com base of the data repository (listed through the GitHub contents API), or any base URL that serves a directory listing and the YAML files',
      urlOption,
      DEFAULT_OSAI_URL,
    )
    .action(async (options: SyncOptions) => {
      const { config, logger } = cliContext();
      const http = new ReferenceHttp({ logger });
      const adapters: ReferenceAdapter[] = [];
      if (options.source !== 'osai') adapters.push(new MotAdapter({ baseUrl: options.motUrl, http }));
      if (options.source !== 'mot') adapters.push(new OsaiAdapter({ baseUrl: options.osaiUrl, http }));
      const db = createDatabase(config, logger);
      try {
        const results = await syncReferences(adapters, new ReferenceRepository(db.pool));
        for (const result of results) process.stdout.write(`${formatSyncResult(result)}\n`);
        process.stdout.write(`requests: ${http.requests}\n`);
        if (results.some((result) => !result.ok)) process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
