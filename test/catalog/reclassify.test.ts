/** Reclassification from stored raw records, against the real Postgres and the real classifier. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { ReclassifyService } from '../../src/catalog/reclassify.service.js';
import { silentPublisher } from '../../src/catalog/change-publisher.js';
import { HubClient } from '../../src/outbound/hub-client.js';
import { unlimited } from '../../src/outbound/request-budget.js';
import { HuggingFaceAdapter } from '../../src/crawl/huggingface/huggingface.adapter.js';
import { RULES_VERSION } from '../../src/openness/rules-version.js';
import { useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();
const logger = pino({ level: 'silent' });
const adapter = new HuggingFaceAdapter({
  endpoint: 'http://127.0.0.1:9',
  createClient: () => new HubClient({ limiter: unlimited, logger }),
});

function hfRecord(id: string, license: string) {
  return {
    _id: '0123456789abcdef01234567',
    id,
    author: id.split('/')[0],
    sha: '0123456789abcdef0123456789abcdef01234567',
    lastModified: '2025-05-01T10:00:00.000Z',
    createdAt: '2024-05-01T10:00:00.000Z',
    downloads: 5000,
    likes: 12,
    gated: false,
    library_name: 'transformers',
    pipeline_tag: 'text-generation',
    tags: ['transformers', `license:${license}`],
    cardData: { license },
    siblings: [{ rfilename: 'README.md' }, { rfilename: 'config.json' }, { rfilename: 'model.safetensors' }],
    safetensors: { total: 124_000_000, parameters: { BF16: 124_000_000 } },
  };
}

async function seed(ingest: IngestRepository) {
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'http://x')`,
  );
  const models = ['acme/a', 'acme/b', 'acme/c'].map((id) => {
    const built = adapter.buildModel(hfRecord(id, 'mit'));
    if (!built.ok) throw new Error(built.reason);
    return built.model;
  });
  await ingest.ingestPage(models);
}

describe('ReclassifyService', () => {
  it('restamps unchanged results with the current rules version and writes no change rows', async () => {
    const ingest = new IngestRepository(db.pool);
    await seed(ingest);
    await db.pool.query(`UPDATE openness_assessments SET rules_version = '0.0.1'`);
    const service = new ReclassifyService({
      pool: db.pool,
      ingest,
      adapters: new Map([['huggingface', adapter]]),
      publisher: silentPublisher,
      logger,
    });
    expect(await service.pending(RULES_VERSION)).toBe(3);
    expect(await service.anyPending(RULES_VERSION)).toBe(true);

    const first = await service.batch(RULES_VERSION, '', 2);
    const second = await service.batch(RULES_VERSION, first.nextAfter ?? '', 2);

    expect([first.processed, first.changed, first.nextAfter]).toEqual([2, 0, 'huggingface:acme/b']);
    expect([second.processed, second.changed, second.nextAfter]).toEqual([1, 0, null]);
    expect(await service.pending(RULES_VERSION)).toBe(0);
    expect(await service.anyPending(RULES_VERSION)).toBe(false);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM model_changes WHERE kind <> 'CREATED'`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('writes a change row only for a model whose result changed, and keeps counters and last-seen', async () => {
    const ingest = new IngestRepository(db.pool);
    await seed(ingest);
    await db.pool.query(`UPDATE models SET downloads = 777, last_seen_at = '2026-01-01T00:00:00Z'`);
    // What a rules change does to one model's result, simulated through its stored record.
    await db.pool.query(
      `UPDATE raw_records SET payload = jsonb_set(jsonb_set(payload, '{cardData,license}', '"cc-by-nc-4.0"'), '{tags,1}', '"license:cc-by-nc-4.0"')
       WHERE model_id = 'huggingface:acme/b'`,
    );
    await db.pool.query(`UPDATE openness_assessments SET rules_version = '0.0.1'`);
    const service = new ReclassifyService({
      pool: db.pool,
      ingest,
      adapters: new Map([['huggingface', adapter]]),
      publisher: silentPublisher,
      logger,
    });

    const batch = await service.batch(RULES_VERSION, '');

    expect(batch).toEqual({ processed: 3, changed: 1, nextAfter: null });
    const { rows } = await db.pool.query<{ model_id: string; kind: string }>(
      `SELECT model_id, kind FROM model_changes WHERE kind <> 'CREATED'`,
    );
    expect(rows).toEqual([{ model_id: 'huggingface:acme/b', kind: 'LICENSE_CHANGED' }]);
    const b = await db.prisma.model.findUniqueOrThrow({ where: { id: 'huggingface:acme/b' } });
    expect([b.licenseId, b.opennessLevel, b.downloads, b.lastSeenAt.toISOString()]).toEqual([
      'CC-BY-NC-4.0',
      'WEIGHTS_RESTRICTED',
      777,
      '2026-01-01T00:00:00.000Z',
    ]);
  });
});
