/**
 * A model's detail view: what the catalog knows of it, its openness by component, and — side by
 * side — the evidence our classification rests on and what the expert references (Model Openness
 * Tool, European Open Source AI Index) say, so a reader can see where they agree and why.
 */
import type { ModelDetail } from './documents.js';
import { el, fill } from './dom.js';
import { count, date, levelText, licenseText, parameters, time, words } from './format.js';
import { levelChip } from './table.js';

type Openness = NonNullable<ModelDetail['openness']>;
type Reference = Openness['references'][number];

function facts(rows: [string, Node | string | null][]): HTMLElement {
  return el(
    'dl',
    { class: 'facts' },
    rows
      .filter(([, value]) => value !== null && value !== '')
      .flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]),
  );
}

function status(value: string): HTMLElement {
  return el('span', { class: `status status-${value.toLowerCase()}` }, words(value));
}

function components(openness: Openness): HTMLElement {
  const rows: [string, string][] = [
    ['Weights', openness.weights.availability],
    ['Inference code', openness.code.inference],
    ['Training code', openness.code.training],
    ['Training data', openness.data.training],
    ['Model card', openness.documentation.modelCard],
    ['Paper', openness.documentation.paper],
    ['Evaluation', openness.documentation.evaluation],
  ];
  return el(
    'table',
    { class: 'components' },
    el('caption', {}, 'Components'),
    el(
      'tbody',
      {},
      rows.map(([name, value]) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, status(value)))),
    ),
  );
}

function evidence(openness: Openness): HTMLElement {
  return el(
    'section',
    { class: 'evidence', 'aria-labelledby': 'evidence-title' },
    el('h3', { id: 'evidence-title' }, 'Evidence (this catalog)'),
    el('p', { class: 'muted' }, `Rules ${openness.rulesVersion}, assessed ${time(openness.assessedAt)}.`),
    openness.evidence.length === 0
      ? el('p', {}, 'No evidence recorded.')
      : el(
          'table',
          {},
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Dimension and rule', 'Status', 'Source', 'Value'].map((h) => el('th', { scope: 'col' }, h)),
            ),
          ),
          el(
            'tbody',
            {},
            openness.evidence.map((row) =>
              el(
                'tr',
                {},
                el('td', {}, row.dimension, el('code', { class: 'rule' }, row.rule)),
                el('td', {}, status(row.status)),
                el('td', {}, row.source),
                el('td', { class: 'value' }, row.value ?? '—'),
              ),
            ),
          ),
        ),
  );
}

function grades(value: unknown): HTMLElement | null {
  if (value === null || typeof value !== 'object') return null;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return null;
  return el(
    'dl',
    { class: 'grades' },
    entries.flatMap(([name, grade]) => [
      el('dt', {}, name),
      el('dd', {}, typeof grade === 'object' && grade !== null ? JSON.stringify(grade) : String(grade)),
    ]),
  );
}

function reference(row: Reference): HTMLElement {
  const source =
    row.source === 'MOT' ? 'Model Openness Tool' : row.source === 'OSAI' ? 'European Open Source AI Index' : row.source;
  return el(
    'article',
    { class: 'reference', 'data-source': row.source },
    el('h4', {}, row.url ? el('a', { href: row.url, rel: 'noopener noreferrer', target: '_blank' }, source) : source),
    facts([
      ['Entry', row.name],
      ['Class / rank', row.class],
      ['Score', row.score === null ? null : String(row.score)],
      ['Version', row.sourceVersion],
      ['Fetched', date(row.fetchedAt)],
    ]),
    grades(row.grades),
  );
}

function references(openness: Openness): HTMLElement {
  return el(
    'section',
    { class: 'references', 'aria-labelledby': 'references-title' },
    el('h3', { id: 'references-title' }, 'Expert references'),
    openness.references.length === 0
      ? el(
          'p',
          { class: 'muted' },
          'Neither the Model Openness Tool nor the European Open Source AI Index has assessed this model.',
        )
      : openness.references.map(reference),
  );
}

/** What the model's hub says beyond the catalog's fields (Civitai's NSFW flag, OpenRouter's prices). */
function hubData(model: ModelDetail): HTMLElement | null {
  const entries = Object.entries(model.hubData ?? {}).filter(([name]) => name !== 'sameAs');
  if (entries.length === 0) return null;
  const text = (value: unknown): string =>
    Array.isArray(value)
      ? value.map(text).join(', ')
      : typeof value === 'object' && value !== null
        ? JSON.stringify(value)
        : String(value);
  return el(
    'section',
    { class: 'hub-data' },
    el('h3', {}, `From ${model.hub}`),
    el(
      'dl',
      { class: 'facts' },
      entries.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, text(value))]),
    ),
  );
}

/** The Markdown a model's publisher pastes into a README for its badge. */
function badgeSnippet(model: ModelDetail): HTMLElement {
  const origin = window.location.origin;
  const path = `/badge/${model.hub}/${model.repoId.split('/').map(encodeURIComponent).join('/')}.svg`;
  const page = `${origin}/?model=${encodeURIComponent(model.id)}`;
  const markdown = `[![openness](${origin}${path})](${page})`;
  return el(
    'section',
    { class: 'badge' },
    el('h3', {}, 'Badge'),
    el('img', { src: path, alt: `openness: ${levelText(model.openness?.level ?? null)}` }),
    el('pre', {}, el('code', {}, markdown)),
  );
}

export function renderDetail(
  title: HTMLElement,
  body: HTMLElement,
  model: ModelDetail,
  linkTo: (id: string) => string,
): void {
  fill(title, model.repoId, ' ', el('span', { class: 'hub' }, model.hub));
  const openness = model.openness;
  fill(
    body,
    el(
      'div',
      { class: 'detail-summary' },
      levelChip(openness?.level ?? null),
      model.removedAt ? el('span', { class: 'removed' }, `removed from the hub ${date(model.removedAt)}`) : null,
      el('a', { href: model.url, rel: 'noopener noreferrer', target: '_blank' }, `Open on ${model.hub}`),
    ),
    model.cardSummary ? el('p', { class: 'summary' }, model.cardSummary) : null,
    el(
      'div',
      { class: 'detail-grid' },
      facts([
        ['License', model.license ? `${model.license.name} (${model.license.id})` : 'none declared'],
        ['Category', model.license ? licenseText(model.license.category) : null],
        ['Commercial use', model.license ? words(model.license.commercialUse) : null],
        ['OSI approved', model.license ? (model.license.osiApproved ? 'yes' : 'no') : null],
        ['As the hub says', model.license?.hubValue ?? null],
        ['MOF class', openness ? words(openness.mofClass) : null],
        ['Score', openness ? openness.score.toFixed(2) : null],
        ['Missing', openness && openness.missingComponents.length > 0 ? openness.missingComponents.join(', ') : null],
        ['Author', model.author],
        ['Task', model.task],
        ['Library', model.library],
        ['Gated', model.gated ? words(model.gated) : null],
        ['Parameters', parameters(model.parameterCount)],
        ['Downloads', count(model.downloads)],
        ['Likes', count(model.likes)],
        ['Created', date(model.createdAt)],
        ['Updated', date(model.lastModified)],
        ['Formats', openness && openness.weights.formats.length > 0 ? openness.weights.formats.join(', ') : null],
        [
          'Also on',
          model.sameAs.length > 0
            ? el(
                'span',
                { class: 'same-as' },
                model.sameAs.map((other) =>
                  el('a', { href: linkTo(other.id), class: 'model-link', 'data-model-id': other.id }, other.id),
                ),
              )
            : null,
        ],
        [
          'Base models',
          model.baseModels.length > 0
            ? el(
                'span',
                {},
                model.baseModels.map((base) =>
                  el('a', { href: linkTo(base.id), class: 'model-link', 'data-model-id': base.id }, base.id),
                ),
              )
            : null,
        ],
      ]),
      openness ? components(openness) : el('p', {}, 'Not assessed yet.'),
    ),
    openness ? el('div', { class: 'side-by-side' }, evidence(openness), references(openness)) : null,
    hubData(model),
    el(
      'section',
      { class: 'history' },
      el('h3', {}, 'History'),
      model.history.nodes.length === 0
        ? el('p', { class: 'muted' }, 'No changes recorded.')
        : el(
            'ol',
            {},
            model.history.nodes.map((change) =>
              el(
                'li',
                {},
                el('time', { datetime: change.occurredAt }, time(change.occurredAt)),
                ' ',
                words(change.kind),
                change.changedFields.length > 0 ? `: ${change.changedFields.join(', ')}` : '',
              ),
            ),
          ),
    ),
    badgeSnippet(model),
  );
}
