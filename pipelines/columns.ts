import { DefinitionError, quoteIdent as q } from '../schemas/index.ts';
import type { Pipeline } from './define.ts';

/** The DuckDB type a dataset column gets for a catalog / source type. */
export const SQL_TYPES: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  decimal: 'DECIMAL(38,6)',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  boolean: 'BOOLEAN',
};

/** How one source column becomes one dataset column. */
export interface ColumnPlan {
  /** The source column (staged as text). */
  readonly source: string;
  /** The dataset column. */
  readonly target: string;
  /** The DuckDB type of the dataset column. */
  readonly sqlType: string;
  /** SQL computing the value from the staged text; NULL where blank or unparseable. */
  readonly expr: string;
  /** True when `expr` can turn non-blank text into NULL (a parse failure the loader must quarantine). */
  readonly canFail: boolean;
  /** True for the key column (its value is the normalised key). */
  readonly isKey: boolean;
}

/** SQL casting a staged text column to a type; NULL where the text is blank or does not parse. */
export function castSql(columnSql: string, type: string | undefined): string | undefined {
  switch (type) {
    case 'date':
      return `gs_parse_date(${columnSql})`;
    case 'integer':
      return `TRY_CAST(NULLIF(trim(${columnSql}), '') AS BIGINT)`;
    case 'decimal':
      return `TRY_CAST(NULLIF(trim(${columnSql}), '') AS DECIMAL(38,6))`;
    case 'timestamp':
      return `TRY_CAST(NULLIF(trim(${columnSql}), '') AS TIMESTAMP)`;
    case 'boolean':
      return `TRY_CAST(NULLIF(trim(${columnSql}), '') AS BOOLEAN)`;
    default:
      return undefined;
  }
}

/**
 * The key macros per key kind: `normalize` the raw value, `reasonOfNormalized` the reason of an already
 * normalised value (what `gs_citizen_id_reason(s)` computes after normalising s itself — the loader
 * normalises once and reuses it, which saves a join per row).
 */
export const KEY_MACROS = {
  'citizen-id': { reasonOfNormalized: 'gs__cid_reason', normalize: 'gs_citizen_id_normalize' },
  uscc: { reasonOfNormalized: 'gs__uscc_reason', normalize: 'gs_uscc_normalize' },
} as const;

/**
 * Every catalog field must name a source column by its title (信息项名称) or name: a field that matches none
 * would leave its column untyped and unrenamed without a word, so it is a definition error (exit 2).
 */
export function checkCatalogFields(pipeline: Pipeline, columns: readonly string[]): void {
  const fields = pipeline.dataset.catalog?.fields ?? [];
  const have = new Set(columns);
  const unmatched = fields.filter((f) => !have.has(f.title) && !have.has(f.name));
  if (!unmatched.length) return;
  const f = unmatched[0]!;
  const source = pipeline.source.describe().source;
  throw new DefinitionError(
    `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: dataset.catalog.fields: field ${f.name} (title ${JSON.stringify(f.title)}) ` +
      `matches no column of ${source} (columns: ${columns.join(', ')})` +
      `${
        unmatched.length > 1
          ? `; also unmatched: ${unmatched
              .slice(1)
              .map((u) => `${u.name} (${JSON.stringify(u.title)})`)
              .join(', ')}`
          : ''
      }. ` +
      "Fix: set the field's title to the source header it describes (a field whose title is a source header renames that column to the field's name and types it), or remove the field",
    {
      file: pipeline.file,
      field: 'dataset.catalog.fields',
      allowed: columns.join(', '),
      fix: 'title: "<source header>"',
      unmatched: unmatched.map((u) => u.name),
    },
  );
}

/**
 * Plans the dataset columns of a load. With a catalog entry, a source column whose header equals a field's
 * title (信息项名称, e.g. 公民身份号码) or name becomes that field's name (e.g. id_number) and type; other
 * columns keep their source names and the type the source declares (text when it declares none).
 */
export function planColumns(
  pipeline: Pipeline,
  columns: readonly string[],
  sourceTypes: readonly (string | undefined)[] = [],
): ColumnPlan[] {
  const fields = pipeline.dataset.catalog?.fields ?? [];
  const key = pipeline.dataset.key;
  checkCatalogFields(pipeline, columns);
  const plans = columns.map((c, i): ColumnPlan => {
    const f = fields.find((x) => x.name === c) ?? fields.find((x) => x.title === c);
    const target = f?.name ?? c;
    if (c === key?.column) {
      const expr = `${KEY_MACROS[key.kind].normalize}(${q(c)})`;
      return { source: c, target, sqlType: 'VARCHAR', expr, canFail: false, isKey: true };
    }
    const type = f?.type ?? sourceTypes[i]; // the catalog's type wins over the source's
    const cast = castSql(q(c), type);
    return {
      source: c,
      target,
      sqlType: (type && SQL_TYPES[type]) ?? 'VARCHAR',
      expr: cast ?? q(c),
      canFail: cast !== undefined,
      isKey: false,
    };
  });
  const seen = new Map<string, string>();
  for (const p of plans) {
    const other = seen.get(p.target);
    if (other !== undefined) {
      throw new DefinitionError(
        `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: source columns ${JSON.stringify(other)} and ` +
          `${JSON.stringify(p.source)} both become dataset column "${p.target}". Fix: give the catalog fields ` +
          'distinct names/titles, or rename one source column',
        {
          field: 'dataset.catalog.fields',
          allowed: 'one source column per dataset column',
          fix: 'rename one',
        },
      );
    }
    seen.set(p.target, p.source);
  }
  return plans;
}
