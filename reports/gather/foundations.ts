import type { Foundation } from '../../jobs/index.ts';
import { quoteIdent, quoteLiteral } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { DATASETS_TABLE, FOUNDATIONS_TABLE } from '../../warehouse/index.ts';
import type { FoundationsData, FoundationsSection } from '../model.ts';
import { iso } from './iso.ts';

/** A foundation's built state (`gongshu.foundations`). */
interface Built {
  readonly builtAt: string;
  readonly mode: string;
  readonly rows: number | null;
  readonly conflicts: number | null;
}

const table = (name: string) => `foundation.${quoteIdent(name)}`;

/**
 * The foundations section: every foundation the project defines or the warehouse has built, each with its build
 * (`gongshu.foundations`), its history size (`foundation.<name>_closed`), every field with its authoritative
 * source and the sources compared with it (from the definitions; without them, the table's columns and the
 * conflict rows), conflicts per field and department (`foundation.<name>_conflicts`), and duplicate collection.
 */
export async function readFoundations(
  wh: Warehouse,
  definitions: readonly Foundation[] = [],
): Promise<FoundationsSection> {
  const hasState = await wh.hasTable(`${FOUNDATIONS_TABLE}`);
  if (!hasState && definitions.length === 0) {
    return { status: 'not-configured', note: `no ${FOUNDATIONS_TABLE} table (no foundation was built)` };
  }
  try {
    const built = hasState ? await readBuilt(wh) : new Map<string, Built>();
    const names = [
      ...definitions.map((d) => d.name),
      ...[...built.keys()].filter((n) => !definitions.some((d) => d.name === n)),
    ];
    if (names.length === 0) return { status: 'not-configured', note: `${FOUNDATIONS_TABLE} is empty` };
    const departments = new Map(
      (
        await wh.all<{ dataset: string; provider: string | null }>(
          `SELECT dataset, json_extract_string(catalog, '$.provider.name') AS provider FROM ${DATASETS_TABLE}`,
        )
      ).map((r) => [r.dataset, r.provider]),
    );
    const data: FoundationsData = { foundations: [], sources: [], conflicts: [], duplicates: [] };
    for (const name of names) {
      const def = definitions.find((d) => d.name === name);
      await readFoundation(wh, { name, def, state: built.get(name), departments }, data);
    }
    return { status: 'ok', data };
  } catch (error) {
    return {
      status: 'not-configured',
      note: `foundation tables present but unreadable (${(error as Error).message.split('\n')[0]})`,
    };
  }
}

/** Each built foundation's state (`gongshu.foundations`), by name. */
async function readBuilt(wh: Warehouse): Promise<Map<string, Built>> {
  const built = new Map<string, Built>();
  const rows = await wh.all<{
    foundation: string;
    ms: number;
    mode: string;
    rows: number | null;
    conflicts: number | null;
  }>(
    `SELECT foundation, epoch_ms(built_at) AS ms, mode, rows, conflicts FROM ${FOUNDATIONS_TABLE} ORDER BY foundation`,
  );
  for (const r of rows) {
    built.set(r.foundation, {
      builtAt: iso(Number(r.ms)),
      mode: r.mode,
      rows: r.rows === null ? null : Number(r.rows),
      conflicts: r.conflicts === null ? null : Number(r.conflicts),
    });
  }
  return built;
}

/** One foundation, as the section reads it. */
interface FoundationRead {
  readonly name: string;
  /** Its definition, when the project has it. */
  readonly def: Foundation | undefined;
  /** Its build, when it was built. */
  readonly state: Built | undefined;
  /** The provider department of each dataset (catalog), by dataset. */
  readonly departments: ReadonlyMap<string, string | null>;
}

/** A conflict count of a foundation's conflict table: a field, its source, the source disagreeing. */
type ConflictRow = { field: string; source: string; other: string; n: number };

/** Adds one foundation to the section: its row, its fields' sources, its conflicts and duplicate collection. */
async function readFoundation(wh: Warehouse, f: FoundationRead, data: FoundationsData): Promise<void> {
  const { name, def, state } = f;
  const dept = (dataset: string) => f.departments.get(dataset) ?? dataset;
  const count = async (t: string) =>
    (await wh.hasTable(`foundation.${t}`))
      ? Number((await wh.value<number>(`SELECT count(*) FROM ${table(t)}`)) ?? 0)
      : null;
  const rows = state?.rows ?? (await count(name));
  const closed = await count(`${name}_closed`);
  const conflictRows = (await wh.hasTable(`foundation.${name}_conflicts`))
    ? await wh.all<ConflictRow>(
        `SELECT field, source, other_source AS other, count(*) AS n FROM ${table(`${name}_conflicts`)}
         GROUP BY ALL ORDER BY field, n DESC, other`,
      )
    : [];
  const byField = new Map<string, number>();
  for (const r of conflictRows) byField.set(r.field, (byField.get(r.field) ?? 0) + Number(r.n));
  const fields = def
    ? definedSources(def, f.departments, byField, data)
    : await tableSources(wh, f, conflictRows, byField, data);
  data.foundations.push({
    name,
    title: def?.title ?? null,
    key: def?.key ?? null,
    keyColumn: def?.keyColumn ?? null,
    fields: fields.length,
    builtAt: state?.builtAt ?? null,
    mode: state?.mode ?? null,
    rows,
    closed,
    history: rows === null ? null : rows + (closed ?? 0),
    conflicts:
      state?.conflicts ?? (conflictRows.length ? [...byField.values()].reduce((a, b) => a + b, 0) : null),
  });
  for (const r of conflictRows) {
    const n = Number(r.n);
    data.conflicts.push({ foundation: name, field: r.field, department: dept(r.other), count: n });
    data.duplicates.push({
      field: r.field,
      department: dept(r.other),
      authoritative: dept(r.source),
      count: n,
    });
  }
}

/** Adds the sources of each field of a defined foundation (and the sources compared with it); returns its fields. */
function definedSources(
  def: Foundation,
  departments: ReadonlyMap<string, string | null>,
  byField: ReadonlyMap<string, number>,
  data: FoundationsData,
): string[] {
  const fields = Object.keys(def.fields);
  for (const field of fields) {
    const compared = (def.others[field] ?? []).map((o) => `${o.source}.${o.column ?? o.expr}`);
    for (const ref of def.fields[field] ?? []) {
      data.sources.push({
        foundation: def.name,
        field,
        source: ref.source,
        department: departments.get(ref.source) ?? null,
        column: ref.column ?? ref.expr ?? null,
        keyPrefix: [...(ref.keyPrefix ?? [])],
        compared,
        conflicts: byField.get(field) ?? 0,
      });
    }
  }
  return fields;
}

/**
 * Without the definition: adds the table's columns as fields, with the source the conflict rows name; returns
 * the fields.
 */
async function tableSources(
  wh: Warehouse,
  f: FoundationRead,
  conflictRows: readonly ConflictRow[],
  byField: ReadonlyMap<string, number>,
  data: FoundationsData,
): Promise<string[]> {
  const columns = await wh.all<{ column_name: string }>(
    `SELECT column_name FROM duckdb_columns() WHERE schema_name = 'foundation' AND table_name = ${quoteLiteral(f.name)}
     ORDER BY column_index`,
  );
  const fields = [
    ...new Set([
      ...columns.map((c) => c.column_name).filter((c) => c !== 'valid_from'),
      ...conflictRows.map((r) => r.field),
    ]),
  ];
  for (const field of fields) {
    const c = conflictRows.filter((r) => r.field === field);
    data.sources.push({
      foundation: f.name,
      field,
      source: c[0]?.source ?? '',
      department: c[0] ? (f.departments.get(c[0].source) ?? null) : null,
      column: null,
      keyPrefix: [],
      compared: [...new Set(c.map((r) => r.other))],
      conflicts: byField.get(field) ?? 0,
    });
  }
  return fields;
}
