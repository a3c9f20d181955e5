/**
 * Dashboard numbers (schema/stats.graphql): `stats` facets and openness over time, `licenses` /
 * `license` with model counts. Thin resolvers over stats.service.ts and the request's loaders.
 */
import {
  asLicense,
  catalogStats,
  facetValues,
  findLicenses,
  opennessOverTime,
} from '../../read-model/stats.service.js';
import type { Resolvers } from '../generated/graphql.js';

export const statsResolvers: Resolvers = {
  Query: {
    stats: (_parent, args, ctx) => catalogStats(args, ctx.stats),
    licenses: (_parent, args, ctx) => findLicenses(args.filter, ctx.stats),
    license: async (_parent, args, ctx) => {
      const license = await ctx.catalog.loaders.licenseById.load(args.id);
      return license && asLicense(license);
    },
  },

  CatalogStats: {
    totalCount: async (stats) => (await stats.counts()).total,
    byLicense: (stats, args) => facetValues(stats, 'license', args.limit),
    byLicenseCategory: (stats) => facetValues(stats, 'licenseCategory'),
    byCommercialUse: (stats) => facetValues(stats, 'commercialUse'),
    byOpennessLevel: (stats) => facetValues(stats, 'opennessLevel'),
    byMofClass: (stats) => facetValues(stats, 'mofClass'),
    byWeights: (stats) => facetValues(stats, 'weights'),
    byHub: (stats) => facetValues(stats, 'hub'),
    byTask: (stats, args) => facetValues(stats, 'task', args.limit),
    byLibrary: (stats, args) => facetValues(stats, 'library', args.limit),
    opennessOverTime: (stats, args, ctx) => opennessOverTime(stats, args, ctx.stats),
  },

  LicenseFacetCount: {
    license: async (facet, _args, ctx) => {
      if (facet.value === null) return null;
      const license = await ctx.catalog.loaders.licenseById.load(facet.value);
      return license && asLicense(license);
    },
  },

  License: {
    modelCount: (license, _args, ctx) => ctx.stats.loaders.licenseModelCount.load(license.id),
  },
};
