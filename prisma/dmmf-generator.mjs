#!/usr/bin/env node
// A Prisma generator that writes the schema's full DMMF datamodel (types, nullability, lists,
// native types, @map names) to a JSON file. The `prisma-client` generator keeps only a trimmed
// runtime data model (no nullability), and the schema-drift test must compare the migrated
// database with Prisma's own reading of schema.prisma, not with a hand-kept list.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import generatorHelper from '@prisma/generator-helper';

generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: 'DMMF datamodel', defaultOutput: '../src/generated/dmmf.json' }),
  onGenerate: async (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error('dmmf generator: no output path');
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, JSON.stringify(options.dmmf.datamodel, null, 2) + '\n');
  },
});
