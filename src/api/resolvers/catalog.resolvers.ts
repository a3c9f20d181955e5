/**
 * The catalog's query side (schema/catalog.graphql): thin resolvers over the catalog service and
 * the request's loaders. Also the custom scalars of schema/schema.graphql and the Node interface,
 * which every area shares.
 */
import { GraphQLBigInt, GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';
import { HUB_ID as HUGGING_FACE } from '../../catalog/huggingface/normalize.js';
import {
  findModel,
  findModels,
  findNodes,
  fullRow,
  modelDerivatives,
  modelHistory,
} from '../../read-model/catalog.service.js';
import { deploymentOf, ecosystemOf } from '../../read-model/deployment.view.js';
import { isHead, type LicenseRow, type ModelParent, type ModelRow } from '../../read-model/catalog.rows.js';
import { modelsSelection } from './model-projection.js';
import type { ApiContext } from '../context.js';
import type { Resolvers } from '../generated/graphql.js';

/** Apply `use` to a model's whole row: at once for a row, after completing a head (`fullRow`). */
function withRow<T>(model: ModelParent, ctx: ApiContext, use: (row: ModelRow) => T): T | Promise<T> {
  const row = fullRow(model, ctx.catalog);
  return row instanceof Promise ? row.then(use) : use(row);
}

/** A model's license with the value its hub gave (of a head: a function that completes the row). */
function modelLicense(model: ModelParent, license: LicenseRow | null, ctx: ApiContext) {
  if (!license) return null;
  const hubValue = isHead(model)
    ? async () => (await fullRow(model, ctx.catalog)).licenseHubValue
    : model.licenseHubValue;
  return { ...license, hubValue };
}

/** A `Model` field that is a column of the whole row (not of a head). */
const column =
  <K extends keyof ModelRow>(field: K) =>
  (model: ModelParent, _args: unknown, ctx: ApiContext) =>
    withRow(model, ctx, (row) => row[field]);

export const catalogResolvers: Resolvers = {
  BigInt: GraphQLBigInt,
  DateTime: GraphQLDateTime,
  JSON: GraphQLJSON,

  Query: {
    models: (_parent, args, ctx, info) => findModels(args, ctx.catalog, modelsSelection(info)),
    model: (_parent, args, ctx) => findModel(args.id, ctx.catalog),
    node: (_parent, args, ctx) => findModel(args.id, ctx.catalog),
    nodes: (_parent, args, ctx) => findNodes(args.ids, ctx.catalog),
  },

  // Models are the only nodes so far; another node type adds its `<type>:` prefix here.
  Node: { __resolveType: () => 'Model' },

  ModelConnection: {
    nodes: (connection) => connection.edges.map((edge) => edge.node),
    totalCount: (connection) => connection.totalCount(),
  },

  // A page may hand out heads (catalog.rows.ts): every field beyond the head reads the whole row.
  Model: {
    hub: (model) => model.hubId,
    author: column('author'),
    name: column('name'),
    url: async (model, _args, ctx) => {
      const hub = await ctx.catalog.loaders.hubById.load(model.hubId);
      return `${(hub?.baseUrl ?? '').replace(/\/+$/, '')}/${model.repoId}`;
    },
    task: column('task'),
    library: column('library'),
    tags: column('tags'),
    gated: column('gating'),
    parameterCount: column('parameterCount'),
    downloadsAllTime: column('downloadsAllTime'),
    likes: column('likes'),
    createdAt: column('createdAt'),
    lastModified: column('lastModified'),
    cardSummary: column('cardSummary'),
    license: (model, _args, ctx) => {
      if (model.licenseId === null) return null;
      // A page loads its licenses up front (findModels): then no promise per model.
      const read = ctx.catalog.loaders.licensesRead.get(model.licenseId);
      if (read !== undefined) return modelLicense(model, read, ctx);
      return ctx.catalog.loaders.licenseById.load(model.licenseId).then((row) => modelLicense(model, row, ctx));
    },
    openness: (model, _args, ctx) => {
      if (model.opennessLevel === null) return null;
      // Read only if a field beyond the headline asks (one batched statement per page).
      const assessment = async () => {
        const row = await ctx.catalog.loaders.assessmentByModelId.load(model.id);
        if (!row) throw new Error(`model ${model.id} has an openness level but no assessment row`);
        return row;
      };
      return { model, assessment };
    },
    history: (model, args, ctx) => modelHistory(model, args, ctx.catalog),
    baseModels: async (model, _args, ctx) => ctx.catalog.loaders.baseModels.load(await fullRow(model, ctx.catalog)),
    derivatives: (model, args, ctx) => modelDerivatives(model, args, ctx.catalog),
    sameAs: (model, _args, ctx) => ctx.catalog.loaders.sameAs.load(model.id),
    hubData: async (model, _args, ctx) => (await fullRow(model, ctx.catalog)).hubData,
    // schema/deployment.graphql
    baseModelRelation: column('baseModelRelation'),
    deployment: (model, _args, ctx) => withRow(model, ctx, deploymentOf),
    ecosystem: async (model, _args, ctx) => {
      const [row, derivatives] = await Promise.all([
        fullRow(model, ctx.catalog),
        ctx.catalog.loaders.derivativesByModelId.load(model.id),
      ]);
      return ecosystemOf(row, derivatives, new Date());
    },
  },

  License: {
    // A head's is a function that completes the row (called only when selected); graphql-js would
    // call a function-valued property, a compiled query reads it as a value (execution/compiled-executor.ts).
    hubValue: (license) => (typeof license.hubValue === 'function' ? license.hubValue() : license.hubValue),
  },

  Openness: {
    // The headline comes with the model row (denormalized by ingest, same transaction).
    level: ({ model }) => model.opennessLevel as NonNullable<ModelRow['opennessLevel']>,
    // The headline resolves at once when the model row has it (a promise per model otherwise).
    mofClass: ({ model, assessment }) => model.mofClass ?? assessment().then((a) => a.mofClass),
    score: ({ model, assessment }) => model.opennessScore ?? assessment().then((a) => a.score),
    missingComponents: async ({ assessment }) => (await assessment()).missingComponents,
    rulesVersion: async ({ assessment }) => (await assessment()).rulesVersion,
    weights: ({ model }, _args, ctx) =>
      withRow(model, ctx, (row) => ({
        availability: row.weightsAvailability ?? 'UNKNOWN',
        formats: row.formats,
        parameterCount: row.parameterCount,
      })),
    code: async ({ assessment }) => {
      const a = await assessment();
      return { inference: a.codeInference, training: a.codeTraining };
    },
    data: async ({ assessment }) => ({ training: (await assessment()).dataTraining }),
    documentation: async ({ assessment }) => {
      const a = await assessment();
      return { modelCard: a.docModelCard, paper: a.docPaper, evaluation: a.docEvaluation };
    },
    evidence: async ({ assessment }) => (await assessment()).evidence,
    // Reference sources name Hugging Face repositories; other hubs' models have none.
    references: ({ model }, _args, ctx) =>
      model.hubId === HUGGING_FACE ? ctx.catalog.loaders.referencesByHfRepoId.load(model.repoId) : [],
    assessedAt: async ({ assessment }) => (await assessment()).assessedAt,
  },

  ModelChangeConnection: {
    nodes: (connection) => connection.edges.map((edge) => edge.node),
    totalCount: (connection) => connection.totalCount(),
  },

  ModelChange: {
    model: async (change, _args, ctx) => {
      // Live events carry the model, read once per batch for every subscriber of the instance.
      const model = change.model ?? (await ctx.catalog.loaders.modelById.load(change.modelId));
      // model_changes.model_id references models(id): a change row always has its model.
      if (!model) throw new Error(`change ${change.id} names unknown model ${change.modelId}`);
      return model;
    },
  },
};
