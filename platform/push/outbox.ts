import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quoteIdent as q, quoteLiteral } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { PUSH_BATCHES_TABLE } from '../../warehouse/index.ts';
import { fileSm3 } from '../transport/client.ts';
import { type WireColumn, wireSelect, writeChunkFile } from '../transport/parquet-chunk.ts';

/**
 * The outbox of a push batch freezes the batch's rows, so that a batch resumed after a crash (or retried from
 * the dead letters) sends exactly the chunks it planned. It is a folder per batch holding one Parquet file per
 * chunk, written by DuckDB when the batch is planned and deleted when the parent acknowledged the last chunk
 * (or the batch is abandoned). A chunk file is what travels, byte for byte. No row becomes a JS value.
 */

let memoryOutboxes: string | undefined;
/** The folder of a warehouse's outboxes: `<warehouse file>.outbox/` (a temporary folder for `:memory:`). */
export function outboxDir(wh: Warehouse): string {
  if (wh.path === ':memory:') {
    memoryOutboxes ??= mkdtempSync(join(tmpdir(), 'gongshu-outbox-'));
    return memoryOutboxes;
  }
  return `${wh.path}.outbox`;
}

let memoryRelay: string | undefined;
/**
 * The folder where a forwarding node keeps the chunk files it stored, to send them upward unchanged:
 * `<warehouse file>.relay/` (a temporary folder for `:memory:`).
 */
export function relayDir(wh: Warehouse): string {
  if (wh.path === ':memory:') {
    memoryRelay ??= mkdtempSync(join(tmpdir(), 'gongshu-relay-'));
    return memoryRelay;
  }
  return `${wh.path}.relay`;
}

/** The file of an outbox folder holding each chunk's SM3 (`{ "0": "<sm3>", … }`). */
const HASHES = 'hashes.json';

/** The SM3 of each chunk of an outbox, as recorded when it was planned (empty for an outbox without them). */
export function chunkHashes(outbox: string): Map<number, string> {
  try {
    const raw = JSON.parse(readFileSync(join(outbox, HASHES), 'utf8')) as Record<string, string>;
    return new Map(
      Object.entries(raw)
        .filter(([, h]) => /^[0-9a-f]{64}$/.test(h))
        .map(([k, h]) => [Number(k), h]),
    );
  } catch {
    return new Map();
  }
}

/** Whether a batch's `outbox` names a folder of chunk files (this version), not a file or table of earlier ones. */
export function isOutboxFolder(outbox: string): boolean {
  return outbox.endsWith('.chunks');
}

/** The file of chunk `seq` in an outbox folder. */
export function chunkFile(outbox: string, seq: number): string {
  return join(outbox, `chunk-${String(seq).padStart(6, '0')}.parquet`);
}

/** What `writeOutbox` wrote: the folder, the columns as they travel, the number of chunks and rows. */
export interface WrittenOutbox {
  readonly dir: string;
  readonly columns: WireColumn[];
  readonly chunks: number;
  readonly rows: number;
}

/**
 * Writes a batch's rows (`select`, with `$self` and `$dataset` inlined as literals) into the batch's outbox
 * folder as Parquet chunk files carrying `header`: one `COPY … TO` of the whole batch, which is the one chunk
 * when it is at most `chunkBytes`; a larger file is split into row ranges of about `chunkBytes` each (by the
 * rows' estimated sizes scaled to the file's compression; a chunk holding more than a row group is cut at whole
 * row groups), each copied to its own file. Types that do not travel as they are go as their text. The folder
 * is written under a temporary name and renamed, so it exists whole or not at all; call it inside the
 * transaction that records the batch.
 */
export async function writeOutbox(
  wh: Warehouse,
  batch: string,
  select: string,
  literals: Readonly<Record<string, string>>,
  header: unknown,
  chunkBytes: number,
): Promise<WrittenOutbox> {
  const sql = select.replace(/\$(self|dataset)\b/g, (m, name: string) => {
    const v = literals[name];
    if (v === undefined) throw new Error(`outbox: no value for ${m}`);
    return quoteLiteral(v);
  });
  const described = await wh.all<{ column_name: string; column_type: string }>(`DESCRIBE (${sql})`);
  const columns: WireColumn[] = described.map((d) => ({ name: d.column_name, type: d.column_type }));
  const root = outboxDir(wh);
  const dir = join(root, `${batch.replace(/\W/g, '_')}.chunks`);
  const temp = `${dir}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const whole = join(temp, 'batch.parquet');
    const rows = await writeChunkFile(wh, `SELECT ${wireSelect(columns)} FROM (${sql})`, whole, header, {
      unordered: true,
    });
    const bytes = statSync(whole).size;
    let chunks = 1;
    if (bytes <= chunkBytes || rows <= 1) renameSync(whole, chunkFile(temp, 0));
    else {
      // A row's estimated size: its text bytes plus 4 per value; scaled so the chunks add up to the file.
      const size = columns.map((c) => `coalesce(strlen(CAST(${q(c.name)} AS VARCHAR)), 0) + 4`).join(' + ');
      const source = `read_parquet(${quoteLiteral(whole)}, file_row_number = true)`;
      const [sizes = new Int32Array(0)] = await wh.int32Columns(
        `SELECT CAST(${size} AS INTEGER) FROM ${source} ORDER BY file_row_number`,
      );
      let estimated = 0;
      for (const s of sizes) estimated += s;
      const ranges = chunkRanges(sizes, Math.max(1, Math.floor((chunkBytes * estimated) / bytes)));
      for (const [seq, r] of ranges.entries()) {
        await writeChunkFile(
          wh,
          `SELECT * EXCLUDE (file_row_number) FROM ${source}
           WHERE file_row_number >= ${r.first} AND file_row_number < ${r.end}`,
          chunkFile(temp, seq),
          header,
          { unordered: true },
        );
      }
      rmSync(whole, { force: true });
      chunks = ranges.length;
    }
    const hashes: Record<string, string> = {};
    for (let seq = 0; seq < chunks; seq++) hashes[seq] = await fileSm3(chunkFile(temp, seq));
    writeFileSync(join(temp, HASHES), JSON.stringify(hashes));
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
    return { dir, columns, chunks, rows };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Makes a batch's outbox from chunk files that exist already (a child's chunks this node stored and now forwards
 * unchanged): hard links (copies across file systems) named as the batch's chunks, with their known SM3.
 */
export async function outboxFromFiles(
  wh: Warehouse,
  batch: string,
  files: readonly { file: string; hash: string }[],
): Promise<WrittenOutbox> {
  const dir = join(outboxDir(wh), `${batch.replace(/\W/g, '_')}.chunks`);
  const temp = `${dir}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  try {
    const hashes: Record<string, string> = {};
    for (const [seq, f] of files.entries()) {
      try {
        linkSync(f.file, chunkFile(temp, seq));
      } catch {
        copyFileSync(f.file, chunkFile(temp, seq));
      }
      hashes[seq] = f.hash;
    }
    writeFileSync(join(temp, HASHES), JSON.stringify(hashes));
    const list = `[${files.map((_, seq) => quoteLiteral(chunkFile(temp, seq))).join(', ')}]`;
    const rows = Number(
      (await wh.value<bigint>(`SELECT sum(num_rows) FROM parquet_file_metadata(${list})`)) ?? 0,
    );
    const described = await wh.all<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM read_parquet(${list}, union_by_name = true)`,
    );
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
    return {
      dir,
      columns: described.map((d) => ({ name: d.column_name, type: d.column_type })),
      chunks: files.length,
      rows,
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
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

/** Deletes a batch's outbox (after the transaction that marked the batch done or abandoned committed). */
export function deleteOutbox(outbox: string): void {
  if (isOutboxFolder(outbox)) rmSync(outbox, { recursive: true, force: true });
  else if (outbox.endsWith('.parquet')) rmSync(outbox, { force: true });
}

/**
 * Deletes outboxes no pending or dead batch names: left by a crash between writing a batch's outbox and
 * committing the batch, or between marking a batch done and deleting its outbox. Run it serialised with
 * planning.
 */
export async function sweepOutboxes(wh: Warehouse): Promise<void> {
  const dir = outboxDir(wh);
  if (!existsSync(dir)) return;
  const kept = new Set(
    (
      await wh.all<{ outbox: string }>(
        `SELECT outbox FROM ${PUSH_BATCHES_TABLE} WHERE status IN ('pending', 'dead')`,
      )
    ).map((r) => r.outbox),
  );
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!kept.has(file)) rmSync(file, { recursive: true, force: true });
  }
}
