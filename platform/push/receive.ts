import { z } from 'zod';
import { divisionPrefix, quoteIdent as q, quoteLiteral } from '../../schemas/index.ts';
import { PUSH_CHUNKS_TABLE, type TextColumn, type Warehouse, WarehouseError } from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import { type DatasetPolicy, isReportable, unsharedColumns } from '../catalog-policy.ts';
import { PlatformRejection } from '../errors.ts';
import type { DecodedChunk } from '../transport/wire.ts';

/** The DuckDB schema holding rows received from children: `received.<dataset>`. */
export const RECEIVED_SCHEMA = 'received';
/** Column of received tables naming the transport batch that delivered a row (never sent upward). */
export const RECEIVED_BATCH_COLUMN = '_received_batch';

const ID = /^[A-Za-z0-9_.-]{1,128}$/;

/** The header of a pushed chunk (in the Arrow schema metadata, so inside the signed body). */
export const pushHeaderSchema = z
  .object({
    v: z.literal(1),
    dataset: z.string().regex(/^[a-z][a-z0-9_]*$/),
    batch: z.string().regex(ID),
    seq: z.number().int().min(0),
    chunks: z.number().int().min(1),
    /** Origin node → its origin batches that are live at the sender; applied when the batch completes. */
    live: z.record(z.string().regex(/^\d{6}$/), z.array(z.string().regex(ID))),
    purpose: z.string().min(1).max(500),
  })
  .strict()
  .refine((h) => h.seq < h.chunks, { message: 'seq must be below chunks' });

/** A chunk header. */
export type PushHeader = z.output<typeof pushHeaderSchema>;

/** Parses a chunk header, refusing a bad one with 400. */
export function parsePushHeader(raw: unknown): PushHeader {
  const r = pushHeaderSchema.safeParse(raw);
  if (!r.success) {
    throw new PlatformRejection(
      400,
      'malformed-header',
      `chunk header: ${r.error.issues.map((i) => `${i.path.join('.') || '(header)'}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}

/** What storing a chunk did. */
export interface StoreResult {
  readonly duplicate: boolean;
  readonly rows: number;
  /** True when this chunk completed its batch (the live set was applied). */
  readonly complete: boolean;
  /** Rows removed because their origin batch is no longer live at the sender (a replaced load). */
  readonly superseded: number;
}

/**
 * Checks a decoded chunk against this node's catalog (reportable dataset, shared columns) and the sender's
 * jurisdiction (every `_origin_node` under the sender's division, every `_origin_batch` an id), all before
 * anything is written; then stores it in one transaction (a columnar append that casts to the table's types)
 * with its (sender, batch, seq) record and the audit entry. A chunk already recorded is acknowledged as a
 * duplicate without inserting.
 */
export async function storeChunk(
  wh: Warehouse,
  options: {
    self: string;
    sender: string;
    policy: DatasetPolicy | undefined;
    chunk: DecodedChunk<PushHeader>;
    contentHash: string;
  },
): Promise<StoreResult> {
  const { chunk, sender } = options;
  const h = chunk.header;
  if (!isReportable(options.policy)) {
    throw new PlatformRejection(
      403,
      'not-reportable',
      `dataset ${h.dataset}: not catalogued as reportable on node ${options.self} (${options.policy?.catalog ? 'its share type is "none" (不予共享)' : 'no catalog entry'}); nothing was stored. Fix: catalogue the dataset with shareType "unconditional" or "conditional" on both nodes, or stop pushing it`,
      { dataset: h.dataset },
    );
  }
  const names = chunk.columns.map((c) => c.name);
  const refused = unsharedColumns(options.policy.catalog, names);
  if (refused.length > 0) {
    throw new PlatformRejection(
      403,
      'column-not-shared',
      `dataset ${h.dataset}: columns ${refused.map((r) => `${r.column} (${r.why})`).join(', ')} may not be reported upward; nothing was stored. Fix: leave them out of the push (gongshu push sends only shareable catalog fields)`,
      { dataset: h.dataset, columns: refused.map((r) => r.column) },
    );
  }
  const originIdx = names.indexOf('_origin_node');
  const batchIdx = names.indexOf('_origin_batch');
  if (originIdx < 0 || batchIdx < 0) {
    throw new PlatformRejection(
      400,
      'missing-provenance',
      `dataset ${h.dataset}: a chunk needs _origin_node and _origin_batch columns`,
    );
  }
  const prefix = divisionPrefix(sender);
  const outsideLive = Object.keys(h.live).filter((o) => !o.startsWith(prefix));
  const refuseOutside = (origins: readonly string[]) =>
    new PlatformRejection(
      403,
      'outside-jurisdiction',
      `node ${sender} sent rows whose _origin_node (${[...new Set(origins)].slice(0, 3).join(', ') || 'blank origin batch'}) is not under its division ${prefix}; nothing was stored`,
      { node: sender },
    );
  if (outsideLive.length > 0) throw refuseOutside(outsideLive);
  // The provenance columns are checked in the decoded chunk, before anything is written.
  const originText = chunk.data[originIdx]!;
  const batchText = chunk.data[batchIdx]!;
  if ('type' in originText || 'type' in batchText) {
    throw new PlatformRejection(
      400,
      'missing-provenance',
      `dataset ${h.dataset}: _origin_node and _origin_batch must travel as Utf8 text`,
    );
  }
  const origins = distinctValues(originText);
  const originBatches = distinctValues(batchText);
  const outside = origins.filter((o) => o === null || !o.startsWith(prefix));
  if (outside.length > 0 || originBatches.some((b) => b === null || !ID.test(b))) {
    throw refuseOutside(outside.map((o) => o ?? '(blank)'));
  }
  const table = `${RECEIVED_SCHEMA}.${q(h.dataset)}`;
  return wh.transaction(async () => {
    const dup = await wh.value<number>(
      `SELECT count(*) FROM ${PUSH_CHUNKS_TABLE} WHERE origin_node = $1 AND batch = $2 AND seq = $3`,
      [sender, h.batch, h.seq],
    );
    if ((dup ?? 0) > 0) return { duplicate: true, rows: chunk.rows, complete: false, superseded: 0 };
    await wh.run(`CREATE SCHEMA IF NOT EXISTS ${RECEIVED_SCHEMA}`);
    const existing = new Map(
      (
        await wh.all<{ column_name: string; data_type: string }>(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2
           ORDER BY ordinal_position`,
          [RECEIVED_SCHEMA, h.dataset],
        )
      ).map((r) => [r.column_name, r.data_type]),
    );
    if (existing.size === 0) {
      const cols = [
        ...chunk.columns.map((c) => `${q(c.name)} ${c.type}`),
        `${q(RECEIVED_BATCH_COLUMN)} VARCHAR`,
      ];
      await wh.run(`CREATE TABLE ${table} (${cols.join(', ')})`);
      for (const c of chunk.columns) existing.set(c.name, c.type);
      existing.set(RECEIVED_BATCH_COLUMN, 'VARCHAR');
    } else {
      for (const c of chunk.columns) {
        if (!existing.has(c.name)) {
          await wh.run(`ALTER TABLE ${table} ADD COLUMN ${q(c.name)} ${c.type}`);
          existing.set(c.name, c.type);
        }
      }
    }
    if (chunk.rows > 0) {
      // DuckDB inserts the stream (as Parquet) itself, casting each column to the table's type where they differ;
      // a value that does not convert names its column and rolls everything back.
      const targets = [...chunk.columns.map((c) => q(c.name)), q(RECEIVED_BATCH_COLUMN)];
      const exprs = [
        ...chunk.columns.map((c, i) =>
          convertedColumn(c.name, 'type' in chunk.data[i]! ? c.type : 'VARCHAR', existing.get(c.name)!),
        ),
        '$batch',
      ];
      try {
        await wh.insertArrow(
          chunk.ipc,
          (source) =>
            `INSERT INTO ${table} (${targets.join(', ')}) SELECT ${exprs.join(', ')} FROM ${source}`,
          { batch: h.batch },
        );
      } catch (error) {
        const message = String((error as Error).message);
        if (error instanceof WarehouseError && /does not convert to|Conversion Error/.test(message)) {
          throw new PlatformRejection(
            400,
            'bad-value',
            `dataset ${h.dataset}: a value does not convert to its column's type (${message.split('\n')[0]?.replace(/^query failed: /, '')}); nothing was stored`,
          );
        }
        throw error;
      }
    }
    await wh.run(`INSERT INTO ${PUSH_CHUNKS_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, now())`, [
      sender,
      h.batch,
      h.seq,
      h.dataset,
      h.chunks,
      chunk.rows,
      options.contentHash,
    ]);
    const stored = await wh.value<number>(
      `SELECT count(*) FROM ${PUSH_CHUNKS_TABLE} WHERE origin_node = $1 AND batch = $2`,
      [sender, h.batch],
    );
    let superseded = 0;
    const complete = stored === h.chunks;
    if (complete) superseded = await applyLive(wh, table, prefix, h.live);
    await appendAudit(wh, options.self, {
      action: 'push-received',
      peer: sender,
      dataset: h.dataset,
      columns: names,
      rows: chunk.rows,
      contentHash: options.contentHash,
      purpose: h.purpose,
      batch: h.batch,
      chunk: h.seq,
      details: { chunks: h.chunks, ...(complete ? { batchComplete: true, superseded } : {}) },
    });
    return { duplicate: false, rows: chunk.rows, complete, superseded };
  });
}

/**
 * The SQL that converts a received column (Arrow type `arrives` as a DuckDB type) to its table column's type:
 * the column itself when they agree; else a cast that fails naming the column and the value.
 */
function convertedColumn(name: string, arrives: string, type: string): string {
  const c = q(name);
  if (arrives === type) return c;
  const what = quoteLiteral(`column ${JSON.stringify(name)}: value `);
  const to = quoteLiteral(` does not convert to ${type}`);
  return `CASE WHEN ${c} IS NULL THEN NULL ELSE coalesce(TRY_CAST(${c} AS ${type}), error(${what} || to_json(CAST(${c} AS VARCHAR)) || ${to})) END`;
}

/** Deletes the sender's subtree rows whose (origin node, origin batch) the sender no longer holds. */
async function applyLive(
  wh: Warehouse,
  table: string,
  prefix: string,
  live: Record<string, string[]>,
): Promise<number> {
  const tmp = `push_live_${Math.random().toString(36).slice(2, 10)}`;
  await wh.run(`CREATE TEMP TABLE ${q(tmp)} (origin VARCHAR, unit VARCHAR)`);
  try {
    const pairs = Object.entries(live).flatMap(([o, units]) => units.map((u) => [o, u] as const));
    if (pairs.length > 0) await wh.append(tmp, pairs, { catalog: 'temp' });
    const stale = `starts_with(_origin_node, $1) AND (_origin_node || '/' || _origin_batch) NOT IN
      (SELECT origin || '/' || unit FROM temp.${q(tmp)})`;
    const n = (await wh.value<number>(`SELECT count(*) FROM ${table} WHERE ${stale}`, [prefix])) ?? 0;
    if (n > 0) await wh.run(`DELETE FROM ${table} WHERE ${stale}`, [prefix]);
    return n;
  } finally {
    await wh.run(`DROP TABLE IF EXISTS temp.${q(tmp)}`);
  }
}

/** The distinct values of a text column (null for NULL), comparing each value with the one before it. */
function distinctValues(col: TextColumn): (string | null)[] {
  const { offsets, data, validity } = col;
  const seen = new Set<string | null>();
  let ps = -1;
  let pe = -1;
  let pnull = false;
  for (let r = 0; r < col.length; r++) {
    const isNull = validity !== null && !(validity[r >> 3]! & (1 << (r & 7)));
    const s = offsets[r]!;
    const e = offsets[r + 1]!;
    if (r > 0 && isNull === pnull) {
      if (isNull) continue;
      if (e - s === pe - ps) {
        let k = 0;
        while (k < e - s && data[s + k] === data[ps + k]) k++;
        if (k === e - s) continue;
      }
    }
    seen.add(isNull ? null : Buffer.from(data.buffer, data.byteOffset + s, e - s).toString('utf8'));
    ps = s;
    pe = e;
    pnull = isNull;
  }
  return [...seen];
}
