/**
 * The migrated database matches schema.prisma as Prisma itself reads it: the DMMF datamodel that
 * `prisma generate` writes (src/generated/dmmf.json, from prisma/dmmf-generator.mjs), never a
 * hand-kept list. Tables, columns, types, nullability, defaults, enums, keys, indexes (with their
 * access method) and foreign keys are compared; then every model is written and read back through
 * the generated client. `Unsupported("…")` fields, which the DMMF omits, come from the generator's
 * `unsupportedFields` (prisma/dmmf-generator.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/lib/project-root.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { applicationTables, useTestDatabase } from '../helpers/database.js';

interface DmmfField {
  name: string;
  dbName: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  type: string;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  /** Absent for B-tree; `Gin`, `Gist`, `Hash`, `Brin`, `SpGist` otherwise. */
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}
/** An `Unsupported("type")` field: a column the client cannot read or write. */
interface UnsupportedField {
  model: string;
  name: string;
  dbName: string | null;
  type: string;
  isRequired: boolean;
  hasDefaultValue: boolean;
}
interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: DmmfIndex[];
  unsupportedFields: UnsupportedField[];
}

const datamodel = JSON.parse(readFileSync(join(PROJECT_ROOT, 'src/generated/dmmf.json'), 'utf8')) as Datamodel;
const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
const columnOf = (field: { name: string; dbName: string | null }) => field.dbName ?? field.name;
const columnFields = (model: DmmfModel) => model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
const modelByName = new Map(datamodel.models.map((model) => [model.name, model]));
const enumDbName = (name: string) => datamodel.enums.find((e) => e.name === name)?.dbName ?? name;
const unsupportedOf = (model: DmmfModel) => datamodel.unsupportedFields.filter((field) => field.model === model.name);

/** Postgres `format_type` for a field, as Prisma's migrations create it. */
function expectedType(field: DmmfField): string {
  const base = (() => {
    if (field.kind === 'enum') return `"${enumDbName(field.type)}"`;
    const [nativeName, nativeArgs = []] = field.nativeType ?? [];
    switch (field.type) {
      case 'String':
        return nativeName === 'VarChar' ? `character varying(${nativeArgs[0]})` : 'text';
      case 'Int':
        return 'integer';
      case 'BigInt':
        return 'bigint';
      case 'Float':
        return 'double precision';
      case 'Boolean':
        return 'boolean';
      case 'Json':
        return 'jsonb';
      case 'Bytes':
        return 'bytea';
      case 'Decimal':
        return 'numeric(65,30)';
      case 'DateTime':
        return nativeName === 'Timestamptz'
          ? `timestamp(${nativeArgs[0] ?? 6}) with time zone`
          : `timestamp(${nativeArgs[0] ?? 3}) without time zone`;
      default:
        throw new Error(`the drift test does not know Prisma type ${field.type}; teach it`);
    }
  })();
  return field.isList ? `${base}[]` : base;
}

const db = useTestDatabase();

interface ColumnRow {
  table_name: string;
  column_name: string;
  type: string;
  not_null: boolean;
  has_default: boolean;
}

async function columns(): Promise<ColumnRow[]> {
  const result = await db.pool.query<ColumnRow>(`
    SELECT c.relname AS table_name, a.attname AS column_name,
           format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, a.atthasdef AS has_default
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND a.attnum > 0 AND NOT a.attisdropped`);
  return result.rows;
}

describe('migrated database vs schema.prisma (DMMF)', () => {
  it('has exactly one table per Prisma model', async () => {
    expect(await applicationTables(db.pool)).toEqual(datamodel.models.map(tableOf).sort());
  });

  it.each(datamodel.models.map((model) => [model.name, model] as const))(
    '%s: every column with its type, nullability and default, and no other columns',
    async (_name, model) => {
      const actual = (await columns()).filter((column) => column.table_name === tableOf(model));
      const expected = [
        ...columnFields(model).map((field) => ({
          column: columnOf(field),
          type: expectedType(field),
          // Prisma creates scalar lists without NOT NULL, whatever the schema says.
          notNull: field.isList ? false : field.isRequired,
          hasDefault: field.hasDefaultValue,
        })),
        ...unsupportedOf(model).map((field) => ({
          column: columnOf(field),
          type: field.type,
          notNull: field.isRequired,
          // A dbgenerated default also stands for a GENERATED column, which has a default expression too.
          hasDefault: field.hasDefaultValue,
        })),
      ];
      const got = actual.map((column) => ({
        column: column.column_name,
        type: column.type.replace(/^"?([A-Za-z]+)"?(\[\])?$/, (match, name: string, list?: string) =>
          datamodel.enums.some((e) => enumDbName(e.name) === name) ? `"${name}"${list ?? ''}` : match,
        ),
        notNull: column.not_null,
        hasDefault: column.has_default,
      }));
      const byColumn = (a: { column: string }, b: { column: string }) => a.column.localeCompare(b.column);
      expect(got.sort(byColumn)).toEqual(expected.sort(byColumn));
    },
  );

  it('has every enum with exactly its values, in order', async () => {
    const result = await db.pool.query<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`);
    const expected = datamodel.enums
      .map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(result.rows).toEqual(expected);
  });

  it('has the primary keys, unique constraints and indexes of the schema, with their access methods', async () => {
    const result = await db.pool.query<{
      table: string;
      columns: string[];
      unique: boolean;
      primary: boolean;
      method: string;
    }>(`
      SELECT t.relname AS table, i.indisunique AS unique, i.indisprimary AS primary, am.amname AS method,
             array(SELECT a.attname || CASE WHEN (i.indoption[k.n - 1] & 1) = 1 THEN ' desc' ELSE '' END
                   FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
        JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      WHERE ns.nspname = 'public' AND t.relname <> '_prisma_migrations' AND NOT t.relispartition`);
    const key = (row: { table: string; columns: string[]; unique: boolean; primary: boolean; method: string }) =>
      `${row.table}(${row.columns.join(', ')})${row.primary ? ' primary' : row.unique ? ' unique' : ''} ${row.method}`;
    const expected = datamodel.indexes.map((index) => {
      const model = modelByName.get(index.model);
      if (!model) throw new Error(`index on unknown model ${index.model}`);
      const columnsOf = index.fields.map((f) => {
        const field =
          model.fields.find((candidate) => candidate.name === f.name) ??
          unsupportedOf(model).find((candidate) => candidate.name === f.name);
        if (!field) throw new Error(`index on unknown field ${index.model}.${f.name}`);
        return `${columnOf(field)}${f.sortOrder === 'desc' ? ' desc' : ''}`;
      });
      return key({
        table: tableOf(model),
        columns: columnsOf,
        unique: index.type !== 'normal',
        primary: index.type === 'id',
        method: index.algorithm?.toLowerCase() ?? 'btree',
      });
    });
    expect(result.rows.map(key).sort()).toEqual(expected.sort());
  });

  it('has the foreign keys of the schema, with Prisma’s referential actions', async () => {
    const result = await db.pool.query<{
      from_table: string;
      from_columns: string[];
      to_table: string;
      to_columns: string[];
      on_delete: string;
    }>(`
      SELECT c.conrelid::regclass::text AS from_table, c.confrelid::regclass::text AS to_table,
             array(SELECT attname FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k)::text[] AS from_columns,
             array(SELECT attname FROM unnest(c.confkey) k JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k)::text[] AS to_columns,
             c.confdeltype AS on_delete
      FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0`);
    const actions: Record<string, string> = {
      a: 'NoAction',
      r: 'Restrict',
      c: 'Cascade',
      n: 'SetNull',
      d: 'SetDefault',
    };
    const render = (from: string, fromCols: string[], to: string, toCols: string[], onDelete: string) =>
      `${from}(${fromCols.join(',')}) -> ${to}(${toCols.join(',')}) on delete ${onDelete}`;
    const expected = datamodel.models.flatMap((model) =>
      model.fields
        .filter((field) => field.kind === 'object' && field.relationFromFields?.length)
        .map((field) => {
          const target = modelByName.get(field.type);
          if (!target) throw new Error(`relation to unknown model ${field.type}`);
          const from = (field.relationFromFields ?? []).map((name) =>
            columnOf(model.fields.find((f) => f.name === name)!),
          );
          const to = (field.relationToFields ?? []).map((name) =>
            columnOf(target.fields.find((f) => f.name === name)!),
          );
          // Prisma's defaults: Restrict for required relations, SetNull for optional ones.
          const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
          return render(tableOf(model), from, tableOf(target), to, onDelete);
        }),
    );
    const actual = result.rows.map((row) =>
      render(row.from_table, row.from_columns, row.to_table, row.to_columns, actions[row.on_delete] ?? row.on_delete),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });

  it('writes and reads back every model through the generated client', async () => {
    // Generic by design: values come from each field's DMMF type, parents are created before
    // children, so a new model is covered without touching this test.
    const created = new Map<string, Record<string, unknown>>();
    const pending = [...datamodel.models];
    const sample = (field: DmmfField): unknown => {
      const one = (() => {
        if (field.kind === 'enum') return datamodel.enums.find((e) => e.name === field.type)?.values.at(-1)?.name;
        switch (field.type) {
          case 'String':
            return `${field.name}-value ✓`;
          case 'Int':
            return 2_147_483_647;
          case 'BigInt':
            return 8_030_261_248n;
          case 'Float':
            return 0.625;
          case 'Boolean':
            return true;
          case 'DateTime':
            return new Date('2026-02-03T04:05:06.789Z');
          case 'Json':
            return { nested: [1, 'two', null], ok: true };
          default:
            throw new Error(`no sample for ${field.type}`);
        }
      })();
      return field.isList ? [one, one] : one;
    };
    const delegate = (name: string) =>
      (
        db.prisma as unknown as Record<
          string,
          {
            create(args: unknown): Promise<Record<string, unknown>>;
            findUniqueOrThrow(args: unknown): Promise<Record<string, unknown>>;
          }
        >
      )[name.charAt(0).toLowerCase() + name.slice(1)]!;

    while (pending.length > 0) {
      const index = pending.findIndex((model) =>
        model.fields.every(
          (f) => f.kind !== 'object' || !f.relationFromFields?.length || f.type === model.name || created.has(f.type),
        ),
      );
      if (index < 0) throw new Error(`cyclic required relations among ${pending.map((m) => m.name).join(', ')}`);
      const model = pending.splice(index, 1)[0]!;
      const foreign = new Map<string, unknown>();
      for (const relation of model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
        const parent = created.get(relation.type)!;
        relation.relationFromFields!.forEach((from, i) => foreign.set(from, parent[relation.relationToFields![i]!]));
      }
      const data: Record<string, unknown> = {};
      for (const field of columnFields(model)) {
        if (foreign.has(field.name)) data[field.name] = foreign.get(field.name);
        else if (!(
          field.hasDefaultValue &&
          typeof field.default === 'object' &&
          field.default &&
          'name' in field.default &&
          (field.default as { name: string }).name === 'autoincrement'
        ))
          data[field.name] = sample(field);
      }
      const row = await delegate(model.name).create({ data });
      const idFields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
      const where =
        idFields.length === 1
          ? { [idFields[0]!]: row[idFields[0]!] }
          : { [idFields.join('_')]: Object.fromEntries(idFields.map((f) => [f, row[f]])) };
      const read = await delegate(model.name).findUniqueOrThrow({ where });
      for (const field of columnFields(model)) {
        if (field.isUpdatedAt) continue;
        expect(read[field.name], `${model.name}.${field.name}`).toEqual(data[field.name] ?? row[field.name]);
      }
      created.set(model.name, read);
    }
    expect([...created.keys()].sort()).toEqual(datamodel.models.map((m) => m.name).sort());
    expect(Prisma.ModelName).toEqual(Object.fromEntries(datamodel.models.map((m) => [m.name, m.name])));
  });
});
