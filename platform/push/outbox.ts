import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { quoteIdent as q, quoteLiteral } from '../../schemas/index.ts';
import {
  type ArrowStream,
  FIXED_TYPES,
  isFixedType,
  PUSH_BATCHES_TABLE,
  type Warehouse,
} from '../../warehouse/index.ts';
import { PlatformConfigError } from '../errors.ts';
import type { WireColumn } from '../transport/wire.ts';

/**
 * The outbox of a push batch freezes the batch's rows, so that a batch resumed after a crash sends exactly the
 * chunks it planned. It is one Parquet file per batch, written by DuckDB (`COPY … TO`) when the batch is planned
 * and deleted when the parent acknowledged the last chunk: each chunk is a row range of the file, which DuckDB
 * and parquet-wasm turn into the Arrow IPC stream that travels. No row becomes a JS value on the way.
 * Batches planned by earlier versions kept their outbox in a table (`gongshu_outbox_<batch>`); such a batch is
 * refused with the fix (abandon it, push again: the next batch carries its rows).
 */

let memoryOutboxes: string | undefined;
/** The folder of a warehouse's outbox files: `<warehouse file>.outbox/` (a temporary folder for `:memory:`). */
export function outboxDir(wh: Warehouse): string {
  if (wh.path === ':memory:') {
    memoryOutboxes ??= mkdtempSync(join(tmpdir(), 'gongshu-outbox-'));
    return memoryOutboxes;
  }
  return `${wh.path}.outbox`;
}

/** Whether a batch's `outbox` names a file (this version) rather than a table (earlier versions). */
export function isOutboxFile(outbox: string): boolean {
  return outbox.endsWith('.parquet');
}

/** What `writeOutbox` wrote: the file, its columns as they travel, and the row ranges of its chunks. */
export interface WrittenOutbox {
  readonly file: string;
  readonly columns: WireColumn[];
  readonly ranges: { first: number; end: number }[];
  readonly rows: number;
}

/**
 * Writes a batch's rows (`select`, bound by inlining `literals` for its `$name` placeholders) to the batch's
 * outbox file, in the types they travel as (VARCHAR, INTEGER, BIGINT, DATE, TIMESTAMP[ WITH TIME ZONE] as they
 * are, the others as their text), and splits it into chunks of at most `chunkBytes` of estimated wire size
 * (a row larger than that travels alone). Written under a temporary name and renamed, so the file either
 * exists whole or not at all; call it inside the transaction that records the batch.
 */
export async function writeOutbox(
  wh: Warehouse,
  batch: string,
  select: string,
  literals: Readonly<Record<string, string>>,
  chunkBytes: number,
): Promise<WrittenOutbox> {
  const sql = select.replace(/\$(self|dataset)\b/g, (m, name: string) => {
    const v = literals[name];
    if (v === undefined) throw new Error(`outbox: no value for ${m}`);
    return quoteLiteral(v);
  });
  const described = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE (${sql})`);
  const columns: WireColumn[] = described.map((d) => ({ name: d.column_name, type: d.column_type }));
  const travels = columns.map((c) =>
    isFixedType(c.type) || c.type === 'VARCHAR' ? q(c.name) : `CAST(${q(c.name)} AS VARCHAR) AS ${q(c.name)}`,
  );
  // A row's wire size: its text bytes plus an offset per text value, the width of each typed value.
  const size = columns
    .map((c) =>
      isFixedType(c.type) ? `${FIXED_TYPES[c.type].width}` : `coalesce(strlen(${q(c.name)}), 0) + 4`,
    )
    .join(' + ');
  const dir = outboxDir(wh);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `gongshu_outbox_${batch.replace(/\W/g, '_')}.parquet`);
  const temp = `${file}.tmp`;
  try {
    await wh.run(
      `COPY (SELECT ${travels.join(', ')} FROM (${sql})) TO ${quoteLiteral(temp)} (FORMAT parquet, COMPRESSION snappy)`,
    );
    // Sizes are read back from the file (read_parquet keeps its row order), so they line up with the row
    // positions the chunks read; the file holds only what travels (parquet-wasm cannot leave a column out).
    const [sizes = new Int32Array(0)] = await wh.int32Columns(
      `SELECT CAST(${size} AS INTEGER) FROM read_parquet(${quoteLiteral(temp)})`,
    );
    renameSync(temp, file);
    return { file, columns, ranges: chunkRanges(sizes, chunkBytes), rows: sizes.length };
  } finally {
    rmSync(temp, { force: true });
  }
}

/** DuckDB's row group size: a chunk of whole row groups is written straight into the parent's database file. */
const ROW_GROUP = 122_880;

/**
 * Splits rows (their estimated sizes, in order) into chunks of at most `chunkBytes` (a row larger than that
 * travels alone): each chunk is the row-position range [first, end). Always at least one chunk. A chunk that
 * could hold more than a row group is cut at a whole number of row groups: DuckDB then writes the parent's
 * rows as full row groups at insert time, instead of through its write-ahead log and a checkpoint.
 */
export function chunkRanges(sizes: Int32Array, chunkBytes: number): { first: number; end: number }[] {
  const ranges: { first: number; end: number }[] = [];
  let first = 0;
  let bytes = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    if (bytes > 0 && bytes + size > chunkBytes) {
      const end = i - first > ROW_GROUP ? first + Math.floor((i - first) / ROW_GROUP) * ROW_GROUP : i;
      ranges.push({ first, end });
      // Rows after the cut start the next chunk.
      bytes = 0;
      for (let j = end; j < i; j++) bytes += sizes[j]!;
      first = end;
    }
    bytes += size;
  }
  ranges.push({ first, end: sizes.length });
  return ranges;
}

/** The table of row ranges of a batch (its `<outbox>_chunks` table for an outbox table). */
export function chunksTable(outbox: string): string {
  return `${isOutboxFile(outbox) ? basename(outbox, '.parquet') : outbox}_chunks`;
}

/** A batch as the outbox reader needs it. */
export interface OutboxBatch {
  readonly batch: string;
  readonly dataset: string;
  readonly rows: number;
  readonly outbox: string;
}

/**
 * Opens a batch's outbox file for reading chunks as Arrow IPC streams. Each chunk is read by DuckDB (its row
 * range by `file_row_number`, whose filter skips the row groups before it) into a small Parquet file that
 * parquet-wasm turns into the stream, so memory holds one chunk, not the batch. Serialise the reads with the
 * warehouse's other work (they query it).
 */
export function openOutbox(
  wh: Warehouse,
  b: OutboxBatch,
): (range: { first_row: number; end_row: number }) => Promise<ArrowStream> {
  const abandon = `Fix: abandon the batch (UPDATE ${PUSH_BATCHES_TABLE} SET status = 'abandoned' WHERE batch = '${b.batch}') and push again`;
  if (!isOutboxFile(b.outbox)) {
    // Batches planned before outbox files kept their rows in a table; that format is no longer read.
    throw new PlatformConfigError(
      `push ${b.dataset}: batch ${b.batch} was planned by an earlier version of gongshu (outbox table ${b.outbox}). ${abandon}`,
      { field: 'batch' },
    );
  }
  if (!existsSync(b.outbox)) {
    throw new PlatformConfigError(
      `push ${b.dataset}: the outbox file ${b.outbox} of batch ${b.batch} is missing. ${abandon}`,
      { field: 'batch' },
    );
  }
  const file = quoteLiteral(b.outbox);
  return (r) =>
    wh.arrowStream(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet(${file}, file_row_number = true)
       WHERE file_row_number >= ${Number(r.first_row)} AND file_row_number < ${Number(r.end_row)}
       ORDER BY file_row_number`,
    );
}

/** Drops the table of a batch's chunk ranges. */
export async function dropChunksTable(wh: Warehouse, outbox: string): Promise<void> {
  await wh.run(`DROP TABLE IF EXISTS ${q(chunksTable(outbox))}`);
}

/** Deletes a batch's outbox file, after the transaction that marked the batch done committed. */
export function deleteOutboxFile(outbox: string): void {
  if (isOutboxFile(outbox)) rmSync(outbox, { force: true });
}

/**
 * Deletes outbox files no pending batch names: left by a crash between writing a batch's file and committing
 * the batch, or between marking a batch done and deleting its file. Run it serialised with planning.
 */
export async function sweepOutboxes(wh: Warehouse): Promise<void> {
  const dir = outboxDir(wh);
  if (!existsSync(dir)) return;
  const pending = new Set(
    (
      await wh.all<{ outbox: string }>(`SELECT outbox FROM ${PUSH_BATCHES_TABLE} WHERE status = 'pending'`)
    ).map((r) => r.outbox),
  );
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!pending.has(file)) rmSync(file, { force: true });
  }
}
