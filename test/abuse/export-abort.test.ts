/**
 * Exports abandoned mid-stream (a dashboard closed, a `curl | head`): the database cursor is
 * closed and its connection leaves the pool's checked-out set, so abandoned exports can neither
 * exhaust the pool (5 connections here) nor leave a query running in Postgres.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { huggingFaceRecords } from '../../src/catalog/huggingface/huggingface.records.js';
import { HubRepository, knownHubs } from '../../src/catalog/hub.repository.js';
import { IngestRepository } from '../../src/catalog/ingest.repository.js';
import { generateHfRecords } from '../../src/catalog/seed/demo/record-generator.js';
import { loadConfig } from '../../src/config/config.js';
import { EXPORT_CURSOR } from '../../src/read-model/export.repository.js';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';

const MODELS = 8_000;
const db = useTestDatabase();
let api: RunningApi | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

async function seed(): Promise<void> {
  await new HubRepository(db.prisma).upsertAll(knownHubs(loadConfig({ HF_ENDPOINT: 'https://huggingface.co' })));
  const ingest = new IngestRepository(db.pool);
  let page = [];
  for (const record of generateHfRecords(MODELS, { seed: 5 })) {
    const built = huggingFaceRecords.buildModel(record);
    if (!built.ok) throw new Error(built.reason);
    page.push(built.model);
    if (page.length === 1_000) {
      await ingest.ingestPage(page);
      page = [];
    }
  }
  if (page.length > 0) await ingest.ingestPage(page);
}

/**
 * Read an export until `bytes` have arrived, then hang up; resolves with what was read. Refuses
 * anything but a 200: an export refused because an earlier one left its connection dirty is a leak.
 */
function readThenHangUp(url: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      if (res.statusCode !== 200) {
        req.destroy();
        reject(new Error(`GET ${url} answered ${res.statusCode}`));
        return;
      }
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= bytes) {
          req.destroy();
          resolve(received);
        }
      });
      res.on('end', () => resolve(received));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}

/**
 * Sessions of this database with an export's cursor open: running its statement or a FETCH from
 * it, or idle in its transaction between two FETCHes.
 */
async function exportQueriesRunning(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND position($1 in query) > 0
       AND state <> 'idle'`,
    [EXPORT_CURSOR],
  );
  return rows[0]?.n ?? 0;
}

describe('an export the client abandons', () => {
  it('closes the cursor and gives the connection back; the pool is never exhausted', { timeout: 90_000 }, async () => {
    await seed();
    api = await startApi({ db, redisUrl: inject('redisUrl') });
    const whole = await (await fetch(`${api.url}/export/models.csv`)).arrayBuffer();
    expect(whole.byteLength).toBeGreaterThan(1_000_000);

    // Twice the pool's size: a leaked connection each time would exhaust it.
    for (let attempt = 0; attempt < 10; attempt++) {
      const read = await readThenHangUp(`${api.url}/export/models.csv`, 64 * 1024);
      expect(read).toBeLessThan(whole.byteLength / 4);
    }
    await expectEventually(async () => {
      expect(db.pool.totalCount - db.pool.idleCount).toBe(0);
      expect(await exportQueriesRunning()).toBe(0);
    });

    // And the next export is whole.
    const after = await (await fetch(`${api.url}/export/models.jsonl`)).text();
    expect(after.split('\n').filter((line) => line.length > 0)).toHaveLength(MODELS);
  });
});
