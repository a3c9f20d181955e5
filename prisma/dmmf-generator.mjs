#!/usr/bin/env node
// A Prisma generator that writes the schema's full DMMF datamodel (types, nullability, lists,
// native types, @map names) to a JSON file. The `prisma-client` generator keeps only a trimmed
// runtime data model (no nullability), and the schema-drift test must compare the migrated
// database with Prisma's own reading of schema.prisma, not with a hand-kept list.
//
// The DMMF leaves out `Unsupported("…")` fields (its indexes still name them), so they are added as
// `unsupportedFields`, read from the same schema text Prisma was given: model, field, column, the
// database type, nullability and whether the database supplies a value (dbgenerated).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import generatorHelper from '@prisma/generator-helper';

const MODEL_BLOCK = /^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
const UNSUPPORTED_FIELD = /^\s*(\w+)\s+Unsupported\("([^"]+)"\)(\?)?(.*)$/gm;

function unsupportedFields(schema) {
  const fields = [];
  for (const [, model, body] of schema.matchAll(MODEL_BLOCK)) {
    for (const [, name, type, optional, attributes] of body.matchAll(UNSUPPORTED_FIELD)) {
      fields.push({
        model,
        name,
        dbName: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? null,
        type,
        isRequired: optional === undefined,
        hasDefaultValue: /@default\(/.test(attributes),
      });
    }
  }
  return fields;
}

generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: 'DMMF datamodel', defaultOutput: '../src/generated/dmmf.json' }),
  onGenerate: async (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error('dmmf generator: no output path');
    mkdirSync(dirname(output), { recursive: true });
    const datamodel = { ...options.dmmf.datamodel, unsupportedFields: unsupportedFields(options.datamodel) };
    writeFileSync(output, JSON.stringify(datamodel, null, 2) + '\n');
  },
});
