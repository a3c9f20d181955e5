import { Kind, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errorCodeLabel, methodLabel, operationLabel, RouteLabels } from './labels.js';

const named = (value: string | undefined): Pick<OperationDefinitionNode, 'name'> => ({
  name: value === undefined ? undefined : { kind: Kind.NAME, value },
});
const known = new Set(['Dashboard', 'GrafanaPanel']);

describe('metric labels', () => {
  it.each([
    ['a known name', named('Dashboard'), 'Dashboard'],
    ['a name from METRICS_OPERATIONS', named('GrafanaPanel'), 'GrafanaPanel'],
    ['any other name', named('Op_3f9a1c'), 'other'],
    ['a name differing only in case', named('dashboard'), 'other'],
    ['an operation without a name', named(undefined), 'anonymous'],
    ['no operation (parse or validation failed)', undefined, 'invalid'],
  ])('labels %s', (_what, operation, label) => {
    expect(operationLabel(operation, known)).toBe(label);
  });

  it.each([
    ['BAD_USER_INPUT', 'BAD_USER_INPUT'],
    ['INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR'],
    ['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_FOUND'],
    ['MADE_UP_BY_A_RESOLVER', 'OTHER'],
    ['toString', 'OTHER'],
    [undefined, 'OTHER'],
    [42, 'OTHER'],
  ])('labels error code %j as %s', (code, label) => {
    expect(errorCodeLabel(code)).toBe(label);
  });

  it.each([
    ['GET', 'GET'],
    ['POST', 'POST'],
    ['PROPFIND', 'OTHER'],
  ])('labels method %s as %s', (method, label) => {
    expect(methodLabel(method)).toBe(label);
  });

  it('labels a route by its mount path and pattern, never by the request path, and caps distinct routes', () => {
    const routes = new RouteLabels();
    expect(routes.of({ baseUrl: '', route: { path: '/export/models.csv' } })).toBe('/export/models.csv');
    expect(routes.of({ baseUrl: '/badge', route: { path: '/:hub/*repo' } })).toBe('/badge/:hub/*repo');
    expect(routes.of({ baseUrl: '/graphql', route: undefined })).toBe('/graphql');
    expect(routes.of({ baseUrl: '/admin/queues', route: { path: ['/', '/queue/:queueName'] } })).toBe('/admin/queues');
    expect(routes.of({ baseUrl: '', route: undefined })).toBe('unmatched');
    for (let i = 0; i < 200; i++) routes.of({ baseUrl: `/mount-${i}`, route: undefined });
    expect(routes.of({ baseUrl: '/mount-199', route: undefined })).toBe('other');
    expect(routes.of({ baseUrl: '/graphql', route: undefined })).toBe('/graphql');
  });
});
