/**
 * The filter form: its choices (the schema's enumerations, the hubs and the most common tasks),
 * and the two directions between the form and the dashboard's state.
 */
import { COMMERCIAL_USE, LICENSE_CATEGORIES, OPENNESS_LEVELS } from '../../../src/openness/types.js';
import type { Choices } from './documents.js';
import { el } from './dom.js';
import { compactCount, levelText, licenseText, words } from './format.js';
import type { DashboardState } from './state.js';

const BILLION = 1e9;

function checkboxes(fieldset: HTMLElement, name: string, options: readonly [value: string, label: string][]): void {
  fieldset.querySelectorAll('label').forEach((label) => label.remove());
  for (const [value, label] of options) {
    fieldset.append(el('label', { class: 'check' }, el('input', { type: 'checkbox', name, value }), ` ${label}`));
  }
}

/** The options that do not need the API: license categories, commercial use, openness levels. */
export function buildStaticChoices(form: HTMLFormElement): void {
  checkboxes(
    form.querySelector('#license-categories')!,
    'licenseCategories',
    LICENSE_CATEGORIES.map((value) => [value, licenseText(value)]),
  );
  checkboxes(
    form.querySelector('#commercial-use')!,
    'commercialUse',
    COMMERCIAL_USE.map((value) => [value, words(value)]),
  );
  const level = form.elements.namedItem('minOpennessLevel') as HTMLSelectElement;
  for (const value of OPENNESS_LEVELS) level.append(el('option', { value }, levelText(value)));
}

/** The options the catalog decides: hubs that hold models, and the most common tasks. */
export function buildCatalogChoices(form: HTMLFormElement, choices: Choices): void {
  checkboxes(
    form.querySelector('#hubs')!,
    'hubs',
    choices.hubs
      .filter((hub) => hub.kind !== 'REFERENCE' && hub.modelCount > 0)
      .map((hub) => [hub.id, `${hub.name} (${compactCount(hub.modelCount)})`]),
  );
  const task = form.elements.namedItem('tasks') as HTMLSelectElement;
  const selected = task.value;
  task.querySelectorAll('option:not([value=""])').forEach((option) => option.remove());
  for (const row of choices.stats.byTask) {
    if (row.value !== null)
      task.append(el('option', { value: row.value }, `${row.value} (${compactCount(row.count)})`));
  }
  task.value = selected;
}

const checked = (form: HTMLFormElement, name: string): string[] =>
  [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((input) => input.value);

const field = (form: HTMLFormElement, name: string): HTMLInputElement | HTMLSelectElement =>
  form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

/** Billions in the form ↔ a parameter count in the state (and the API). */
const toCount = (billions: string): string => {
  const value = billions.trim();
  if (!value) return '';
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? String(Math.round(n * BILLION)) : value;
};
const toBillions = (parameterCount: string): string =>
  parameterCount === '' || !Number.isFinite(Number(parameterCount))
    ? parameterCount
    : String(Number(parameterCount) / BILLION);

export function readForm(form: HTMLFormElement, state: DashboardState): DashboardState {
  const task = field(form, 'tasks').value;
  return {
    ...state,
    search: field(form, 'search').value.trim(),
    licenseCategories: checked(form, 'licenseCategories'),
    commercialUse: checked(form, 'commercialUse'),
    minOpennessLevel: field(form, 'minOpennessLevel').value,
    hubs: checked(form, 'hubs'),
    tasks: task ? [task] : [],
    minParameters: toCount(field(form, 'minParameters').value),
    maxParameters: toCount(field(form, 'maxParameters').value),
    collapseMirrors: (field(form, 'collapseMirrors') as HTMLInputElement).checked,
  };
}

export function writeForm(form: HTMLFormElement, state: DashboardState): void {
  field(form, 'search').value = state.search;
  for (const name of ['licenseCategories', 'commercialUse', 'hubs'] as const) {
    for (const input of form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)) {
      input.checked = state[name].includes(input.value);
    }
  }
  field(form, 'minOpennessLevel').value = state.minOpennessLevel;
  const task = field(form, 'tasks') as HTMLSelectElement;
  const wanted = state.tasks[0] ?? '';
  // A task from a shared link that is not among the most common ones still shows as selected.
  if (wanted && ![...task.options].some((option) => option.value === wanted))
    task.append(el('option', { value: wanted }, wanted));
  task.value = wanted;
  field(form, 'minParameters').value = toBillions(state.minParameters);
  field(form, 'maxParameters').value = toBillions(state.maxParameters);
  (field(form, 'collapseMirrors') as HTMLInputElement).checked = state.collapseMirrors;
}
