/**
 * The GraphQL-over-HTTP spec's own server audit (graphql-http's `auditServer`) against the API as
 * it runs in production: no errors, and only the warnings the README explains (Apollo answers
 * 400, not 200, to a document that does not parse or validate, or variables that do not coerce,
 * under the legacy `application/json` response type).
 */
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type RunningApi } from '../helpers/api.js';
import { useTestDatabase } from '../helpers/database.js';

/** The warnings README "GraphQL over HTTP" explains, by audit id. */
const EXPLAINED_WARNINGS = ['572B', 'FDE2', '7B9B'];

const db = useTestDatabase();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ db, redisUrl: inject('redisUrl'), env: { NODE_ENV: 'production' } });
});
afterAll(() => api.stop());

describe('graphql-http server audit', () => {
  it('passes every MUST, and warns only where the README says why', async () => {
    const results = await auditServer({ url: `${api.url}/graphql` });
    const failed = (status: string) =>
      results
        .filter((result) => result.status === status)
        .map((result) => `${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(results.length).toBeGreaterThan(30);
    expect(failed('error')).toEqual([]);
    expect(results.filter((result) => result.status === 'warn').map((result) => result.id)).toEqual(EXPLAINED_WARNINGS);
  });
});
