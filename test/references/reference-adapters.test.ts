/**
 * The reference-source adapters over HTTP, against local fakes: hand-written records first (no
 * ../shared needed), then the real raw data of ../shared when it is present.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MotAdapter } from '../../src/references/mot.adapter.js';
import { OsaiAdapter } from '../../src/references/osai.adapter.js';
import { ReferenceHttp, ReferenceSourceError } from '../../src/references/reference-http.js';
import type { OpennessReference } from '../../src/references/reference.types.js';
import { MOT_FIXTURE_RECORDS, OSAI_FIXTURE_FILES } from '../fixtures/references.js';
import { silentLogger } from '../helpers/database.js';
import {
  groundTruthRows,
  motRecordsFromSharedData,
  osaiFilesFromSharedData,
  sharedReferenceDataPresent,
  startFileServer,
  startMotFake,
  warnWhenSharedDataAbsent,
  type FakeServer,
  type ListingStyle,
} from './fake-sources.js';

warnWhenSharedDataAbsent('MOT and Index adapters over the real raw reference data');

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(start: Promise<FakeServer>): Promise<FakeServer> {
  const server = await start;
  servers.push(server);
  return server;
}

const http = (maxRetries = 2) =>
  new ReferenceHttp({ logger: silentLogger, maxRetries, backoffBaseMs: 5, backoffMaxMs: 20, timeoutMs: 5_000 });

const byId = (references: readonly OpennessReference[]) => new Map(references.map((r) => [r.externalId, r]));

describe('MotAdapter against a fake MOT API (hand-written records)', () => {
  it('pages through /api/v1/models, maps every record and reports the unmappable one', async () => {
    const fake = await serve(startMotFake({ records: MOT_FIXTURE_RECORDS }));
    const adapter = new MotAdapter({ baseUrl: fake.url, http: http(), pageSize: 3 });

    const { references, skipped } = await adapter.fetchAll();

    expect(fake.requests).toEqual(['/api/v1/models?page=1&limit=3', '/api/v1/models?page=2&limit=3']);
    expect(references.map((r) => [r.externalId, r.name, r.hfRepoId, r.class])).toEqual([
      ['1130', 'Amber', 'LLM360/Amber', 'CLASS_I'],
      ['1131', 'Llama-3.1-8B', 'meta-llama/Llama-3.1-8B', 'NONE'],
      ['1132', 'Pending-Model', null, null],
    ]);
    expect(byId(references).get('1130')).toMatchObject({ score: 1, url: `${fake.url}/model/1130` });
    expect(skipped).toEqual([{ externalId: '1133', reason: 'no release name' }]);
  });

  it('fetches /api/v1/model/{id} for a list item without its release', async () => {
    const fake = await serve(startMotFake({ records: MOT_FIXTURE_RECORDS.slice(0, 1), bareInList: new Set(['1130']) }));
    const { references } = await new MotAdapter({ baseUrl: `${fake.url}/`, http: http() }).fetchAll();
    expect(fake.requests).toEqual(['/api/v1/models?page=1&limit=100', '/api/v1/model/1130']);
    expect(references[0]).toMatchObject({ name: 'Amber', class: 'CLASS_I' });
  });

  it('retries 5xx answers', async () => {
    const fake = await serve(startMotFake({ records: MOT_FIXTURE_RECORDS.slice(0, 1), failFirst: 2 }));
    const { references } = await new MotAdapter({ baseUrl: fake.url, http: http(3) }).fetchAll();
    expect(fake.requests).toHaveLength(3);
    expect(references).toHaveLength(1);
  });

  it('gives up with a ReferenceSourceError when the API keeps failing', async () => {
    const fake = await serve(startMotFake({ records: MOT_FIXTURE_RECORDS, failFirst: 100 }));
    await expect(new MotAdapter({ baseUrl: fake.url, http: http(1) }).fetchAll()).rejects.toBeInstanceOf(
      ReferenceSourceError,
    );
    expect(fake.requests).toHaveLength(2);
  });

  it('answers null for an unknown model id', async () => {
    const fake = await serve(startMotFake({ records: MOT_FIXTURE_RECORDS }));
    const adapter = new MotAdapter({ baseUrl: fake.url, http: http() });
    await expect(adapter.fetchModel('9999')).resolves.toBeNull();
    await expect(adapter.fetchModel('1130')).resolves.toMatchObject({ id: '1130' });
  });
});

describe('OsaiAdapter against a fake data repository (hand-written files)', () => {
  it.each<ListingStyle>(['html', 'json', 'text'])(
    'lists the directory (%s listing), reads _parameters.yml and each model file, scores and ranks',
    async (style) => {
      const fake = await serve(startFileServer({ files: new Map(Object.entries(OSAI_FIXTURE_FILES)), listing: style }));
      const { references, skipped } = await new OsaiAdapter({ baseUrl: fake.url, http: http() }).fetchAll();

      expect(fake.requests[0]).toBe('/');
      expect(fake.requests).toContain('/_parameters.yml');
      expect(fake.requests).toContain('/Alpha%20Model.yaml');
      expect(fake.requests).not.toContain('/a_submission_template.yaml');
      expect(references.map((r) => [r.externalId, r.name, r.hfRepoId, r.class, r.score])).toEqual([
        ['Alpha Model.yaml', 'Alpha', 'acme/Alpha-7B-Instruct', 'rank 1/2', 1],
        ['beta.yaml', 'Beta 2', 'beta/Beta-2-XL', 'rank 2/2', 0.1667],
      ]);
      expect(byId(references).get('beta.yaml')).toMatchObject({
        url: `${fake.url}/beta.yaml`,
        grades: { grades: { weights_endmodel: 'partial', package: 'partial' } },
      });
      expect(byId(references).get('beta.yaml')?.sourceVersion).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/ blob [0-9a-f]{40}$/,
      );
      expect(skipped).toEqual([{ externalId: 'gamma.yaml', reason: 'no system.name' }]);
    },
  );

  it('fails when a listed file cannot be read (a missing entry would shift every rank)', async () => {
    const files = new Map(Object.entries(OSAI_FIXTURE_FILES));
    const fake = await serve(startFileServer({ files, listing: 'text' }));
    const adapter = new OsaiAdapter({ baseUrl: fake.url, http: http(), listingUrl: `${fake.url}/listing.txt` });
    files.set('listing.txt', 'Alpha Model.yaml\nmissing.yaml\n');
    await expect(adapter.fetchAll()).rejects.toThrow(/404 from .*missing\.yaml/);
  });

  it('fails on an empty listing', async () => {
    const fake = await serve(startFileServer({ files: new Map(), listing: 'json' }));
    await expect(new OsaiAdapter({ baseUrl: fake.url, http: http() }).fetchAll()).rejects.toThrow(
      /no files in the listing/,
    );
  });
});

describe.skipIf(!sharedReferenceDataPresent)('adapters over the real raw reference data (../shared)', () => {
  it('MOT: every raw/mot_models record maps, with the class, score and HF repo id of ground_truth.csv', async () => {
    const { records, idByFile } = motRecordsFromSharedData();
    const fake = await serve(startMotFake({ records }));
    const { references, skipped } = await new MotAdapter({ baseUrl: fake.url, http: http() }).fetchAll();

    expect(skipped).toEqual([]);
    expect(references).toHaveLength(records.length);
    const byExternalId = byId(references);
    const rows = groundTruthRows().filter((row) => row.source === 'mot');
    let repoIdsChecked = 0;
    for (const row of rows) {
      const reference = byExternalId.get(idByFile.get(row.source_file ?? '') ?? '');
      expect(reference, row.model_name).toBeDefined();
      const expectedClass = { 'Class I': 'CLASS_I', 'Class II': 'CLASS_II', 'Class III': 'CLASS_III', none: 'NONE' }[
        row.mof_class ?? ''
      ];
      expect(reference?.class, row.model_name).toBe(expectedClass);
      const progress =
        (Number(row.mot_progress_class1) + Number(row.mot_progress_class2) + Number(row.mot_progress_class3)) / 300;
      expect(reference?.score, row.model_name).toBeCloseTo(progress, 3);
      if (row.hf_repo_id_provenance === 'from_data') {
        expect(reference?.hfRepoId, row.model_name).toBe(row.hf_repo_id);
        repoIdsChecked++;
      }
    }
    expect(rows).toHaveLength(271);
    expect(repoIdsChecked).toBe(162);
  });

  it('Index: every model file maps, with the score, rank and HF repo id of ground_truth.csv', async () => {
    const fake = await serve(startFileServer({ files: osaiFilesFromSharedData(), listing: 'html' }));
    const { references, skipped } = await new OsaiAdapter({ baseUrl: fake.url, http: http() }).fetchAll();

    expect(skipped).toEqual([]);
    const byFile = byId(references);
    const rows = groundTruthRows().filter((row) => row.source === 'osai' && !(row.notes ?? '').includes('HISTORICAL'));
    expect(rows).toHaveLength(193);
    expect(references).toHaveLength(193);
    let repoIdsChecked = 0;
    for (const row of rows) {
      const reference = byFile.get(row.source_file ?? '');
      expect(reference?.score, row.source_file).toBeCloseTo(Number(row.osai_score_12), 3);
      expect(reference?.class, row.source_file).toBe(`rank ${row.osai_rank_of_n}`);
      if (row.hf_repo_id_provenance === 'from_data') {
        expect(reference?.hfRepoId, row.source_file).toBe(row.hf_repo_id);
        repoIdsChecked++;
      }
    }
    expect(repoIdsChecked).toBe(178);
  });
});
