/**
 * Before a foundation's SQL runs: every column a field names (`column`, `keys`, `latest`) must be a column of
 * its source dataset's table, else a definition error naming the foundation, the field and the columns there
 * are (instead of DuckDB's Binder error from the middle of the build).
 */
import { inList } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { DefinitionError } from '../errors.ts';
import type { Foundation, SourceRef } from './define.ts';
import type { SourceTable } from './sql.ts';

/** Checks the columns the foundation's fields name against its source tables; see the module comment. */
export async function checkSourceColumns(
  wh: Warehouse,
  f: Foundation,
  sources: ReadonlyMap<string, SourceTable>,
): Promise<void> {
  const tables = [...new Set([...sources.values()].map((s) => s.table))];
  if (!tables.length) return;
  const rows = await wh.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name IN ${inList(tables)}`,
  );
  const columns = new Map<string, Set<string>>();
  for (const r of rows)
    columns.set(r.table_name, (columns.get(r.table_name) ?? new Set()).add(r.column_name));
  const check = (group: 'fields' | 'others', field: string, ref: SourceRef) => {
    const src = sources.get(ref.source);
    const have = src && columns.get(src.table);
    if (!src || !have) return;
    const named: [string, string][] = [
      ...(ref.column ? [['column', ref.column] as [string, string]] : []),
      ...(ref.keys ?? []).map((k): [string, string] => ['keys', k]),
      ...(ref.latest ? [['latest', ref.latest] as [string, string]] : []),
    ];
    for (const [what, column] of named) {
      if (have.has(column)) continue;
      const shown = [...have].filter((c) => !c.startsWith('_')).sort();
      throw new DefinitionError(
        `${f.file ?? 'foundation'}: foundation ${f.name}: ${group}.${field}: ${what} ${JSON.stringify(column)} is not a column of dataset ${ref.source} ` +
          `(columns: ${shown.join(', ')}). Fix: name one of those columns (a catalog field whose title is a source header renames that column to the field name)`,
        {
          file: f.file,
          field: `${group}.${field}.${what}`,
          allowed: shown.join(', '),
          fix: `${what}: "<a column of ${ref.source}>"`,
          foundation: f.name,
          dataset: ref.source,
        },
      );
    }
  };
  for (const [field, refs] of Object.entries(f.fields)) for (const r of refs) check('fields', field, r);
  for (const [field, refs] of Object.entries(f.others)) for (const r of refs) check('others', field, r);
}
