import { SourceError, type SqlRelation } from '../connectors/index.ts';
import { quoteIdent as q, quoteLiteral } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import type { Pipeline } from './define.ts';
import { createStage, dropStage, rawTable, type Staged, stagedNames } from './stage-table.ts';

/** DuckDB column types → the types a source can declare. */
function sourceType(duckType: string): string | undefined {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(duckType))
    return 'integer';
  if (/^(DECIMAL|DOUBLE|FLOAT|REAL)/.test(duckType)) return 'decimal';
  if (duckType === 'DATE') return 'date';
  if (duckType.startsWith('TIMESTAMP')) return 'timestamp';
  if (duckType === 'BOOLEAN') return 'boolean';
  return undefined;
}

/** What staging a relation gave: the staged rows, or why the fast path declined. */
type Outcome = { ok: true; value: Staged } | { ok: false; why: string };

/** The lines of a line-oriented file. */
type Lines = NonNullable<SqlRelation['lines']>;

/** A relation on its way into the staging table. */
interface Staging {
  readonly wh: Warehouse;
  readonly table: string;
  readonly relation: SqlRelation;
  /** The columns read, under the names they are staged under (`rowid` renamed), with DuckDB's types. */
  readonly cols: readonly { column_name: string; column_type: string }[];
  /** Each column read, cast to text (by its source name). */
  readonly values: readonly string[];
  /** The notes of renaming columns. */
  readonly renamed: readonly string[];
}

/**
 * Stages a source DuckDB reads itself with one INSERT … SELECT. For line-oriented files (`relation.lines`)
 * each row's `file:line` is derived from the line breaks inside the rows before it, and the result is
 * verified against the file's physical line count; a mismatch or a read error declines (the caller falls
 * back to `extract()`). For other relations (Parquet) a read error is a SourceError.
 */
export async function stageRelation(
  wh: Warehouse,
  pipeline: Pipeline,
  table: string,
  relation: SqlRelation,
): Promise<Outcome> {
  const source = pipeline.source.describe().source;
  let described: { column_name: string; column_type: string }[];
  try {
    described = await wh.all(`DESCRIBE SELECT * FROM ${relation.sql}`);
  } catch (error) {
    return declined(relation, source, error);
  }
  const hidden = new Set(relation.hidden);
  const read = described.filter((c) => !hidden.has(c.column_name));
  // From here on, columns have the names they are staged under (`rowid` renamed).
  const renamed = stagedNames(read.map((c) => c.column_name));
  const staging: Staging = {
    wh,
    table,
    relation,
    cols: read.map((c, i) => ({ ...c, column_name: renamed.columns[i]! })),
    values: read.map((c) => `CAST(${q(c.column_name)} AS VARCHAR)`),
    renamed: renamed.notes,
  };
  await createStage(wh, table, pipeline, renamed.columns);
  try {
    if (relation.lines) {
      const rows = await stageLines(staging, relation.lines);
      if (rows !== undefined) return { ok: true, value: staged(staging, rows) };
    } else {
      await wh.run(
        `INSERT INTO temp.${q(table)} SELECT row_number() OVER (), ${relation.location}, NULL, NULL${staging.values
          .map((v) => `, ${v}`)
          .join('')} FROM ${relation.sql}`,
      );
    }
  } catch (error) {
    return declined(relation, source, error);
  }
  const rowsRead = (await wh.value<number>(`SELECT count(*) FROM temp.${q(table)}`)) ?? 0;
  if (relation.lines) {
    const why = await unaccountedLines(staging, relation.lines, rowsRead);
    if (why) return { ok: false, why };
  }
  return { ok: true, value: staged(staging, rowsRead) };
}

/** A read error: the fast path declines for a line-oriented file, and is a SourceError for other relations. */
function declined(relation: SqlRelation, source: string, error: unknown): Outcome {
  const message = String((error as Error)?.message ?? error)
    .replace(/^query failed: /, '')
    .split('\n')[0]!;
  if (relation.lines) return { ok: false as const, why: message };
  throw new SourceError(
    `${source}: cannot read: ${message}. Fix: check that the file is complete and in the declared format`,
    { source },
    { cause: error },
  );
}

/** The line breaks inside each staged row, as SQL (`sum` of them over the rows with `aggregate`). */
function lineBreaks(cols: Staging['cols'], aggregate = false): string {
  if (!cols.length) return '0';
  return cols
    .map((c) => {
      const breaks = `length(${q(c.column_name)}) - length(replace(${q(c.column_name)}, chr(10), ''))`;
      return `coalesce(${aggregate ? `sum(${breaks})` : breaks}, 0)`;
    })
    .join(' + ');
}

/**
 * Stages a line-oriented file. DuckDB's reader parses it in parallel into a raw table (`<stage>_raw`) whose rowids
 * follow the file's order (DuckDB preserves insertion order), so the r-th row is rowid r - 1. Numbering the rows
 * with `row_number() OVER ()` over the reader instead puts the read, and the key checks that read the numbered
 * rows, on one thread (10M rows: 9.3 s against 6.7 s for reading, numbering and checking the key). The file is not
 * read again: the relation's temporary files are disposed of here.
 *
 * Common case first: no line breaks inside fields, so row r starts on line firstDataLine + r - 1, and the stage
 * is a view over the raw table: the rows are returned. Otherwise (or when the connector flagged lines) the rows are
 * copied into the stage with the breaks accounted for (and verified by the caller): undefined.
 */
async function stageLines(staging: Staging, lines: Lines): Promise<number | undefined> {
  const { wh, table, relation, cols, values } = staging;
  const { file, firstDataLine, physicalLines } = lines;
  const raw = rawTable(table);
  const names = cols.map((c) => q(c.column_name));
  await wh.run(
    `CREATE TEMP TABLE ${q(raw)} AS SELECT ${values.map((v, i) => `${v} AS ${names[i]}`).join(', ')} FROM ${relation.sql}`,
  );
  await relation.dispose?.();
  const rows = (await wh.value<number>(`SELECT count(*) FROM temp.${q(raw)}`)) ?? 0;
  const flagged = lines.problemLines !== undefined || lines.replacementProblem !== undefined;
  // The rows the physical lines promise when no field holds a line break.
  if (rows === physicalLines - firstDataLine + 1 && !flagged) {
    await wh.run(`DROP TABLE IF EXISTS temp.${q(table)}`);
    await wh.run(
      `CREATE TEMP VIEW ${q(table)} AS SELECT rowid + 1 AS _stage_row, ${quoteLiteral(`${file}:`)} || (${firstDataLine} + rowid) AS _stage_location,
         NULL::VARCHAR AS _stage_problem, NULL::VARCHAR AS _stage_extra${names.map((n) => `, ${n}`).join('')} FROM temp.${q(raw)}`,
    );
    return rows;
  }
  const breaks = lineBreaks(cols);
  await wh.run(
    `INSERT INTO temp.${q(table)} SELECT _r, ${quoteLiteral(`${file}:`)} || (${firstDataLine} + _r - 1 + coalesce(sum(_nl) OVER (ORDER BY _r ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)),
       NULL, NULL${names.map((n) => `, ${n}`).join('')} FROM (SELECT rowid + 1 AS _r, ${breaks} AS _nl${names.map((n) => `, ${n}`).join('')} FROM temp.${q(raw)})`,
  );
  await wh.run(`DROP TABLE temp.${q(raw)}`);
  await flagRows(
    wh,
    table,
    cols.map((c) => c.column_name),
    lines,
    breaks,
  );
  return undefined;
}

/** Why the materialised rows do not account for every line of the file, or undefined when they do. */
async function unaccountedLines(
  staging: Staging,
  lines: Lines,
  rowsRead: number,
): Promise<string | undefined> {
  const embedded =
    (await staging.wh.value<number>(
      `SELECT ${lineBreaks(staging.cols, true)} FROM temp.${q(staging.table)}`,
    )) ?? 0;
  const accounted = lines.firstDataLine - 1 + rowsRead + Number(embedded);
  if (accounted === lines.physicalLines) return undefined;
  return `rows and line breaks account for ${accounted} of ${lines.physicalLines} lines (blank or malformed lines)`;
}

/** The staged relation: its rows stay in the stage until the load disposes it (and the relation's files, if any are left). */
function staged({ wh, table, relation, cols, renamed }: Staging, rowsRead: number): Staged {
  return {
    table,
    columns: cols.map((c) => c.column_name),
    sourceTypes: cols.map((c) => (relation.lines ? undefined : sourceType(c.column_type))),
    rowsRead,
    notes: [...(relation.notes ?? []), ...renamed, `staged by DuckDB's reader (${rowsRead} rows)`],
    files: [],
    dispose: async () => {
      await dropStage(wh, table);
      await relation.dispose?.();
    },
  };
}

/**
 * Sets `_stage_problem` of the staged rows the connector flagged: rows whose text holds U+FFFD (bytes invalid in
 * the file's encoding), then rows spanning a problem line (e.g. a line of another encoding), in the order the JS
 * parser joins the same problems (`a; b`).
 */
async function flagRows(
  wh: Warehouse,
  table: string,
  columns: readonly string[],
  lines: NonNullable<SqlRelation['lines']>,
  breaks: string,
): Promise<void> {
  const append = (problem: string) =>
    `_stage_problem = CASE WHEN _stage_problem IS NULL THEN ${quoteLiteral(problem)} ELSE _stage_problem || '; ' || ${quoteLiteral(problem)} END`;
  if (lines.replacementProblem && columns.length) {
    await wh.run(
      `UPDATE temp.${q(table)} SET ${append(lines.replacementProblem)}
       WHERE ${columns.map((c) => `coalesce(contains(${q(c)}, '\uFFFD'), false)`).join(' OR ')}`,
    );
  }
  /** The physical line a staged row starts on, from its `file:line` location (`t`: the table's alias). */
  const start = (t = '') => `CAST(split_part(${t}_stage_location, ':', -1) AS BIGINT)`;
  if (lines.problemLines?.lines.length) {
    await wh.run(
      `UPDATE temp.${q(table)} SET ${append(lines.problemLines.problem)}
       WHERE _stage_row IN (
         SELECT s._stage_row FROM (SELECT _stage_row, ${start()} AS _first, ${start()} + ${breaks} AS _last FROM temp.${q(table)}) AS s
         JOIN (SELECT unnest([${lines.problemLines.lines.join(', ')}]) AS line) AS p ON p.line BETWEEN s._first AND s._last)`,
    );
  }
  if (lines.recovered?.size && columns.length) {
    // The values of flagged rows decoded as what they are, as `_stage_extra`: the quarantine keeps them instead
    // of the values read (one JSON parameter, never the department's text spliced into the SQL).
    const rows = [...lines.recovered].map(([line, values]) => ({
      line,
      extra: JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? null]))),
    }));
    await wh.run(
      `UPDATE temp.${q(table)} AS s SET _stage_extra = r.extra
       FROM (SELECT unnest(from_json($1::JSON, '[{"line": "BIGINT", "extra": "VARCHAR"}]'), recursive := true)) AS r
       WHERE s._stage_problem IS NOT NULL AND ${start('s.')} = r.line`,
      [JSON.stringify(rows)],
    );
  }
}
