/**
 * `GET /feeds/changes.atom?…`: the change feed as Atom 1.0, for feed readers. The query string
 * takes the fields of `ChangeFilter` (lists comma-separated or repeated: `?kinds=LICENSE_CHANGED,
 * GATING_CHANGED&authors=meta-llama`) plus `limit` (1–200, default 50); entries are the newest
 * matching changes, newest first. The XML is written by the `feed` package; this module only maps
 * change rows to entries. Conditional GET: an ETag over the newest entry and the query, so a reader
 * polling an unchanged feed gets 304 without a body.
 *
 * The feed's `<id>` and self link are absolute URLs. With PUBLIC_URL configured they are built from
 * it alone and the feed may be kept by shared caches. Without it they come from the request's Host,
 * which any client can forge: such a feed is marked `private, no-store` and `Vary: Host`, so a
 * forged Host can only ever reach the client that sent it, never a shared cache.
 */
import type { Request, Response } from 'express';
import type { GraphQLInputObjectType } from 'graphql';
import { Feed } from 'feed';
import { CatalogError } from '../../lib/errors.js';
import { parseChangeFilter } from '../../events/change-filter.js';
import type { ChangeLog, LoggedChange } from '../../events/change-log.repository.js';
import { inputFromQuery } from '../query-params.js';
import { answeredNotModified, etagOf, parsedOrRefused } from '../http-responses.js';
import { escapeHtml } from '../../lib/text.js';
import type { CatalogReadRepository } from '../../read-model/catalog-read.repository.js';

export const DEFAULT_FEED_ENTRIES = 50;
export const MAX_FEED_ENTRIES = 200;

/**
 * The feed's parameters: the `changes` query's ChangeFilter, as query parameters named after its
 * fields (src/api/query-params.ts, the syntax of every endpoint), and `limit`.
 */
export function parseFeedQuery(query: Request['query'], filterType: GraphQLInputObjectType) {
  const input = inputFromQuery(filterType, query, ['limit']);
  const filter = parseChangeFilter(input, 'query');
  let limit = DEFAULT_FEED_ENTRIES;
  if (query['limit'] !== undefined) {
    limit = Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FEED_ENTRIES) {
      throw new CatalogError('INVALID_ARGUMENT', `\`limit\` must be an integer from 1 to ${MAX_FEED_ENTRIES}`, {
        argument: 'limit',
      });
    }
  }
  return { filter, limit };
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : 'none';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** "MIT → CC-BY-NC-4.0" for a changed field. */
function transition(change: LoggedChange, field: string): string {
  return `${show(change.before?.[field])} → ${show(change.after?.[field])}`;
}

export function entryTitle(change: LoggedChange, repoId: string): string {
  switch (change.kind) {
    case 'CREATED':
      return `${repoId}: new model (${show(change.after?.['license'])}, ${show(change.after?.['openness.level'])})`;
    case 'LICENSE_CHANGED':
      return `${repoId}: license ${transition(change, 'license')}`;
    case 'GATING_CHANGED':
      return `${repoId}: gating ${transition(change, 'gated')}`;
    case 'OPENNESS_CHANGED':
      return `${repoId}: openness ${transition(change, 'openness.level')}`;
    case 'REMOVED':
      return `${repoId}: removed from the hub`;
    case 'RESTORED':
      return `${repoId}: listed again`;
    case 'UPDATED':
      return `${repoId}: updated (${change.changedFields.join(', ')})`;
  }
}

function entryContent(change: LoggedChange): string {
  const rows = change.changedFields
    .map((field) => `<li><code>${escapeHtml(field)}</code>: ${escapeHtml(transition(change, field))}</li>`)
    .join('');
  return `<p>${escapeHtml(change.kind)} at ${change.occurredAt.toISOString()} (change ${change.id})</p><ul>${rows}</ul>`;
}

/** The path of the feed, under PUBLIC_URL's path when it has one. */
const FEED_PATH = '/feeds/changes.atom';

/**
 * The feed's own absolute URL (its `<id>` and self link), with the request's query string: from
 * `publicUrl` when configured, else from the request's protocol and Host (see the module comment).
 */
function selfUrl(req: Request, publicUrl: string | null): string {
  const queryAt = req.originalUrl.indexOf('?');
  const search = queryAt < 0 ? '' : req.originalUrl.slice(queryAt);
  if (publicUrl !== null) return `${publicUrl}${FEED_PATH}${search}`;
  // Behind a trusted proxy `req.protocol` is X-Forwarded-Proto, whatever it says.
  const protocol = req.protocol === 'https' ? 'https' : 'http';
  return `${protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
}

export function atomFeedHandler(deps: {
  readonly log: ChangeLog;
  readonly catalog: Pick<CatalogReadRepository, 'modelLinksByIds'>;
  /** The schema's ChangeFilter: the feed's parameters are its fields. */
  readonly filterType: GraphQLInputObjectType;
  /** PUBLIC_URL (config.api.publicUrl): absolute, without a trailing slash; null when not configured. */
  readonly publicUrl: string | null;
}) {
  // Only a feed whose every byte is independent of request headers may be shared between clients.
  const cacheHeaders =
    deps.publicUrl !== null ? { 'Cache-Control': 'public, max-age=60' } : { 'Cache-Control': 'private, no-store' };
  return async (req: Request, res: Response): Promise<void> => {
    const query = parsedOrRefused(res, () => parseFeedQuery(req.query, deps.filterType));
    if (query === undefined) return;
    const changes = await deps.log.latest(query.filter, query.limit);
    const self = selfUrl(req, deps.publicUrl);
    // Over the self URL: two feeds that differ in their `<id>` never share an ETag.
    const etag = etagOf(`${changes[0]?.id ?? '0'}|${changes.length}|${self}`);
    res.set({ ETag: etag, ...cacheHeaders });
    if (deps.publicUrl === null) res.vary('Host');
    if (answeredNotModified(req, res, etag)) return;
    const rows = await deps.catalog.modelLinksByIds([...new Set(changes.map((change) => change.modelId))]);
    const links = new Map(rows.map((row) => [row.id, row]));
    const feed = new Feed({
      id: self,
      title: 'Open-model catalog: model changes',
      description: 'Relicensed, gated, removed and new models, as the catalog commits them.',
      link: self,
      feedLinks: { atom: self },
      updated: changes[0]?.occurredAt ?? new Date(0),
      generator: 'open-model catalog',
      copyright: 'Model metadata © its authors; see each model’s license.',
    });
    for (const change of changes) {
      const model = links.get(change.modelId);
      const repoId = model?.repoId ?? change.modelId;
      const link = model ? `${model.baseUrl.replace(/\/+$/, '')}/${model.repoId}` : self;
      feed.addItem({
        id: `urn:open-model-catalog:change:${change.id}`,
        title: entryTitle(change, repoId),
        link,
        date: change.occurredAt,
        description: `${change.kind}: ${change.changedFields.join(', ')}`,
        content: entryContent(change),
        category: [{ term: change.kind }],
        ...(change.author ? { author: [{ name: change.author }] } : {}),
      });
    }
    res.type('application/atom+xml; charset=utf-8').send(feed.atom1());
  };
}
