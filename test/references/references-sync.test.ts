/**
 * `references sync` against the real Postgres: the adapters read local fakes, the repository
 * replaces each source's references set-based, and the references attach to catalog models by
 * Hugging Face repo id.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { MotAdapter } from '../../src/references/mot.adapter.js';
import { OsaiAdapter } from '../../src/references/osai.adapter.js';
import { ReferenceHttp } from '../../src/references/reference-http.js';
import { ReferenceRepository } from '../../src/references/reference.repository.js';
import { formatSyncResult, syncReferences } from '../../src/references/references.service.js';
import { MOT_FIXTURE_RECORDS, OSAI_FIXTURE_FILES } from '../fixtures/references.js';
import { buildCatalogModel } from '../helpers/catalog-models.js';
import { silentLogger, useTestDatabase } from '../helpers/database.js';
import {
  motRecordsFromSharedData,
  osaiFilesFromSharedData,
  sharedReferenceDataPresent,
  startFileServer,
  startMotFake,
  warnWhenSharedDataAbsent,
  type FakeServer,
} from './fake-sources.js';
import { runCli } from '../helpers/processes.js';

warnWhenSharedDataAbsent('syncing the real raw reference data into the database');

const db = useTestDatabase();
const repository = () => new ReferenceRepository(db.pool);
const http = () => new ReferenceHttp({ logger: silentLogger, maxRetries: 1, backoffBaseMs: 5, backoffMaxMs: 10 });

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fakes(osaiFiles: Map<string, string> = new Map(Object.entries(OSAI_FIXTURE_FILES))) {
  const mot = await startMotFake({ records: MOT_FIXTURE_RECORDS });
  const osai = await startFileServer({ files: osaiFiles, listing: 'html' });
  servers.push(mot, osai);
  return { mot, osai, osaiFiles };
}

async function rows() {
  const { rows: result } = await db.pool.query<{ source: string; external_id: string; hf_repo_id: string | null }>(
    'SELECT source::text, external_id, hf_repo_id FROM openness_references ORDER BY source, external_id',
  );
  return result.map((row) => [row.source, row.external_id, row.hf_repo_id]);
}

describe('references sync', () => {
  it('stores every reference of both sources, and a second sync updates them in place', async () => {
    const { mot, osai } = await fakes();
    const adapters = [
      new MotAdapter({ baseUrl: mot.url, http: http() }),
      new OsaiAdapter({ baseUrl: osai.url, http: http() }),
    ];

    const first = await syncReferences(adapters, repository());

    expect(first.map((result) => result.ok && [result.source, result.fetched, result.counts])).toEqual([
      ['MOT', 3, { inserted: 3, updated: 0, removed: 0 }],
      ['OSAI', 2, { inserted: 2, updated: 0, removed: 0 }],
    ]);
    expect(await rows()).toEqual([
      ['MOT', '1130', 'LLM360/Amber'],
      ['MOT', '1131', 'meta-llama/Llama-3.1-8B'],
      ['MOT', '1132', null],
      ['OSAI', 'Alpha Model.yaml', 'acme/Alpha-7B-Instruct'],
      ['OSAI', 'beta.yaml', 'beta/Beta-2-XL'],
    ]);
    expect(formatSyncResult(first[0]!)).toMatch(/^MOT: 3 references \(2 with a Hugging Face repo id, 0 attached/);
    expect(formatSyncResult(first[0]!)).toContain('skipped 1133: no release name');

    const second = await syncReferences(adapters, repository());
    expect(second.map((result) => result.ok && result.counts)).toEqual([
      { inserted: 0, updated: 3, removed: 0 },
      { inserted: 0, updated: 2, removed: 0 },
    ]);
    expect(await rows()).toHaveLength(5);
  });

  it('stores class, score, grades, url and version as mapped', async () => {
    const { mot } = await fakes();
    await syncReferences([new MotAdapter({ baseUrl: mot.url, http: http() })], repository());
    const stored = await db.prisma.opennessReference.findUniqueOrThrow({
      where: { source_externalId: { source: 'MOT', externalId: '1130' } },
    });
    expect(stored).toMatchObject({
      name: 'Amber',
      hfRepoId: 'LLM360/Amber',
      class: 'CLASS_I',
      score: 1,
      url: `${mot.url}/model/1130`,
      sourceVersion: 'MOF 1.0, record 2025-05-22',
    });
    expect(stored.grades).toMatchObject({ components: { Datasets: { included: true, license: 'MIT' } } });
  });

  it('removes what a source no longer publishes, and keeps a failing source’s references', async () => {
    const { osai, osaiFiles } = await fakes();
    const adapter = new OsaiAdapter({ baseUrl: osai.url, http: http() });
    await syncReferences([adapter], repository());

    osaiFiles.delete('beta.yaml');
    const [pruned] = await syncReferences([adapter], repository());
    expect(pruned).toMatchObject({ ok: true, counts: { inserted: 0, updated: 1, removed: 1 } });
    expect(await rows()).toEqual([['OSAI', 'Alpha Model.yaml', 'acme/Alpha-7B-Instruct']]);

    osaiFiles.clear();
    const [failed] = await syncReferences([adapter], repository());
    expect(failed).toMatchObject({ ok: false, source: 'OSAI' });
    expect(formatSyncResult(failed!)).toMatch(/^OSAI: FAILED: no files in the listing/);
    expect(await rows()).toHaveLength(1);
  });

  it('attaches references to catalog models by Hugging Face repo id', async () => {
    await db.pool.query(
      `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'http://x')`,
    );
    await new IngestRepository(db.pool).ingestPage([
      buildCatalogModel('LLM360/Amber'),
      buildCatalogModel('acme/Alpha-7B-Instruct'),
    ]);
    const { mot, osai } = await fakes();
    const results = await syncReferences(
      [new MotAdapter({ baseUrl: mot.url, http: http() }), new OsaiAdapter({ baseUrl: osai.url, http: http() })],
      repository(),
    );
    expect(results.map((result) => result.ok && result.inCatalog)).toEqual([1, 1]);
    const attached = await repository().findByHfRepoIds(['LLM360/Amber', 'acme/Alpha-7B-Instruct', 'no/such']);
    expect(attached.map((reference) => [reference.source, reference.hfRepoId, reference.class])).toEqual([
      ['MOT', 'LLM360/Amber', 'CLASS_I'],
      ['OSAI', 'acme/Alpha-7B-Instruct', 'rank 1/2'],
    ]);
  });

  it('keeps the stored references when a source answers with nothing', async () => {
    const { mot } = await fakes();
    await syncReferences([new MotAdapter({ baseUrl: mot.url, http: http() })], repository());
    const empty = await startMotFake({ records: [] });
    servers.push(empty);
    const [result] = await syncReferences([new MotAdapter({ baseUrl: empty.url, http: http() })], repository());
    expect(result).toMatchObject({ ok: false, error: 'no references fetched (0 skipped)' });
    expect(await rows()).toHaveLength(3);
  });

  it('refuses references of another source in a replace', async () => {
    await expect(
      repository().replaceSource('OSAI', [
        {
          source: 'MOT',
          externalId: '1',
          name: 'x',
          hfRepoId: null,
          class: null,
          score: null,
          grades: {},
          url: null,
          sourceVersion: null,
        },
      ]),
    ).rejects.toThrow(/a MOT reference in a OSAI replace/);
  });
});

describe('catalog references sync (the CLI)', () => {
  it('syncs the chosen sources from the given URLs and prints the counts', async () => {
    const { mot, osai } = await fakes();
    const env = { DATABASE_URL: inject('databaseUrl') };
    const run = await runCli(['references', 'sync', '--source', 'all', '--mot-url', mot.url, '--osai-url', osai.url], {
      env,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^MOT: 3 references .* inserted 3, updated 0, removed 0, skipped 1$/m);
    expect(run.stdout).toMatch(/^OSAI: 2 references .* inserted 2, updated 0, removed 0, skipped 1$/m);
    expect(await rows()).toHaveLength(5);

    const osaiOnly = await runCli(['references', 'sync', '--source', 'osai', '--osai-url', osai.url], { env });
    expect(osaiOnly.code).toBe(0);
    expect(osaiOnly.stdout).not.toContain('MOT:');
  });

  it('exits 1 when a source fails, and 2 on a bad option', async () => {
    const env = { DATABASE_URL: inject('databaseUrl') };
    const dead = await startFileServer({ files: new Map(), listing: 'json' });
    servers.push(dead);
    const failed = await runCli(['references', 'sync', '--source', 'osai', '--osai-url', dead.url], { env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('OSAI: FAILED');

    const bad = await runCli(['references', 'sync', '--source', 'nope'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be mot, osai or all');
  });
});

describe.skipIf(!sharedReferenceDataPresent)('references sync of the real raw reference data (../shared)', () => {
  it('stores every MOT record and every Index model file', async () => {
    const { records } = motRecordsFromSharedData();
    const mot = await startMotFake({ records });
    const osai = await startFileServer({ files: osaiFilesFromSharedData(), listing: 'json' });
    servers.push(mot, osai);
    const results = await syncReferences(
      [new MotAdapter({ baseUrl: mot.url, http: http() }), new OsaiAdapter({ baseUrl: osai.url, http: http() })],
      repository(),
    );
    expect(results.map((result) => result.ok && [result.source, result.fetched, result.skipped.length])).toEqual([
      ['MOT', records.length, 0],
      ['OSAI', 193, 0],
    ]);
    const { rows: counts } = await db.pool.query<{ source: string; n: string; with_repo: string }>(
      `SELECT source::text, count(*) AS n, count(hf_repo_id) AS with_repo FROM openness_references GROUP BY source ORDER BY source`,
    );
    expect(counts.map((row) => [row.source, Number(row.n)])).toEqual([
      ['MOT', records.length],
      ['OSAI', 193],
    ]);
  });
});
