import type { Logger } from 'pino';
import { newId, quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import {
  LOADS_TABLE,
  PUSH_ACKS_TABLE,
  PUSH_BATCHES_TABLE,
  PUSH_CHUNKS_TABLE,
  PUSH_SENT_TABLE,
  PUSH_UNITS_TABLE,
} from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import {
  type CatalogProject,
  datasetPolicies,
  isReportable,
  shareableColumns,
  TRAVELLING_LINEAGE,
} from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformConfigError, TransportError } from '../errors.ts';
import { signedRequest, withRetries } from '../transport/client.ts';
import type { NodeKeys } from '../transport/node-keys.ts';
import { createSerial, type Serial } from '../transport/serial.ts';
import { sm3 } from '../transport/signing.ts';
import { ARROW_STREAM, encodeStreamChunk, type WireColumn } from '../transport/wire.ts';
import {
  chunksTable,
  deleteOutboxFile,
  dropChunksTable,
  openOutbox,
  sweepOutboxes,
  writeOutbox,
} from './outbox.ts';
import { RECEIVED_BATCH_COLUMN, RECEIVED_SCHEMA } from './receive.ts';

/** The purpose recorded for upward reporting. */
export const PUSH_PURPOSE = '逐级汇聚 (第十三条): report catalogued data to the platform of the level above';

/** Options of `pushUpward`. */
export interface PushOptions {
  readonly wh: Warehouse;
  readonly node: NodeContext;
  readonly project: CatalogProject;
  readonly keys: NodeKeys;
  readonly logger?: Logger;
  /** Only these datasets (default: platform.push.datasets, else every reportable dataset). */
  readonly datasets?: readonly string[];
  /** Serialises warehouse work with other users of the same connection (the node service). */
  readonly serial?: Serial;
  readonly signal?: AbortSignal;
  /** Called after each acknowledged chunk. */
  readonly onChunk?: (info: {
    dataset: string;
    batch: string;
    seq: number;
    chunks: number;
    duplicate: boolean;
  }) => void;
}

/** One batch a push sent (or resumed). */
export interface PushedBatch {
  readonly batch: string;
  readonly dataset: string;
  readonly chunks: number;
  readonly rows: number;
  /** Chunks sent in this run (the rest were acknowledged before a crash). */
  readonly sent: number;
  /** Chunks the parent already had (acknowledged as duplicates). */
  readonly duplicates: number;
  readonly resumed: boolean;
}

/** What `pushUpward` did. */
export interface PushSummary {
  readonly node: string;
  readonly parent: string;
  readonly batches: readonly PushedBatch[];
  /** Datasets with nothing new since the last acknowledged push. */
  readonly upToDate: readonly string[];
  readonly rows: number;
  readonly seconds: number;
}

interface BatchRecord extends Record<string, unknown> {
  batch: string;
  dataset: string;
  chunks: number;
  rows: number;
  live: string;
  columns: string;
  outbox: string;
}

/**
 * Pushes this node's catalogued, reportable datasets (its own tables and, multi-hop, what it received from its
 * children) to its parent: first finishes any batch a crash interrupted, then plans one batch per dataset with
 * everything not yet acknowledged, written to an outbox Parquet file (see `push-outbox.ts`) and split into
 * size-bounded chunks in one transaction, and sends each chunk signed, with retries and backoff; each
 * acknowledgement is recorded with an audit entry. Units of change are (origin node, origin batch): a local load travels once; a replaced load is
 * withdrawn at the parent when the next batch completes (its `live` set).
 */
export async function pushUpward(options: PushOptions): Promise<PushSummary> {
  const t0 = performance.now();
  const { wh, node } = options;
  const parent = node.platform.parent;
  if (!parent) {
    throw new PlatformConfigError(
      `node ${node.id} has no parent to push to. Fix: set platform.parent: { id, url, publicKey } in the project (the top node does not push)`,
      { field: 'platform.parent' },
    );
  }
  const serial = options.serial ?? createSerial();
  const batches: PushedBatch[] = [];
  const upToDate: string[] = [];
  const pending = await serial(async () => {
    await sweepOutboxes(wh);
    return wh.all<BatchRecord>(
      `SELECT batch, dataset, chunks, rows, live, columns, outbox FROM ${PUSH_BATCHES_TABLE}
       WHERE status = 'pending' AND parent = $1 ORDER BY created_at`,
      [parent.id],
    );
  });
  for (const b of pending) batches.push(await sendBatch(options, serial, b, true));

  const policies = await serial(() => datasetPolicies(wh, options.project));
  const wanted = options.datasets ?? node.platform.push.datasets;
  const names = [...policies.keys()].filter((d) => !wanted || wanted.includes(d)).sort();
  for (const w of wanted ?? []) {
    if (!policies.has(w)) options.logger?.warn(`push: dataset ${w} is not known on node ${node.id}; skipped`);
  }
  for (const dataset of names) {
    const policy = policies.get(dataset);
    if (!isReportable(policy)) {
      if (wanted?.includes(dataset))
        options.logger?.warn(`push: dataset ${dataset} is not catalogued as reportable; skipped`);
      continue;
    }
    const planned = await serial(() =>
      planBatch(
        wh,
        node,
        parent.id,
        dataset,
        shareableColumns(policy.catalog),
        node.platform.push.chunkBytes,
      ),
    );
    if (!planned) {
      upToDate.push(dataset);
      continue;
    }
    batches.push(await sendBatch(options, serial, planned, false));
  }
  const summary = {
    node: node.id,
    parent: parent.id,
    batches,
    upToDate,
    rows: batches.reduce((n, b) => n + b.rows, 0),
    seconds: (performance.now() - t0) / 1000,
  };
  options.logger?.info(
    `push → ${parent.id}: ${summary.rows.toLocaleString('en')} rows in ${batches.length} batches in ${summary.seconds.toFixed(1)} s`,
  );
  return summary;
}

async function columnsOf(wh: Warehouse, schema: string, table: string): Promise<Map<string, string>> {
  const temp = schema === 'temp';
  const rows = await wh.all<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_catalog = ${temp ? "'temp'" : 'current_database()'} AND table_schema = $1 AND table_name = $2
     ORDER BY ordinal_position`,
    [temp ? 'main' : schema, table],
  );
  return new Map(rows.map((r) => [r.column_name, r.data_type]));
}

/**
 * Plans the next batch of a dataset, in one transaction: maps new local loads to a unit (a merge load makes a
 * new unit of the whole table, since it rewrites rows in place), finds the units not yet acknowledged, copies
 * their rows into the outbox file and splits them into row ranges of at most chunkBytes of estimated wire size
 * (recorded in `<outbox>_chunks`), and records the batch.
 * Returns undefined when the parent already has everything.
 */
async function planBatch(
  wh: Warehouse,
  node: NodeContext,
  parent: string,
  dataset: string,
  shareable: readonly string[],
  chunkBytes: number,
): Promise<BatchRecord | undefined> {
  const batch = newId(`${node.id}-${dataset}`, new Date(), 4);
  return wh.transaction(async () => {
    const allowed = (cols: Map<string, string>) =>
      [...cols.keys()].filter(
        (c) =>
          shareable.includes(c) ||
          ((TRAVELLING_LINEAGE as readonly string[]).includes(c) &&
            c !== '_origin_node' &&
            c !== '_origin_batch'),
      );
    const local = await columnsOf(wh, 'main', dataset);
    const received = await columnsOf(wh, RECEIVED_SCHEMA, dataset);
    const live = new Map<string, Set<string>>();
    const add = (o: string, u: string) => {
      if (!live.has(o)) live.set(o, new Set());
      live.get(o)!.add(u);
    };
    const parts: string[] = [];
    /** Units whose rows may travel now: all local ones, and received ones whose delivering batch completed. */
    const ready = new Set<string>();
    if (local.has('_load_id')) {
      const unmapped = await wh.all<{ load_id: string; write_mode: string | null }>(
        `SELECT DISTINCT t._load_id AS load_id, l.write_mode FROM main.${q(dataset)} t
         LEFT JOIN ${LOADS_TABLE} l ON l.load_id = t._load_id
         WHERE t._load_id NOT IN (SELECT load_id FROM ${PUSH_UNITS_TABLE} WHERE dataset = $1)`,
        [dataset],
      );
      if (unmapped.some((u) => u.write_mode === 'merge')) {
        await wh.run(
          `INSERT INTO ${PUSH_UNITS_TABLE} SELECT DISTINCT $1, _load_id, $2 FROM main.${q(dataset)}
           ON CONFLICT (dataset, load_id) DO UPDATE SET unit = excluded.unit`,
          [dataset, batch],
        );
      } else if (unmapped.length > 0) {
        await wh.append(
          PUSH_UNITS_TABLE,
          unmapped.map((u) => [dataset, u.load_id, batch]),
        );
      }
      const units = await wh.all<{ unit: string }>(
        `SELECT DISTINCT u.unit FROM (SELECT DISTINCT _load_id FROM main.${q(dataset)}) t
         JOIN ${PUSH_UNITS_TABLE} u ON u.dataset = $1 AND u.load_id = t._load_id`,
        [dataset],
      );
      for (const u of units) {
        add(node.id, u.unit);
        ready.add(`${node.id}/${u.unit}`);
      }
      parts.push(
        `SELECT ${allowed(local)
          .map((c) => `t.${q(c)}`)
          .join(', ')}, $self AS _origin_node, u.unit AS _origin_batch
         FROM main.${q(dataset)} t JOIN ${PUSH_UNITS_TABLE} u ON u.dataset = $dataset AND u.load_id = t._load_id
         WHERE (u.unit) IN (SELECT unit FROM temp.push_new_units WHERE origin = $self)`,
      );
    }
    if (received.size > 0) {
      const complete = await wh.all<{ o: string; u: string }>(
        `SELECT DISTINCT _origin_node AS o, _origin_batch AS u FROM ${RECEIVED_SCHEMA}.${q(dataset)}
         WHERE ${q(RECEIVED_BATCH_COLUMN)} IN (
           SELECT batch FROM ${PUSH_CHUNKS_TABLE} WHERE dataset = $1 GROUP BY origin_node, batch HAVING count(*) = max(chunks))`,
        [dataset],
      );
      const all = await wh.all<{ o: string; u: string }>(
        `SELECT DISTINCT _origin_node AS o, _origin_batch AS u FROM ${RECEIVED_SCHEMA}.${q(dataset)}`,
      );
      for (const r of all) add(r.o, r.u);
      for (const r of complete) ready.add(`${r.o}/${r.u}`);
      parts.push(
        `SELECT ${allowed(received)
          .map((c) => `r.${q(c)}`)
          .join(', ')}, r._origin_node, r._origin_batch
         FROM ${RECEIVED_SCHEMA}.${q(dataset)} r
         WHERE (r._origin_node || '/' || r._origin_batch) IN (SELECT origin || '/' || unit FROM temp.push_new_units)`,
      );
    }
    if (parts.length === 0) return undefined;
    const sent = new Set(
      (
        await wh.all<{ o: string; u: string }>(
          `SELECT s.origin_node AS o, s.unit AS u FROM ${PUSH_SENT_TABLE} s JOIN ${PUSH_BATCHES_TABLE} b USING (batch)
           WHERE s.dataset = $1 AND b.parent = $2 AND b.status = 'done'`,
          [dataset, parent],
        )
      ).map((r) => `${r.o}/${r.u}`),
    );
    const liveJson = Object.fromEntries(
      [...live].sort(([a], [b]) => a.localeCompare(b)).map(([o, us]) => [o, [...us].sort()]),
    );
    const fresh = [...live].flatMap(([o, us]) =>
      [...us].filter((u) => !sent.has(`${o}/${u}`) && ready.has(`${o}/${u}`)).map((u) => [o, u] as const),
    );
    const [lastLive] = await wh.all<{ live: string }>(
      `SELECT CAST(live AS VARCHAR) AS live FROM ${PUSH_BATCHES_TABLE} WHERE dataset = $1 AND parent = $2 AND status = 'done'
       ORDER BY finished_at DESC LIMIT 1`,
      [dataset, parent],
    );
    if (
      fresh.length === 0 &&
      (!lastLive ? live.size === 0 : canonical(JSON.parse(lastLive.live)) === canonical(liveJson))
    ) {
      return undefined;
    }
    await wh.run('CREATE OR REPLACE TEMP TABLE push_new_units (origin VARCHAR, unit VARCHAR)');
    if (fresh.length > 0) await wh.append('push_new_units', fresh, { catalog: 'temp' });
    const src = parts.join(' UNION ALL BY NAME ');
    // The outbox file freezes the batch's rows (a resumed batch sends exactly them).
    const written = await writeOutbox(wh, batch, src, { self: node.id, dataset }, chunkBytes);
    const outbox = written.file;
    const { columns, ranges, rows } = written;
    const chunks = ranges.length;
    await wh.run(
      `CREATE TABLE ${q(chunksTable(outbox))} (seq INTEGER PRIMARY KEY, first_row INTEGER NOT NULL, end_row INTEGER NOT NULL)`,
    );
    await wh.append(
      chunksTable(outbox),
      ranges.map((r, seq) => [seq, r.first, r.end]),
    );
    const record: BatchRecord = {
      batch,
      dataset,
      chunks,
      rows,
      live: JSON.stringify(liveJson),
      columns: JSON.stringify(columns),
      outbox,
    };
    await wh.run(
      `INSERT INTO ${PUSH_BATCHES_TABLE} VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, now(), NULL)`,
      [batch, dataset, parent, chunks, rows, record.live, record.columns, outbox],
    );
    if (fresh.length > 0)
      await wh.append(
        PUSH_SENT_TABLE,
        fresh.map(([o, u]) => [dataset, o, u, batch]),
      );
    await wh.run('DROP TABLE IF EXISTS temp.push_new_units');
    return record;
  });
}

function canonical(live: Record<string, string[]>): string {
  return JSON.stringify(
    Object.keys(live)
      .sort()
      .map((k) => [k, [...(live[k] ?? [])].sort()]),
  );
}

/** Sends the chunks of a batch the parent has not acknowledged; marks it done and drops its outbox at the end. */
async function sendBatch(
  options: PushOptions,
  serial: Serial,
  b: BatchRecord,
  resumed: boolean,
): Promise<PushedBatch> {
  const { wh, node, logger } = options;
  const parent = node.platform.parent!;
  const cfg = node.platform.push;
  const columns = JSON.parse(b.columns) as WireColumn[];
  const live = JSON.parse(b.live) as Record<string, string[]>;
  const acked = new Set(
    (
      await serial(() =>
        wh.all<{ seq: number }>(`SELECT seq FROM ${PUSH_ACKS_TABLE} WHERE batch = $1`, [b.batch]),
      )
    ).map((r) => r.seq),
  );
  if (resumed)
    logger?.info(
      `push ${b.dataset} → ${parent.id}: resuming batch ${b.batch} at ${acked.size}/${b.chunks} chunks`,
    );
  const ranges = new Map(
    (
      await serial(() =>
        wh.all<{ seq: number; first_row: number; end_row: number }>(
          `SELECT seq, first_row, end_row FROM ${q(chunksTable(b.outbox))}`,
        ),
      )
    ).map((r) => [r.seq, r]),
  );
  const readChunk = openOutbox(wh, b);
  const header = (seq: number) => ({
    v: 1,
    dataset: b.dataset,
    batch: b.batch,
    seq,
    chunks: b.chunks,
    live,
    purpose: PUSH_PURPOSE,
  });
  /** Reads a chunk from the outbox as an Arrow IPC stream (DuckDB → Parquet → Arrow) and signs it into a body. */
  const prepare = async (seq: number) => {
    const range = ranges.get(seq);
    if (!range) {
      throw new PlatformConfigError(
        `push ${b.dataset}: batch ${b.batch} has no row range for chunk ${seq} in ${chunksTable(b.outbox)}. Fix: abandon the batch (UPDATE ${PUSH_BATCHES_TABLE} SET status = 'abandoned' WHERE batch = '${b.batch}') and push again`,
        { field: 'batch' },
      );
    }
    const first = Number(range.first_row);
    const end = Number(range.end_row);
    // DuckDB reads the chunk's rows from the outbox file: serialised with the warehouse's other work.
    const stream = await serial(() => readChunk(range));
    const rows = end - first;
    if (stream.rows !== rows) {
      throw new PlatformConfigError(
        `push ${b.dataset}: chunk ${seq} of batch ${b.batch} read ${stream.rows} rows; expected ${rows} (rowids ${first}…${end - 1} of ${b.outbox}). Fix: abandon the batch (UPDATE ${PUSH_BATCHES_TABLE} SET status = 'abandoned' WHERE batch = '${b.batch}') and push again`,
        { field: 'batch' },
      );
    }
    const body = encodeStreamChunk(header(seq), columns, stream.ipc);
    return { body, rows, contentHash: sm3(body) };
  };
  const todo = Array.from({ length: b.chunks }, (_, seq) => seq).filter((seq) => !acked.has(seq));
  let sent = 0;
  let duplicates = 0;
  // The next chunk is read and encoded while the parent stores the current one.
  let next = todo.length > 0 ? prepare(todo[0]!) : undefined;
  for (let k = 0; k < todo.length; k++) {
    const seq = todo[k]!;
    if (options.signal?.aborted) throw options.signal.reason;
    const { body, rows, contentHash } = await next!;
    next = k + 1 < todo.length ? prepare(todo[k + 1]!) : undefined;
    next?.catch(() => undefined); // awaited (and its error surfaced) on the next turn
    const answer = await withRetries(
      async () => {
        const res = await signedRequest({
          baseUrl: parent.url,
          node: node.id,
          keys: options.keys,
          method: 'POST',
          path: '/v1/push',
          body,
          bodyHash: contentHash,
          contentType: ARROW_STREAM,
          timeoutMs: cfg.timeoutMs,
        });
        const a = res.json<{
          ack?: boolean;
          rows?: number;
          duplicate?: boolean;
          batch?: string;
          seq?: number;
        }>();
        if (!a.ack || a.batch !== b.batch || a.seq !== seq || a.rows !== rows) {
          throw new TransportError(
            `push ${b.dataset}: the parent answered ${JSON.stringify(a)} for chunk ${seq}`,
            { retryable: true },
          );
        }
        return a;
      },
      {
        attempts: cfg.attempts,
        backoffMs: cfg.backoffMs,
        logger,
        what: `push ${b.dataset} chunk ${seq + 1}/${b.chunks}`,
        signal: options.signal,
      },
    );
    await serial(() =>
      wh.transaction(async () => {
        await wh.run(
          `INSERT INTO ${PUSH_ACKS_TABLE} VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT DO NOTHING`,
          [b.batch, seq, rows, contentHash, Boolean(answer.duplicate)],
        );
        await appendAudit(wh, node.id, {
          action: 'push-sent',
          peer: parent.id,
          dataset: b.dataset,
          columns: columns.map((c) => c.name),
          rows,
          contentHash,
          purpose: PUSH_PURPOSE,
          batch: b.batch,
          chunk: seq,
          details: { chunks: b.chunks, ...(answer.duplicate ? { duplicate: true } : {}) },
        });
      }),
    );
    sent++;
    if (answer.duplicate) duplicates++;
    logger?.debug(
      { dataset: b.dataset, batch: b.batch, seq },
      `push ${b.dataset} → ${parent.id} chunk ${seq + 1}/${b.chunks} acked (${rows} rows)`,
    );
    options.onChunk?.({
      dataset: b.dataset,
      batch: b.batch,
      seq,
      chunks: b.chunks,
      duplicate: Boolean(answer.duplicate),
    });
  }
  await serial(() =>
    wh.transaction(async () => {
      await wh.run(`UPDATE ${PUSH_BATCHES_TABLE} SET status = 'done', finished_at = now() WHERE batch = $1`, [
        b.batch,
      ]);
      await dropChunksTable(wh, b.outbox);
    }),
  );
  deleteOutboxFile(b.outbox);
  logger?.info(
    `push ${b.dataset} → ${parent.id}: batch ${b.batch} done, ${b.rows.toLocaleString('en')} rows in ${b.chunks} chunks`,
  );
  return { batch: b.batch, dataset: b.dataset, chunks: b.chunks, rows: b.rows, sent, duplicates, resumed };
}
