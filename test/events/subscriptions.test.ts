/**
 * `Subscription.modelChanged` over graphql-ws and the `changes` feed, against real Postgres and
 * Redis, with two API instances sharing one Redis: delivery across instances, catch-up with
 * `after` (no gap, no duplicate at the seam), filters (expectations computed here from what the
 * test changed, not with the filter code under test), gap filling when announcements are lost,
 * a Redis outage, a subscriber too slow to keep up, and every error.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { CatalogModel } from '../../src/catalog/catalog-model.js';
import { IngestRepository, type CommittedChange } from '../../src/catalog/ingest.repository.js';
import { EMPTY_CHANGE_FILTER } from '../../src/events/change-filter.js';
import { ChangeLog } from '../../src/events/change-log.repository.js';
import { silentPublisher, type ChangePublisher } from '../../src/catalog/change-publisher.js';
import { RedisChangePublisher } from '../../src/events/redis-change-publisher.js';
import { ChangeStream } from '../../src/events/change-stream.js';
import { ChangeSubscription } from '../../src/events/change-subscription.js';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { OPENNESS_LEVELS, type LicenseCategory, type OpennessLevel } from '../../src/openness/types.js';
import { closeRedis, createRedis } from '../../src/queue/redis.js';
import { graphql, startApi, type RunningApi } from '../helpers/api.js';
import { buildCatalogModel, buildLicense, buildOpenness, NON_COMMERCIAL_LICENSE } from '../helpers/catalog-models.js';
import { silentLogger, useTestDatabase } from '../helpers/database.js';
import { expectEventually } from '../helpers/eventually.js';
import { PrivateRedis } from '../helpers/redis-server.js';
import { subscribe, type TestSubscriber } from '../helpers/subscriptions.js';

const db = useTestDatabase();
const prefix = `test-subs-${randomBytes(4).toString('hex')}`;
let redis: Redis;
let apiA: RunningApi;
let apiB: RunningApi;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = createRedis(inject('redisUrl'), 'producer', silentLogger);
  const env = { CHANGE_STREAM_POLL_MS: '60000' };
  apiA = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix, env });
  apiB = await startApi({ db, redisUrl: inject('redisUrl'), queuePrefix: prefix, env });
});

/**
 * The shared test database restarts ids at every test (TRUNCATE … RESTART IDENTITY), which a real
 * log never does: move each test's ids above everything the running instances have seen.
 */
let idFloor = 0;

beforeEach(async () => {
  idFloor += 1_000_000;
  await db.pool.query(`SELECT setval(pg_get_serial_sequence('model_changes', 'id'), $1)`, [idFloor]);
  await db.pool.query(
    `INSERT INTO hubs (id, name, kind, base_url) VALUES ('huggingface', 'Hugging Face', 'MODEL_HUB', 'https://huggingface.co')`,
  );
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await Promise.all([apiA.stop(), apiB.stop()]);
  await closeRedis(redis);
});

const NON_COMMERCIAL = NON_COMMERCIAL_LICENSE;

/** A model of `author` at openness `level` under `license` (MIT unless given). */
function model(
  repoId: string,
  options: { level?: OpennessLevel; license?: ReturnType<typeof buildLicense>; sha?: string } = {},
): CatalogModel {
  const license = options.license ?? buildLicense();
  return buildCatalogModel(repoId, {
    license,
    sha: options.sha ?? 'a'.repeat(40),
    openness: buildOpenness({ license, level: options.level ?? 'OPEN_WEIGHTS' }),
  });
}

class Writer {
  private readonly ingest = new IngestRepository(db.pool);

  constructor(private readonly publisher: ChangePublisher) {}

  async write(models: readonly CatalogModel[]): Promise<CommittedChange[]> {
    const result = await this.ingest.ingestPage(models);
    if (!result) throw new Error('page refused');
    await this.publisher.publish(result.changes);
    return [...result.changes];
  }
}

const announced = () => new Writer(new RedisChangePublisher(redis, prefix, silentLogger));

function track(subscriber: TestSubscriber): TestSubscriber {
  cleanup.push(() => subscriber.close());
  return subscriber;
}

const ids = (changes: readonly { id: string }[]) => changes.map((change) => change.id);

describe('modelChanged', () => {
  it('delivers a change committed by a writer to a subscriber on the other instance, with the model as it is now', async () => {
    const writer = announced();
    const subscriber = track(subscribe(apiB.url, { after: '0' }));
    const committed = await writer.write([model('org/one'), model('org/two')]);
    const relicensed = await writer.write([model('org/one', { license: NON_COMMERCIAL })]);
    const events = await subscriber.waitFor(3);
    expect(ids(events)).toEqual(ids([...committed, ...relicensed]));
    expect(events.map((event) => event.kind)).toEqual(['CREATED', 'CREATED', 'LICENSE_CHANGED']);
    expect(events[2]).toMatchObject({
      modelId: 'huggingface:org/one',
      before: { license: 'MIT', licenseCategory: 'PERMISSIVE' },
      after: { license: 'CC-BY-NC-4.0', licenseCategory: 'NON_COMMERCIAL' },
      model: { id: 'huggingface:org/one', license: { id: 'CC-BY-NC-4.0', category: 'NON_COMMERCIAL' } },
    });
  });

  it('catches up from `after`, then goes live, with no gap and no duplicate at the seam', async () => {
    const writer = announced();
    const early: CommittedChange[] = [];
    for (let page = 0; page < 4; page++) {
      early.push(...(await writer.write(Array.from({ length: 10 }, (_, i) => model(`early/m${page * 10 + i}`)))));
    }
    const after = (early[14] as CommittedChange).id;
    // Writes keep committing while the subscription starts, catches up and switches to live.
    const late: CommittedChange[] = [];
    const writing = (async () => {
      for (let page = 0; page < 20; page++) {
        late.push(...(await writer.write([model(`late/a${page}`), model(`late/b${page}`)])));
        await sleep(5);
      }
    })();
    const subscriber = track(subscribe(apiA.url, { after }));
    await writing;
    const expected = [...early.slice(15), ...late].map((change) => change.id);
    await subscriber.waitFor(expected.length);
    await sleep(300); // anything extra would arrive now
    expect(ids(subscriber.events)).toEqual(expected);
  });

  it('a filtered subscription receives exactly the matching changes', async () => {
    const writer = announced();
    const byKinds = track(
      subscribe(apiA.url, { after: '0', filter: { kinds: ['LICENSE_CHANGED', 'GATING_CHANGED'] } }),
    );
    const byAuthor = track(subscribe(apiB.url, { after: '0', filter: { authors: ['alpha'] } }));
    const byCategory = track(subscribe(apiA.url, { after: '0', filter: { licenseCategories: ['NON_COMMERCIAL'] } }));
    const byLevel = track(subscribe(apiB.url, { after: '0', filter: { minOpennessLevel: 'OPEN_TOOLING' } }));
    const byModel = track(
      subscribe(apiA.url, { after: '0', filter: { modelIds: ['huggingface:beta/b1'], kinds: ['CREATED', 'UPDATED'] } }),
    );

    // What the test does, and the facts of each change after it happened (computed here).
    interface Fact {
      id: string;
      kind: string;
      modelId: string;
      author: string;
      category: LicenseCategory;
      level: OpennessLevel;
    }
    const facts: Fact[] = [];
    const record = (
      changes: CommittedChange[],
      of: Record<string, { category: LicenseCategory; level: OpennessLevel }>,
    ) => {
      for (const change of changes) {
        const after = of[change.modelId] as { category: LicenseCategory; level: OpennessLevel };
        facts.push({ ...change, author: change.modelId.split(':')[1]!.split('/')[0]!, ...after });
      }
    };
    record(
      await writer.write([
        model('alpha/a1', { level: 'OPEN_SCIENCE' }),
        model('alpha/a2'),
        model('beta/b1', { level: 'OPEN_TOOLING' }),
        model('beta/b2'),
      ]),
      {
        'huggingface:alpha/a1': { category: 'PERMISSIVE', level: 'OPEN_SCIENCE' },
        'huggingface:alpha/a2': { category: 'PERMISSIVE', level: 'OPEN_WEIGHTS' },
        'huggingface:beta/b1': { category: 'PERMISSIVE', level: 'OPEN_TOOLING' },
        'huggingface:beta/b2': { category: 'PERMISSIVE', level: 'OPEN_WEIGHTS' },
      },
    );
    record(
      await writer.write([
        model('alpha/a2', { license: NON_COMMERCIAL, level: 'OPEN_WEIGHTS_CONDITIONAL' }),
        model('beta/b1', { level: 'OPEN_TOOLING', sha: 'b'.repeat(40) }),
      ]),
      {
        'huggingface:alpha/a2': { category: 'NON_COMMERCIAL', level: 'OPEN_WEIGHTS_CONDITIONAL' },
        'huggingface:beta/b1': { category: 'PERMISSIVE', level: 'OPEN_TOOLING' },
      },
    );
    record(
      await writer.write([
        { ...model('beta/b2'), gating: 'MANUAL' },
        model('alpha/a1', { license: NON_COMMERCIAL, level: 'OPEN_SCIENCE' }),
      ]),
      {
        'huggingface:beta/b2': { category: 'PERMISSIVE', level: 'OPEN_WEIGHTS' },
        'huggingface:alpha/a1': { category: 'NON_COMMERCIAL', level: 'OPEN_SCIENCE' },
      },
    );
    // Everything the subscribers may receive has been committed: a sentinel ends each wait.
    const sentinel = await writer.write([model('alpha/zz', { license: NON_COMMERCIAL, level: 'OPEN_SCIENCE' })]);
    record(sentinel, { 'huggingface:alpha/zz': { category: 'NON_COMMERCIAL', level: 'OPEN_SCIENCE' } });

    const rank = (level: OpennessLevel) => OPENNESS_LEVELS.indexOf(level);
    const expectations: [TestSubscriber, (fact: Fact) => boolean][] = [
      [byKinds, (f) => f.kind === 'LICENSE_CHANGED' || f.kind === 'GATING_CHANGED'],
      [byAuthor, (f) => f.author === 'alpha'],
      [byCategory, (f) => f.category === 'NON_COMMERCIAL'],
      [byLevel, (f) => rank(f.level) >= rank('OPEN_TOOLING')],
      [byModel, (f) => f.modelId === 'huggingface:beta/b1' && (f.kind === 'CREATED' || f.kind === 'UPDATED')],
    ];
    expect(facts.map((f) => f.kind)).toEqual([
      'CREATED',
      'CREATED',
      'CREATED',
      'CREATED',
      'LICENSE_CHANGED',
      'UPDATED',
      // Within one commit, rows are in model id order.
      'LICENSE_CHANGED',
      'GATING_CHANGED',
      'CREATED',
    ]);
    for (const [subscriber, matches] of expectations) {
      const expected = facts.filter(matches).map((f) => f.id);
      expect(expected.length).toBeGreaterThan(0);
      await subscriber.waitFor(expected.length);
    }
    await sleep(300);
    for (const [subscriber, matches] of expectations) {
      expect(ids(subscriber.events)).toEqual(facts.filter(matches).map((f) => f.id));
    }
  });

  it('fills a gap from the log when announcements were lost (it does not trust pub/sub alone)', async () => {
    const quiet = new Writer(silentPublisher);
    const subscriber = track(subscribe(apiB.url, { after: '0' }));
    // Three commits nobody announces, then one announced: the instance reads everything after its position.
    const unannounced = [
      ...(await quiet.write([model('gap/one')])),
      ...(await quiet.write([model('gap/two')])),
      ...(await quiet.write([model('gap/three')])),
    ];
    const announcedChanges = await announced().write([model('gap/four')]);
    // The instances poll only every 60 s here: only the announcement of id 4 can have woken them.
    const events = await subscriber.waitFor(4, 5_000);
    expect(ids(events)).toEqual(ids([...unannounced, ...announcedChanges]));
  });

  it('without any announcement, the safety-net poll still delivers', async () => {
    const api = await startApi({
      db,
      redisUrl: inject('redisUrl'),
      queuePrefix: prefix,
      env: { CHANGE_STREAM_POLL_MS: '200' },
    });
    cleanup.push(() => api.stop());
    const subscriber = track(subscribe(api.url, { after: '0' }));
    const committed = await new Writer(silentPublisher).write([model('quiet/one'), model('quiet/two')]);
    expect(ids(await subscriber.waitFor(2, 5_000))).toEqual(ids(committed));
  });

  it('keeps delivering from the log while Redis is down, and loses nothing across the outage', async () => {
    const privateRedis = await PrivateRedis.start();
    cleanup.push(() => privateRedis.stop());
    const api = await startApi({
      db,
      redisUrl: privateRedis.url,
      queuePrefix: prefix,
      env: { CHANGE_STREAM_POLL_MS: '60000', CHANGE_STREAM_DEGRADED_POLL_MS: '200' },
    });
    cleanup.push(() => api.stop());
    const publisherRedis = createRedis(privateRedis.url, 'producer', silentLogger);
    cleanup.push(() => closeRedis(publisherRedis));
    const writer = new Writer(new RedisChangePublisher(publisherRedis, prefix, silentLogger));

    const subscriber = track(subscribe(api.url, { after: '0' }));
    const before = await writer.write([model('outage/before')]);
    await subscriber.waitFor(1);

    await privateRedis.stop();
    const during: CommittedChange[] = [];
    for (let i = 0; i < 5; i++) during.push(...(await writer.write([model(`outage/during${i}`)])));
    await subscriber.waitFor(6, 10_000);

    await privateRedis.start();
    await expectEventually(() => publisherRedis.ping(), 10_000);
    const after = await writer.write([model('outage/after1'), model('outage/after2')]);
    await subscriber.waitFor(8, 10_000);
    await sleep(300);
    expect(ids(subscriber.events)).toEqual(ids([...before, ...during, ...after]));
  });

  it('ends a subscriber that falls too far behind with SUBSCRIBER_TOO_SLOW and the id to resume from', async () => {
    const subscriberRedis = createRedis(inject('redisUrl'), 'subscriber', silentLogger);
    cleanup.push(() => closeRedis(subscriberRedis));
    const log = new ChangeLog(db.pool);
    const stream = new ChangeStream({ log, subscriber: subscriberRedis, prefix, logger: silentLogger });
    stream.start();
    cleanup.push(() => stream.stop());
    await stream.ready();
    const subscription = new ChangeSubscription(stream, log, EMPTY_CHANGE_FILTER, null, 5);
    const writer = announced();
    const first = await writer.write([model('slow/first')]);
    expect((await subscription.next()).value).toMatchObject({ id: first[0]?.id });
    // Nobody reads now: ten more changes overflow a buffer of five.
    await writer.write(Array.from({ length: 10 }, (_, i) => model(`slow/m${i}`)));
    await expectEventually(() => expect(stream.lastId).not.toBe(first[0]?.id));
    await expect(subscription.next()).rejects.toMatchObject({
      extensions: { code: 'SUBSCRIBER_TOO_SLOW', lastDeliveredId: first[0]?.id },
    });
    expect((await subscription.next()).done).toBe(true);
  });

  it('refuses bad arguments with BAD_USER_INPUT and an unknown `after` with a clear error', async () => {
    await announced().write([model('errors/one')]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ after: '999999' }, /no change has id 999999/],
      [{ after: 'yesterday' }, /must be the id of a change/],
      [{ filter: { kinds: ['NOPE'] } }, /NOPE/],
      [{ filter: { modelIds: Array.from({ length: 101 }, (_, i) => `huggingface:m/${i}`) } }, /at most 100 values/],
    ];
    for (const [variables, message] of cases) {
      const subscriber = track(subscribe(apiA.url, variables));
      const error = (await subscriber.waitForError()) as { message: string; extensions?: { code?: string } };
      expect(error.message).toMatch(message);
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('applies the depth limit before running a subscription, and refuses an invalid API key', async () => {
    const api = await startApi({
      db,
      redisUrl: inject('redisUrl'),
      queuePrefix: prefix,
      env: { GRAPHQL_MAX_DEPTH: '2' },
    });
    cleanup.push(() => api.stop());
    const deep = track(
      subscribe(api.url, {}, { query: 'subscription { modelChanged { id model { license { id } } } }' }),
    );
    const error = (await deep.waitForError()) as { extensions?: { code?: string } };
    expect(error.extensions?.code).toBe('QUERY_TOO_COMPLEX');

    const badKey = track(subscribe(apiA.url, {}, { connectionParams: { authorization: 'Bearer cat_nope' } }));
    const closed = (await badKey.waitForError()) as { code?: number };
    expect(closed.code).toBe(4401);
  });

  it('is not served over HTTP POST', async () => {
    const { body } = await graphql(apiA.url, 'subscription { modelChanged { id } }');
    expect(body.errors?.[0]?.message).toMatch(/WebSocket/);
  });
});

describe('changes feed', () => {
  const CHANGES = `query Feed($filter: ChangeFilter, $first: Int, $after: String) {
    changes(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id kind modelId } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }`;
  type Feed = {
    changes: {
      totalCount: number;
      edges: { cursor: string; node: { id: string; kind: string; modelId: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    };
  };

  it('pages through every change once, oldest first, with the change id as the cursor', async () => {
    const writer = announced();
    const committed: CommittedChange[] = [];
    for (let page = 0; page < 5; page++) {
      committed.push(...(await writer.write(Array.from({ length: 5 }, (_, i) => model(`feed/m${page}-${i}`)))));
    }
    committed.push(...(await writer.write([model('feed/m0-0', { license: NON_COMMERCIAL })])));
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const response: { body: { data?: Feed; errors?: unknown[] } } = await graphql<Feed>(apiA.url, CHANGES, {
        first: 7,
        after,
      });
      expect(response.body.errors).toBeUndefined();
      const feed: Feed['changes'] = response.body.data!.changes;
      expect(feed.totalCount).toBe(committed.length);
      for (const edge of feed.edges) expect(edge.cursor).toBe(edge.node.id);
      seen.push(...feed.edges.map((edge) => edge.node.id));
      expect(feed.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!feed.pageInfo.hasNextPage) break;
      after = feed.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids(committed));

    const { body } = await graphql<Feed>(apiB.url, CHANGES, { filter: { kinds: ['LICENSE_CHANGED'] } });
    expect(body.data!.changes.edges.map((edge) => edge.node.id)).toEqual(ids(committed.slice(-1)));
    expect(body.data!.changes.totalCount).toBe(1);
  });

  it('refuses an unknown `after`, a malformed one and an oversized page', async () => {
    await announced().write([model('feed/one')]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ after: '424242' }, /no change has id 424242/],
      [{ after: '-1' }, /must be the id of a change/],
      [{ first: 101 }, /maximum page size of 100/],
      [{ filter: { since: 'last week' } }, /DateTime|since/],
    ];
    for (const [variables, message] of cases) {
      const { body } = await graphql(apiA.url, CHANGES, variables);
      expect(body.errors?.[0]?.message).toMatch(message);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
  });
});

describe('the README subscription snippet', () => {
  it('runs as written and prints a relicensing it is subscribed to', async () => {
    const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
    const snippet = /```js\n(\/\/ subscribe\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'README has the subscribe.mjs snippet').toBeTruthy();
    // Inside the project, so `graphql-ws` and `ws` resolve from its node_modules as after `npm i`.
    const file = join(PROJECT_ROOT, `.subscribe-${randomBytes(4).toString('hex')}.mjs`);
    await writeFile(file, snippet!.replace('ws://localhost:4000', apiA.url.replace(/^http/, 'ws')));
    const writer = announced();
    const created = await writer.write([model('readme/model')]);
    const child = spawn(process.execPath, [file, created[0]!.id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await sleep(500);
      const relicensed = await writer.write([model('readme/model', { license: NON_COMMERCIAL })]);
      await expectEventually(() =>
        expect(stdout).toContain(`${relicensed[0]!.id} LICENSE_CHANGED huggingface:readme/model`),
      );
    } finally {
      child.kill();
      await rm(file, { force: true });
    }
  });
});
