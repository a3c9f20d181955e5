/**
 * Which columns a `models` page reads, from what the query selects (lookahead through
 * graphql-parse-resolve-info, which follows fragments and evaluates @skip/@include): a selection
 * that asks only for a model's headline gets heads (models.sql.ts, MODEL_HEAD_COLUMNS), read from
 * the page indexes alone; anything else gets whole rows.
 *
 * Only a matter of cost, never of correctness: every `Model` field resolves from a head too,
 * completing the row through the request's loader when it needs more (catalog.resolvers.ts).
 */
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { parseResolveInfo, type ResolveTree } from 'graphql-parse-resolve-info';
import type { ModelsSelection } from '../../read-model/models.sql.js';

/**
 * `Model` fields a head serves without completing the row; `true`, or the subfields (of the field's
 * object type) that need nothing beyond the head.
 */
const HEAD_FIELDS: Readonly<Record<string, true | ReadonlySet<string>>> = {
  __typename: true,
  id: true,
  hub: true,
  repoId: true,
  downloads: true,
  removedAt: true,
  // `hubValue` is the model's own column.
  license: new Set(['__typename', 'id', 'name', 'category', 'commercialUse', 'osiApproved', 'url']),
  // The headline is in the head; the rest of the assessment is read by model id either way.
  // `weights` needs the model's formats and parameter count.
  openness: new Set([
    '__typename',
    'level',
    'score',
    'mofClass',
    'missingComponents',
    'rulesVersion',
    'code',
    'data',
    'documentation',
    'evidence',
    'references',
    'assessedAt',
  ]),
  history: true,
};

/** The fields selected under every type condition of a tree (the model fields of `nodes`, say). */
function selected(tree: ResolveTree | undefined): ResolveTree[] {
  if (!tree) return [];
  return Object.values(tree.fieldsByTypeName).flatMap((fields) => Object.values(fields));
}

function headServes(models: readonly ResolveTree[]): boolean {
  return models.every((field) => {
    const allowed = HEAD_FIELDS[field.name];
    if (allowed === undefined) return false;
    if (allowed === true) return true;
    return selected(field).every((subfield) => allowed.has(subfield.name));
  });
}

/**
 * The selection of a `models` field whose subtree has no directive depends on its document alone:
 * decided once per field node (the same objects for every run of a document the document store
 * keeps; a WeakMap, so it goes with the document). A subtree with @skip or @include may depend on
 * the variables: decided anew each time.
 */
const decided = new WeakMap<FieldNode, ModelsSelection | null>();

/** The selection of `Query.models` (resolved with `info`). */
export function modelsSelection(info: GraphQLResolveInfo): ModelsSelection {
  const [field, ...more] = info.fieldNodes;
  if (!field || more.length > 0) return selectionOf(info);
  let known = decided.get(field);
  if (known === undefined) {
    known = hasDirectives(field.selectionSet, info.fragments, new Set()) ? null : selectionOf(info);
    decided.set(field, known);
  }
  return known ?? selectionOf(info);
}

function hasDirectives(
  set: SelectionSetNode | undefined,
  fragments: GraphQLResolveInfo['fragments'],
  seen: Set<string>,
): boolean {
  return (set?.selections ?? []).some((selection) => {
    if (selection.directives?.length) return true;
    if (selection.kind !== Kind.FRAGMENT_SPREAD) return hasDirectives(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    if (seen.has(name)) return false;
    seen.add(name);
    const fragment = fragments[name];
    return fragment
      ? Boolean(fragment.directives?.length) || hasDirectives(fragment.selectionSet, fragments, seen)
      : false;
  });
}

function selectionOf(info: GraphQLResolveInfo): ModelsSelection {
  const tree = parseResolveInfo(info) as ResolveTree | null | undefined;
  if (!tree) return { columns: 'full', licenses: true };
  const connection = selected(tree);
  const models = [
    ...connection.filter((field) => field.name === 'nodes').flatMap(selected),
    ...connection
      .filter((field) => field.name === 'edges')
      .flatMap(selected)
      .filter((field) => field.name === 'node')
      .flatMap(selected),
  ];
  return { columns: headServes(models) ? 'head' : 'full', licenses: models.some((field) => field.name === 'license') };
}
