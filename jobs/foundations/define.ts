import { z } from 'zod';
import {
  type CatalogEntry,
  callerFile,
  deepFreeze,
  definedCatalogEntry,
  parseDefinition,
} from '../../schemas/index.ts';
import { DefinitionError } from '../errors.ts';

const NAME = /^[a-z][a-z0-9_]*$/;

/** Where one value of a foundation field comes from: a dataset and a column (or SQL expression) of it. */
export const sourceRefSchema = z
  .object({
    source: z.string().regex(NAME).meta({ description: 'the dataset (as loaded by a pipeline), e.g. hukou' }),
    column: z.string().min(1).optional().meta({ description: 'the dataset column holding the value' }),
    expr: z.string().min(1).optional().meta({
      description:
        "SQL over the dataset's columns giving the value, e.g. CASE sex WHEN '男' THEN '1' WHEN '女' THEN '2' END (instead of column)",
    }),
    where: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "SQL filter on the dataset's rows, e.g. record_type = '死亡'" }),
    keys: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        "columns holding the person's or organisation's key (normalised again); defaults to the dataset's key column. Marriage: ['husband_id', 'wife_id']",
    }),
    latest: z.string().min(1).optional().meta({
      description:
        'when a key has several rows, the row with the greatest value of this column wins; defaults to the most recent load, then the first row in source order',
    }),
    keyPrefix: z.array(z.string().min(1)).min(1).optional().meta({
      description:
        "only keys starting with one of these (USCC registration authority: '9' 市场监管, '5' 民政, '1' 编办); lets one field have one authoritative source per key class",
    }),
  })
  .strict();

/** A field source as written. */
export type SourceRefSpec = z.input<typeof sourceRefSchema>;
/** A validated field source. */
export type SourceRef = z.output<typeof sourceRefSchema>;

/** A foundation database (基础库): a key, and for every field exactly one authoritative source. */
export const foundationSchema = z
  .object({
    name: z.string().regex(NAME).meta({ description: 'materialised as foundation.<name>, e.g. population' }),
    title: z.string().optional().meta({ description: 'display name, e.g. 人口基础库' }),
    key: z
      .enum(['citizen-id', 'uscc'])
      .meta({ description: 'natural persons by citizen ID (GB 11643), legal persons by USCC (GB 32100)' }),
    keyColumn: z
      .string()
      .regex(NAME)
      .optional()
      .meta({ description: 'the key column of the built table; defaults to id_number (citizen-id) or uscc' }),
    fields: z
      .record(z.string().regex(NAME), z.union([sourceRefSchema, z.array(sourceRefSchema).min(1)]))
      .refine((f) => Object.keys(f).length > 0, 'at least one field')
      .meta({
        description:
          'field → its authoritative source; an array only when the sources split the keys by keyPrefix (disjoint)',
      }),
    others: z.record(z.string().regex(NAME), z.array(sourceRefSchema).min(1)).default({}).meta({
      description: 'field → other sources holding it: compared, disagreements recorded as conflicts',
    }),
    catalog: definedCatalogEntry.optional().meta({
      description:
        'the catalog entry of the built table (defineCatalogEntry); with one, gongshu push reports it upward as foundation.<name> (a build is the unit). Defaults to none',
    }),
  })
  .strict();

/** A foundation as written. */
export type FoundationSpec = z.input<typeof foundationSchema>;

/** A validated, frozen foundation: every field normalised to a list of key-disjoint authoritative sources. */
export interface Foundation {
  readonly kind: 'foundation';
  readonly name: string;
  readonly title: string | undefined;
  readonly key: 'citizen-id' | 'uscc';
  readonly keyColumn: string;
  readonly fields: Readonly<Record<string, readonly SourceRef[]>>;
  readonly others: Readonly<Record<string, readonly SourceRef[]>>;
  /** The catalog entry of the built table, when it is reported upward. */
  readonly catalog?: CatalogEntry;
  readonly file?: string;
}

/** The datasets a foundation reads (authoritative and compared), sorted. */
export function foundationSources(f: Foundation): string[] {
  const all = [...Object.values(f.fields), ...Object.values(f.others)].flat().map((r) => r.source);
  return [...new Set(all)].sort();
}

function describe(r: SourceRef): string {
  const what = r.column ?? (r.expr ? `expr ${JSON.stringify(r.expr)}` : '?');
  const prefix = r.keyPrefix ? ` (keys ${r.keyPrefix.map((p) => `${p}…`).join(', ')})` : '';
  return `${r.source}.${what}${prefix}`;
}

/** Whether two key-prefix sets can match the same key (no prefix set = every key). */
function overlaps(a: SourceRef, b: SourceRef): boolean {
  if (!a.keyPrefix || !b.keyPrefix) return true;
  return a.keyPrefix.some((p) => b.keyPrefix!.some((q) => p.startsWith(q) || q.startsWith(p)));
}

function check(name: string, file: string | undefined, field: string, r: SourceRef, role: string) {
  if ((r.column === undefined) === (r.expr === undefined)) {
    throw new DefinitionError(
      `${file ?? 'foundation'}: foundation ${name}: ${role}.${field}: expected exactly one of column or expr; got ${
        r.column === undefined ? 'neither' : 'both'
      }. Fix: { source: ${JSON.stringify(r.source)}, column: "${field}" }`,
      { file, field: `${role}.${field}`, allowed: 'column or expr', fix: `column: "${field}"` },
    );
  }
}

/**
 * Defines a foundation database. Every field has exactly one authoritative source dataset (一数一源): naming a
 * second one for the same keys is a definition error naming both. Other sources of a field go in `others`;
 * their disagreeing values are recorded as conflicts when the foundation is built.
 * @example
 * defineFoundation({ name: 'population', key: 'citizen-id',
 *   fields: { name: { source: 'hukou', column: 'name' } },
 *   others: { name: [{ source: 'social_security', column: 'name' }] } })
 */
export function defineFoundation(spec: FoundationSpec): Foundation {
  const file = callerFile();
  const d = parseDefinition(
    foundationSchema,
    spec,
    { file, kind: 'foundation' },
    {
      key: 'key: "citizen-id" or key: "uscc"',
      'fields.*': 'fields: { name: { source: "hukou", column: "name" } }',
      'others.*': 'others: { name: [{ source: "social_security", column: "name" }] }',
    },
  );
  const fields: Record<string, SourceRef[]> = {};
  for (const [field, value] of Object.entries(d.fields)) {
    const refs = Array.isArray(value) ? value : [value];
    refs.forEach((r) => {
      check(d.name, file, field, r, 'fields');
    });
    for (let i = 0; i < refs.length; i++) {
      for (let j = i + 1; j < refs.length; j++) {
        const [a, b] = [refs[i]!, refs[j]!];
        if (overlaps(a, b)) {
          throw new DefinitionError(
            `${file ?? 'foundation'}: foundation ${d.name}: fields.${field}: two authoritative sources for the same keys: ` +
              `${describe(a)} and ${describe(b)}. One data, one source (一数一源): each field has exactly one authoritative ` +
              `source. Fix: keep one in fields.${field} and move the other to others.${field}` +
              (a.keyPrefix || b.keyPrefix ? ', or give both disjoint keyPrefix lists' : ''),
            {
              file,
              field: `fields.${field}`,
              sources: [a.source, b.source],
              allowed: 'one authoritative source per field (per key prefix)',
              fix: `others: { ${field}: [{ source: ${JSON.stringify(b.source)}, … }] }`,
            },
          );
        }
      }
    }
    fields[field] = refs;
  }
  for (const [field, refs] of Object.entries(d.others)) {
    if (!fields[field]) {
      throw new DefinitionError(
        `${file ?? 'foundation'}: foundation ${d.name}: others.${field}: expected a field of fields (${Object.keys(
          fields,
        ).join(
          ', ',
        )}); got ${JSON.stringify(field)}. Fix: declare its authoritative source in fields.${field} first`,
        { file, field: `others.${field}`, allowed: Object.keys(fields).join(', '), fix: `fields.${field}` },
      );
    }
    for (const r of refs) {
      check(d.name, file, field, r, 'others');
      const same = fields[field]!.find((a) => a.source === r.source && overlaps(a, r));
      if (same) {
        throw new DefinitionError(
          `${file ?? 'foundation'}: foundation ${d.name}: others.${field}: ${describe(r)} is also the authoritative source ` +
            `of ${field} (${describe(same)}); a source cannot disagree with itself. Fix: remove it from others.${field}`,
          { file, field: `others.${field}`, fix: `remove ${r.source} from others.${field}` },
        );
      }
    }
  }
  const keyColumn = d.keyColumn ?? (d.key === 'citizen-id' ? 'id_number' : 'uscc');
  if (fields[keyColumn]) {
    throw new DefinitionError(
      `${file ?? 'foundation'}: foundation ${d.name}: fields.${keyColumn}: the key column cannot also be a field. ` +
        `Fix: rename the field or set keyColumn`,
      { file, field: `fields.${keyColumn}`, fix: 'rename the field' },
    );
  }
  return deepFreeze({
    kind: 'foundation' as const,
    name: d.name,
    title: d.title,
    key: d.key,
    keyColumn,
    fields,
    others: d.others,
    ...(d.catalog ? { catalog: d.catalog } : {}),
    ...(file ? { file } : {}),
  });
}

/** Freezes an object graph (plain data only). */
