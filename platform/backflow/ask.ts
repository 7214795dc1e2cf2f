import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import { DATASET_NAME } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformConfigError, PlatformRejection, TransportError } from '../errors.ts';
import { signedRequest, withRetries } from '../transport/client.ts';
import { type NodeKeys, parsePublicKey } from '../transport/node-keys.ts';
import { inspectChunk } from '../transport/parquet-chunk.ts';
import { createSerial, type Serial } from '../transport/serial.ts';
import { parentTls } from '../transport/tls.ts';
import type { BackflowHeader } from './answer.ts';

/** The DuckDB schema holding data returned by the parent: `backflow.<dataset>`. */
export const BACKFLOW_SCHEMA = 'backflow';

/** Where backflow of a dataset lands: `backflow.hukou`, `backflow_foundation.population`. */
export function backflowTable(dataset: string): { schema: string; table: string; sql: string } {
  const dot = dataset.indexOf('.');
  const [schema, table] =
    dot < 0
      ? [BACKFLOW_SCHEMA, dataset]
      : [`${BACKFLOW_SCHEMA}_${dataset.slice(0, dot)}`, dataset.slice(dot + 1)];
  return { schema, table, sql: `${q(schema)}.${q(table)}` };
}

const backflowHeaderSchema = z
  .object({
    v: z.literal(2),
    dataset: z.string(),
    from: z.string(),
    to: z.string(),
    prefix: z.string().regex(/^\d{2,6}$/),
    columns: z.array(z.string()),
    purpose: z.string(),
  })
  .strict();

/** Options of `requestBackflow`. */
export interface BackflowOptions {
  readonly wh: Warehouse;
  readonly node: NodeContext;
  readonly keys: NodeKeys;
  readonly dataset: string;
  /** Catalog columns wanted; the parent adds the key. Empty: everything this node is entitled to. */
  readonly columns?: readonly string[];
  /** The use scenario (第十七条), recorded on both sides. */
  readonly purpose: string;
  /** The grant (of a sharing request to the parent) this backflow is served under, if the parent asks for one. */
  readonly grant?: string | undefined;
  readonly logger?: Logger;
  readonly serial?: Serial;
  /** Progress: the answer's bytes as they arrive (`receive`), then storing its rows (`store`). */
  readonly onProgress?: (progress: BackflowProgress) => void;
}

/** What a backflow is doing, for a progress display. */
export type BackflowProgress =
  | { readonly phase: 'receive'; readonly bytes: number; readonly total: number | undefined }
  | { readonly phase: 'store' };

/** What a backflow returned. */
export interface BackflowResult {
  readonly dataset: string;
  readonly table: string;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly contentHash: string;
  readonly seconds: number;
}

/**
 * Asks the parent for 回流 (第二十一条): the rows of `dataset` under this node's division, with the requested
 * entitled columns. The answer (a Parquet file, streamed to disk) is used only when it is signed by the parent
 * for this request and its header names this dataset and this node; then `backflow.<dataset>` is replaced with
 * its rows in one transaction, with an audit entry. An unverifiable answer stores nothing.
 */
export async function requestBackflow(options: BackflowOptions): Promise<BackflowResult> {
  const t0 = performance.now();
  const { wh, node } = options;
  const parent = node.platform.parent;
  if (!parent) {
    throw new PlatformConfigError(
      `node ${node.id} has no parent to ask for backflow. Fix: set platform.parent: { id, url, publicKey }`,
      { field: 'platform.parent' },
    );
  }
  if (!DATASET_NAME.test(options.dataset)) {
    throw new PlatformConfigError(
      `backflow: dataset ${JSON.stringify(options.dataset.slice(0, 80))} is not a dataset name (e.g. hukou, foundation.population)`,
    );
  }
  const publicKey = parsePublicKey(parent.publicKey, 'platform.parent.publicKey');
  const tls = parentTls(node);
  const serial = options.serial ?? createSerial();
  const query = new URLSearchParams({
    ...(options.columns?.length ? { columns: options.columns.join(',') } : {}),
    purpose: options.purpose,
    ...(options.grant ? { grant: options.grant } : {}),
  });
  const cfg = node.platform.push;
  const dir =
    wh.path === ':memory:' ? mkdtempSync(join(tmpdir(), 'gongshu-backflow-')) : `${wh.path}.transfer`;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `backflow-${options.dataset}-${process.pid}-${Date.now()}.parquet`);
  try {
    const res = await withRetries(
      () =>
        signedRequest({
          baseUrl: parent.url,
          node: node.id,
          keys: options.keys,
          method: 'GET',
          path: `/v1/backflow/${options.dataset}?${query}`,
          timeoutMs: cfg.timeoutMs,
          answerFrom: { id: parent.id, publicKey },
          saveTo: file,
          ...(tls ? { tls } : {}),
          ...(options.onProgress
            ? { onAnswerBytes: (bytes, total) => options.onProgress?.({ phase: 'receive', bytes, total }) }
            : {}),
        }),
      {
        attempts: cfg.attempts,
        backoffMs: cfg.backoffMs,
        logger: options.logger,
        what: `backflow ${options.dataset}`,
      },
    );
    const contentHash = res.contentHash;
    const table = backflowTable(options.dataset);
    options.onProgress?.({ phase: 'store' });
    const result = await serial(async () => {
      let chunk: Awaited<ReturnType<typeof inspectChunk<BackflowHeader>>>;
      try {
        chunk = await inspectChunk<BackflowHeader>(wh, file, (raw) => {
          const h = backflowHeaderSchema.safeParse(raw);
          if (!h.success)
            throw new PlatformRejection(400, 'malformed-header', 'the backflow header is malformed');
          return h.data as BackflowHeader;
        });
      } catch (error) {
        throw new TransportError(
          `backflow ${options.dataset}: the parent's signed answer is not a backflow file (${(error as Error).message})`,
          { retryable: false, verified: true },
        );
      }
      const h = chunk.header;
      if (h.dataset !== options.dataset || h.to !== node.id || h.from !== parent.id) {
        throw new TransportError(
          `backflow ${options.dataset}: the parent answered for ${h.dataset.slice(0, 60)} ${h.from.slice(0, 8)} → ${h.to.slice(0, 8)}; nothing was stored`,
          { retryable: false, verified: true },
        );
      }
      await wh.transaction(async () => {
        await wh.run(`CREATE SCHEMA IF NOT EXISTS ${q(table.schema)}`);
        await wh.run(
          `CREATE OR REPLACE TABLE ${table.sql} AS SELECT ${chunk.columns.map((c) => q(c.name)).join(', ')},
             now() AS _received_at FROM ${chunk.source}`,
        );
        await appendAudit(wh, node.id, {
          action: 'backflow-received',
          peer: parent.id,
          dataset: options.dataset,
          columns: h.columns,
          rows: chunk.rows,
          contentHash,
          purpose: options.purpose,
          details: { prefix: h.prefix, ...(options.grant ? { grant: options.grant } : {}) },
        });
      });
      return { rows: chunk.rows, columns: h.columns };
    });
    const out: BackflowResult = {
      dataset: options.dataset,
      table: `${table.schema}.${table.table}`,
      rows: result.rows,
      columns: result.columns,
      contentHash,
      seconds: (performance.now() - t0) / 1000,
    };
    options.logger?.info(
      `backflow ${options.dataset} ← ${parent.id}: ${out.rows.toLocaleString('en')} rows into ${out.table}`,
    );
    return out;
  } finally {
    rmSync(file, { force: true });
  }
}
