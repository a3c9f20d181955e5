import { describe, expect, it } from 'vitest';
import { changeFilter, filterParams, modelFilter, sameFilter, stateFromUrl, urlFromState } from './state.js';

const SHARED =
  '?search=llama+3&licenseCategories=PERMISSIVE,COPYLEFT&commercialUse=ALLOWED&minOpennessLevel=OPEN_WEIGHTS' +
  '&hubs=huggingface&tasks=text-generation&minParameters=1000000000&maxParameters=70000000000&collapseMirrors=true' +
  '&order=LIKES&interval=WEEK&model=huggingface%3Ameta-llama%2FLlama-3.1-8B';

describe('the dashboard state in the URL', () => {
  it('reads every field of a shared link and writes the same link back', () => {
    const state = stateFromUrl(SHARED);
    expect(state).toEqual({
      search: 'llama 3',
      licenseCategories: ['PERMISSIVE', 'COPYLEFT'],
      commercialUse: ['ALLOWED'],
      minOpennessLevel: 'OPEN_WEIGHTS',
      hubs: ['huggingface'],
      tasks: ['text-generation'],
      minParameters: '1000000000',
      maxParameters: '70000000000',
      collapseMirrors: true,
      order: 'LIKES',
      interval: 'WEEK',
      model: 'huggingface:meta-llama/Llama-3.1-8B',
    });
    expect(urlFromState(state)).toBe(SHARED);
    expect(stateFromUrl(urlFromState(state))).toEqual(state);
  });

  it('leaves defaults and empty fields out, and ignores empty list items', () => {
    const state = stateFromUrl('?licenseCategories=,PERMISSIVE,,&search=&order=DOWNLOADS&interval=MONTH');
    expect(state.licenseCategories).toEqual(['PERMISSIVE']);
    expect(urlFromState(state)).toBe('?licenseCategories=PERMISSIVE');
  });

  it('gives the API only the fields that are set: the ModelFilter, the ChangeFilter, the export query', () => {
    const state = stateFromUrl(SHARED);
    expect(modelFilter(state)).toEqual({
      search: 'llama 3',
      licenseCategories: ['PERMISSIVE', 'COPYLEFT'],
      commercialUse: ['ALLOWED'],
      minOpennessLevel: 'OPEN_WEIGHTS',
      hubs: ['huggingface'],
      tasks: ['text-generation'],
      minParameters: '1000000000',
      maxParameters: '70000000000',
      collapseMirrors: true,
    });
    expect(changeFilter(state)).toEqual({
      hubs: ['huggingface'],
      licenseCategories: ['PERMISSIVE', 'COPYLEFT'],
      minOpennessLevel: 'OPEN_WEIGHTS',
    });
    expect(filterParams(state).get('licenseCategories')).toBe('PERMISSIVE,COPYLEFT');
    expect(filterParams(state).has('order')).toBe(false);
    expect(modelFilter(stateFromUrl('?order=LIKES'))).toEqual({});
  });

  it('compares filters, not the view: order, interval and the open model do not change the filter', () => {
    const state = stateFromUrl(SHARED);
    expect(sameFilter(state, { ...state, order: 'DOWNLOADS', interval: 'DAY', model: '' })).toBe(true);
    expect(sameFilter(state, { ...state, hubs: [] })).toBe(false);
  });
});
