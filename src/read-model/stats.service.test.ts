import { describe, expect, it } from 'vitest';
import type { FacetRow } from './facets.sql.js';
import { facetCountsOf } from './stats.service.js';

describe('facetCountsOf', () => {
  it('sorts by count, then enum order or code point, null last; drops empty groups', () => {
    const rows: FacetRow[] = [
      { facet: 'total', value: null, count: 9 },
      { facet: 'opennessLevel', value: 'OPEN_WEIGHTS', count: 3 },
      { facet: 'opennessLevel', value: 'CLOSED', count: 3 },
      { facet: 'opennessLevel', value: null, count: 3 },
      { facet: 'task', value: 'b', count: 2 },
      { facet: 'task', value: 'B', count: 2 },
      { facet: 'task', value: null, count: 5 },
      { facet: 'license', value: null, count: 0 },
    ];
    const counts = facetCountsOf(rows);
    expect(counts.total).toBe(9);
    expect(counts.facets.get('opennessLevel')).toEqual([
      { value: 'CLOSED', count: 3 },
      { value: 'OPEN_WEIGHTS', count: 3 },
      { value: null, count: 3 },
    ]);
    expect(counts.facets.get('task')).toEqual([
      { value: null, count: 5 },
      { value: 'B', count: 2 },
      { value: 'b', count: 2 },
    ]);
    expect(counts.facets.get('license')).toBeUndefined();
  });
});
