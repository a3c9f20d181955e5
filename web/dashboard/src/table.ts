/** The models table: one page of `models`, each row linking to the model's detail view. */
import type { ModelRow } from './documents.js';
import { el, fill } from './dom.js';
import { compactCount, count, levelColour, levelText, licenseText, parameters, words } from './format.js';

export function levelChip(level: string | null): HTMLElement {
  const chip = el('span', { class: 'level', 'data-level': level ?? '' }, levelText(level));
  // Through the CSSOM: the page's CSP refuses style attributes.
  chip.style.setProperty('--level', levelColour(level));
  return chip;
}

export function renderRows(
  body: HTMLTableSectionElement,
  rows: readonly ModelRow[],
  linkTo: (id: string) => string,
): void {
  if (rows.length === 0) {
    fill(body, el('tr', {}, el('td', { colspan: 7, class: 'empty' }, 'No model matches these filters.')));
    return;
  }
  fill(
    body,
    rows.map((row) =>
      el(
        'tr',
        { 'data-model-id': row.id },
        el(
          'td',
          {},
          el('a', { href: linkTo(row.id), class: 'model-link', 'data-model-id': row.id }, row.repoId),
          ' ',
          el('span', { class: 'hub' }, row.hub),
        ),
        el('td', {}, levelChip(row.openness?.level ?? null)),
        el(
          'td',
          {},
          row.license
            ? [
                licenseText(row.license.category),
                el('span', { class: 'license-id', title: row.license.id }, row.license.id),
              ]
            : '—',
        ),
        el('td', {}, words(row.license?.commercialUse ?? null)),
        el('td', {}, row.task ?? '—'),
        el('td', { class: 'number' }, parameters(row.parameterCount)),
        el('td', { class: 'number', title: count(row.downloads) }, compactCount(row.downloads)),
      ),
    ),
  );
}
