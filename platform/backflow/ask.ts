import type { Logger } from 'pino';
import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import type { NodeContext } from '../config.ts';
import { PlatformConfigError, TransportError } from '../errors.ts';
import { signedRequest, withRetries } from '../transport/client.ts';
import type { NodeKeys } from '../transport/node-keys.ts';
import { createSerial, type Serial } from '../transport/serial.ts';
import { sm3 } from '../transport/signing.ts';
import { decodeChunk } from '../transport/wire.ts';
import type { BackflowHeader } from './answer.ts';

/** The DuckDB schema holding data returned by the parent: `backflow.<dataset>`. */
export const BACKFLOW_SCHEMA = 'backflow';

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
}

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
 * entitled columns; replaces `backflow.<dataset>` with them in one transaction, with an audit entry.
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
  if (!/^[a-z][a-z0-9_]*$/.test(options.dataset)) {
    throw new PlatformConfigError(
      `backflow: dataset ${JSON.stringify(options.dataset)} is not a dataset name`,
    );
  }
  const serial = options.serial ?? createSerial();
  const query = new URLSearchParams({
    ...(options.columns?.length ? { columns: options.columns.join(',') } : {}),
    purpose: options.purpose,
    ...(options.grant ? { grant: options.grant } : {}),
  });
  const cfg = node.platform.push;
  const res = await withRetries(
    () =>
      signedRequest({
        baseUrl: parent.url,
        node: node.id,
        keys: options.keys,
        method: 'GET',
        path: `/v1/backflow/${options.dataset}?${query}`,
        timeoutMs: cfg.timeoutMs,
      }),
    {
      attempts: cfg.attempts,
      backoffMs: cfg.backoffMs,
      logger: options.logger,
      what: `backflow ${options.dataset}`,
    },
  );
  const contentHash = sm3(res.body);
  const chunk = decodeChunk<BackflowHeader>(res.body, (h) => h as BackflowHeader);
  if (chunk.header.dataset !== options.dataset || chunk.header.to !== node.id) {
    throw new TransportError(
      `backflow ${options.dataset}: the parent answered for ${chunk.header.dataset} → ${chunk.header.to}`,
      {
        retryable: false,
      },
    );
  }
  const table = `${BACKFLOW_SCHEMA}.${q(options.dataset)}`;
  await serial(() =>
    wh.transaction(async () => {
      await wh.run(`CREATE SCHEMA IF NOT EXISTS ${BACKFLOW_SCHEMA}`);
      const stage = `backflow_stage_${Math.random().toString(36).slice(2, 10)}`;
      await wh.run(
        `CREATE TEMP TABLE ${q(stage)} (${chunk.columns.map((c) => `${q(c.name)} VARCHAR`).join(', ')})`,
      );
      const rows = function* () {
        for (let r = 0; r < chunk.rows; r++) yield chunk.values.map((v) => v[r] ?? null);
      };
      if (chunk.rows > 0) await wh.append(stage, rows(), { catalog: 'temp' });
      await wh.run(
        `CREATE OR REPLACE TABLE ${table} AS SELECT ${chunk.columns.map((c) => `CAST(${q(c.name)} AS ${c.type}) AS ${q(c.name)}`).join(', ')},
           now() AS _received_at FROM temp.${q(stage)}`,
      );
      await wh.run(`DROP TABLE temp.${q(stage)}`);
      await appendAudit(wh, node.id, {
        action: 'backflow-received',
        peer: parent.id,
        dataset: options.dataset,
        columns: chunk.header.columns,
        rows: chunk.rows,
        contentHash,
        purpose: options.purpose,
        details: { prefix: chunk.header.prefix, ...(options.grant ? { grant: options.grant } : {}) },
      });
    }),
  );
  const result = {
    dataset: options.dataset,
    table: `${BACKFLOW_SCHEMA}.${options.dataset}`,
    rows: chunk.rows,
    columns: chunk.header.columns,
    contentHash,
    seconds: (performance.now() - t0) / 1000,
  };
  options.logger?.info(
    `backflow ${options.dataset} ← ${parent.id}: ${result.rows.toLocaleString('en')} rows into ${result.table}`,
  );
  return result;
}
