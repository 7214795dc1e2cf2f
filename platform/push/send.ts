import type { KeyObject } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import { quoteLiteral } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { PUSH_ACKS_TABLE, PUSH_BATCHES_TABLE } from '../../warehouse/index.ts';
import { appendAudit, auditHead } from '../audit/chain.ts';
import { type CatalogProject, datasetPolicies, isReportable } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformConfigError, redactText, TransportError } from '../errors.ts';
import { type ClientTls, fileSm3, signedRequest, withRetries } from '../transport/client.ts';
import { type NodeKeys, parsePublicKey } from '../transport/node-keys.ts';
import { PARQUET, type WireColumn } from '../transport/parquet-chunk.ts';
import { createSerial, type Serial } from '../transport/serial.ts';
import { parentTls } from '../transport/tls.ts';
import {
  clearFailures,
  type DeadLetter,
  isFinalRefusal,
  isServerFailure,
  listDeadLetters,
  recordFailure,
} from './dead-letters.ts';
import { chunkFile, chunkHashes, deleteOutbox, isOutboxFolder, sweepOutboxes } from './outbox.ts';
import { type BatchRecord, PUSH_PURPOSE, planBatch } from './plan.ts';
import type { NodeSummary } from './receive.ts';

export { PUSH_PURPOSE } from './plan.ts';

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
  /**
   * Progress: planning a dataset's batch starts (`plan`); a batch is being sent (`send`: its rows, and the rows
   * sent so far, counted by acknowledged chunks and by the bytes of the chunk on its way).
   */
  readonly onProgress?: (progress: PushProgress) => void;
  /** Called when a batch becomes a dead letter (an alert hook). */
  readonly onDeadLetter?: (dead: DeadLetter) => void;
  /** Summaries of this node sent with every batch manifest (the yearly evaluation); the parent keeps the latest. */
  readonly summaries?: readonly NodeSummary[];
  /**
   * Send `summaries` on their own (`POST /v1/summaries`) when no batch of this push carries them, e.g. because
   * they changed since the last ones sent although no data did.
   */
  readonly sendSummaries?: boolean;
}

/** What a push is doing, for a progress display. */
export type PushProgress =
  | { readonly phase: 'plan'; readonly dataset: string }
  | {
      readonly phase: 'send';
      readonly dataset: string;
      readonly batch: string;
      readonly rows: number;
      readonly rowsSent: number;
    };

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
  /** Rows the parent counted outside this node's division (the dataset's jurisdiction policy `flag`). */
  readonly outsideJurisdiction: number;
}

/** A batch this push could not deliver. */
export interface FailedBatch {
  readonly batch: string;
  readonly dataset: string;
  /** True when it became a dead letter in this push (`gongshu push dead-letters`). */
  readonly dead: boolean;
  readonly code: string | null;
  readonly reason: string;
}

/** What `pushUpward` did. */
export interface PushSummary {
  readonly node: string;
  readonly parent: string;
  readonly batches: readonly PushedBatch[];
  /** Datasets with nothing new since the last acknowledged push. */
  readonly upToDate: readonly string[];
  /** Batches that failed in this push (dead letters, or to be retried by the next push). */
  readonly failed: readonly FailedBatch[];
  /** Dead letters waiting for `push retry` or `push abandon` (this push's and earlier ones). */
  readonly deadLetters: number;
  readonly rows: number;
  readonly seconds: number;
  /** Whether the parent acknowledged this node's summaries (in a batch manifest, or on their own). */
  readonly summariesSent: boolean;
}

/** The parent as a push reaches it: URL, id, key to verify its answers, TLS. */
interface ParentLink {
  readonly id: string;
  readonly url: string;
  readonly publicKey: KeyObject;
  readonly tls: ClientTls | undefined;
}

/**
 * Pushes this node's reportable datasets (its own tables, its built tables with a catalog entry and, multi-hop,
 * what it received from its children) to its parent: first the batches still pending (a crash, a retried dead
 * letter), then one new batch per dataset with everything not yet handled, planned into an outbox of Parquet
 * chunk files in one transaction. Each chunk is sent signed, with bounded retries and backoff, and only an
 * acknowledgement signed by the parent is recorded (with an audit entry). A batch the parent refuses for good
 * becomes a dead letter and the push goes on with the others; the push throws (after trying every batch) only
 * when the parent cannot be reached or its answers cannot be verified.
 */
export async function pushUpward(options: PushOptions): Promise<PushSummary> {
  const t0 = performance.now();
  const { wh, node } = options;
  const configured = node.platform.parent;
  if (!configured) {
    throw new PlatformConfigError(
      `node ${node.id} has no parent to push to. Fix: set platform.parent: { id, url, publicKey } in the project (the top node does not push)`,
      { field: 'platform.parent' },
    );
  }
  const parent: ParentLink = {
    id: configured.id,
    url: configured.url,
    publicKey: parsePublicKey(configured.publicKey, 'platform.parent.publicKey'),
    tls: parentTls(node),
  };
  const serial = options.serial ?? createSerial();
  const batches: PushedBatch[] = [];
  const upToDate: string[] = [];
  const failed: FailedBatch[] = [];
  /** A batch failed in a way that says nothing about the batch (parent unreachable, unverifiable answer). */
  let unreachable: Error | undefined;
  const attempt = async (b: BatchRecord, resumed: boolean) => {
    try {
      batches.push(await sendBatch(options, serial, parent, b, resumed));
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const outcome = await serial(() => onBatchError(options, parent, b, error));
      if (outcome) failed.push(outcome);
      else unreachable = error as Error;
    }
  };
  const pending = await serial(async () => {
    await sweepOutboxes(wh);
    return wh.all<BatchRecord>(
      `SELECT batch, dataset, chunks, rows, CAST(live AS VARCHAR) AS live, CAST(columns AS VARCHAR) AS columns, outbox
       FROM ${PUSH_BATCHES_TABLE} WHERE status = 'pending' AND parent = $1 ORDER BY created_at`,
      [parent.id],
    );
  });
  for (const b of pending) {
    if (unreachable) break;
    await attempt(b, true);
  }
  if (!unreachable) {
    const policies = await serial(() => datasetPolicies(wh, options.project));
    const wanted = options.datasets ?? node.platform.push.datasets;
    const names = [...policies.keys()].filter((d) => !wanted || wanted.includes(d)).sort();
    for (const w of wanted ?? []) {
      if (!policies.has(w))
        options.logger?.warn(`push: dataset ${w} is not known on node ${node.id}; skipped`);
    }
    for (const dataset of names) {
      if (unreachable) break;
      const policy = policies.get(dataset);
      if (!isReportable(policy)) {
        if (wanted?.includes(dataset))
          options.logger?.warn(`push: dataset ${dataset} is not catalogued as reported upward; skipped`);
        continue;
      }
      options.onProgress?.({ phase: 'plan', dataset });
      const planned = await serial(() =>
        planBatch(wh, node, parent.id, policy, node.platform.push.chunkBytes),
      );
      if (!planned) {
        if (!failed.some((f) => f.dataset === dataset)) upToDate.push(dataset);
        continue;
      }
      await attempt(planned, false);
    }
  }
  let summariesSent = batches.length > 0 && (options.summaries?.length ?? 0) > 0;
  if (!unreachable && !summariesSent && options.sendSummaries && options.summaries?.length) {
    try {
      await sendSummariesAlone(options, parent);
      summariesSent = true;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      unreachable = error as Error;
    }
  }
  const deadLetters = (await serial(() => listDeadLetters(wh))).length;
  const summary: PushSummary = {
    summariesSent,
    node: node.id,
    parent: parent.id,
    batches,
    upToDate,
    failed,
    deadLetters,
    rows: batches.reduce((n, b) => n + b.rows, 0),
    seconds: (performance.now() - t0) / 1000,
  };
  options.logger?.info(
    `push → ${parent.id}: ${summary.rows.toLocaleString('en')} rows in ${batches.length} batches in ${summary.seconds.toFixed(1)} s${
      failed.length ? `; ${failed.length} failed` : ''
    }${deadLetters ? `; ${deadLetters} dead letters (gongshu push dead-letters)` : ''}`,
  );
  if (unreachable) throw unreachable;
  return summary;
}

/** Sends this node's summaries on their own, signed; only the parent's signed acknowledgement counts. */
async function sendSummariesAlone(options: PushOptions, parent: ParentLink): Promise<void> {
  const { node } = options;
  const summaries = options.summaries ?? [];
  await withRetries(
    async () => {
      const res = await signedRequest({
        baseUrl: parent.url,
        node: node.id,
        keys: options.keys,
        method: 'POST',
        path: '/v1/summaries',
        body: Buffer.from(JSON.stringify({ summaries })),
        contentType: 'application/json',
        timeoutMs: node.platform.push.timeoutMs,
        answerFrom: { id: parent.id, publicKey: parent.publicKey },
        ...(parent.tls ? { tls: parent.tls } : {}),
      });
      if (res.json<{ summaries?: number }>().summaries !== summaries.length) {
        throw new TransportError(
          `push → ${parent.id}: the parent's signed answer does not acknowledge the summaries`,
          {
            retryable: true,
            verified: true,
          },
        );
      }
    },
    {
      attempts: node.platform.push.attempts,
      backoffMs: node.platform.push.backoffMs,
      logger: options.logger,
      what: `summaries → ${parent.id}`,
      signal: options.signal,
    },
  );
  options.logger?.info(
    `push → ${parent.id}: ${summaries.map((s) => `${s.kind} ${s.period}`).join(', ')} sent (no data batch carried it)`,
  );
}

/**
 * What a failed batch becomes: a dead letter (a signed final refusal, an unusable outbox, or the `deadAfter`-th
 * signed 5xx answer), a counted failure, or nothing (undefined: the parent could not be reached or its answer
 * not verified, which says nothing about the batch).
 */
async function onBatchError(
  options: PushOptions,
  parent: ParentLink,
  b: BatchRecord,
  error: unknown,
): Promise<FailedBatch | undefined> {
  const { wh, node, logger } = options;
  const outboxProblem = error instanceof PlatformConfigError && error.details.field === 'outbox';
  if (!outboxProblem && !isFinalRefusal(error) && !isServerFailure(error)) return undefined;
  const e = error as Error & { status?: number; remoteCode?: string };
  const code = outboxProblem ? 'outbox-unusable' : e.remoteCode;
  const dead = await recordFailure(wh, {
    node: node.id,
    batch: b.batch,
    dataset: b.dataset,
    parent: parent.id,
    status: outboxProblem ? undefined : e.status,
    code,
    reason: e.message,
    dead: outboxProblem || isFinalRefusal(error),
    deadAfter: node.platform.push.deadAfter,
  });
  if (dead) {
    logger?.error(
      `push ${b.dataset} → ${parent.id}: batch ${b.batch} is a dead letter (${code ?? e.status}): ${e.message}. Other batches go on. Fix the cause, then: gongshu push retry ${b.batch} (or push abandon ${b.batch})`,
    );
    const letter = (await listDeadLetters(wh)).find((d) => d.batch === b.batch);
    if (letter) options.onDeadLetter?.(letter);
  } else {
    logger?.warn(
      `push ${b.dataset} → ${parent.id}: batch ${b.batch} failed (${code ?? e.status}); the next push retries it`,
    );
  }
  return { batch: b.batch, dataset: b.dataset, dead, code: code ?? null, reason: e.message };
}

/** The parent's signed acknowledgement of a chunk. */
interface Ack {
  ack?: boolean;
  batch?: string;
  seq?: number;
  rows?: number;
  duplicate?: boolean;
  complete?: boolean;
  outsideJurisdiction?: number;
  anchor?: { senderHead?: string; seq?: number; hash?: string } | null;
}

/**
 * Sends the chunks of a batch the parent has not acknowledged; marks it done and deletes its outbox at the end.
 * An answer is used only when it is signed by the parent for this request and acknowledges exactly this chunk.
 */
async function sendBatch(
  options: PushOptions,
  serial: Serial,
  parent: ParentLink,
  b: BatchRecord,
  resumed: boolean,
): Promise<PushedBatch> {
  const { wh, logger } = options;
  const chunks = Number(b.chunks);
  if (!isOutboxFolder(b.outbox)) {
    throw new PlatformConfigError(
      `push ${b.dataset}: batch ${b.batch} was planned by an earlier version of gongshu (outbox ${b.outbox}). Fix: gongshu push retry ${b.batch} plans its rows again`,
      { field: 'outbox' },
    );
  }
  const ackedRows = await serial(() =>
    wh.all<{ seq: number; rows: number }>(`SELECT seq, rows FROM ${PUSH_ACKS_TABLE} WHERE batch = $1`, [
      b.batch,
    ]),
  );
  const acked = new Set(ackedRows.map((r) => r.seq));
  if (resumed)
    logger?.info(
      `push ${b.dataset} → ${parent.id}: resuming batch ${b.batch} at ${acked.size}/${chunks} chunks`,
    );
  const todo = Array.from({ length: chunks }, (_, seq) => seq).filter((seq) => !acked.has(seq));
  const hashes = chunkHashes(b.outbox);
  // The manifest first (again when resuming: the parent accepts the same one twice).
  if (todo.length > 0) await sendManifest(options, serial, parent, b);
  const counts = { sent: 0, duplicates: 0, outside: 0 };
  let rowsSent = ackedRows.reduce((n, r) => n + Number(r.rows), 0);
  const progress = (rows: number) =>
    options.onProgress?.({
      phase: 'send',
      dataset: b.dataset,
      batch: b.batch,
      rows: Number(b.rows),
      rowsSent: rows,
    });
  progress(rowsSent);
  for (const seq of todo) {
    if (options.signal?.aborted) throw options.signal.reason;
    const file = chunkFile(b.outbox, seq);
    const rows = await chunkRows(options, serial, b, seq, file);
    const chunk = { seq, file, rows, contentHash: hashes.get(seq) ?? (await fileSm3(file)) };
    const bytes = options.onProgress ? statSync(file).size : 0;
    const onSent = options.onProgress
      ? (n: number) => progress(rowsSent + Math.floor((rows * n) / Math.max(bytes, 1)))
      : undefined;
    const answer = await sendChunk(options, serial, parent, b, chunk, onSent);
    await serial(() => recordAck(options, parent, b, chunk, answer));
    rowsSent += rows;
    progress(rowsSent);
    counts.sent++;
    if (answer.ack.duplicate) counts.duplicates++;
    counts.outside += answer.ack.outsideJurisdiction ?? 0;
    logger?.debug(
      { dataset: b.dataset, batch: b.batch, seq },
      `push ${b.dataset} → ${parent.id} chunk ${seq + 1}/${chunks} acked (${rows} rows)`,
    );
    options.onChunk?.({
      dataset: b.dataset,
      batch: b.batch,
      seq,
      chunks,
      duplicate: Boolean(answer.ack.duplicate),
    });
  }
  await finishBatch(options, serial, parent, b, counts.outside);
  return {
    batch: b.batch,
    dataset: b.dataset,
    chunks,
    rows: Number(b.rows),
    sent: counts.sent,
    duplicates: counts.duplicates,
    resumed,
    outsideJurisdiction: counts.outside,
  };
}

/** The request options every call to the parent shares: its URL, this node's keys, the answer's signer, TLS. */
function toParent(options: PushOptions, parent: ParentLink) {
  return {
    baseUrl: parent.url,
    node: options.node.id,
    keys: options.keys,
    method: 'POST' as const,
    timeoutMs: options.node.platform.push.timeoutMs,
    answerFrom: { id: parent.id, publicKey: parent.publicKey },
    ...(parent.tls ? { tls: parent.tls } : {}),
  };
}

/** How a push retries a call to the parent. */
function retries(options: PushOptions, what: string) {
  const cfg = options.node.platform.push;
  return {
    attempts: cfg.attempts,
    backoffMs: cfg.backoffMs,
    logger: options.logger,
    what,
    signal: options.signal,
  };
}

/**
 * Sends a batch's manifest: the live set the parent applies when the batch completes, the purpose, the batch's
 * place in this node's planning order and this node's summaries.
 */
async function sendManifest(
  options: PushOptions,
  serial: Serial,
  parent: ParentLink,
  b: BatchRecord,
): Promise<void> {
  const { wh } = options;
  const planned =
    (await serial(() =>
      wh.value<number>(
        `SELECT count(*) FROM ${PUSH_BATCHES_TABLE} o, ${PUSH_BATCHES_TABLE} b
         WHERE b.batch = $1 AND (o.created_at < b.created_at OR (o.created_at = b.created_at AND o.batch < b.batch))`,
        [b.batch],
      ),
    )) ?? 0;
  const body = Buffer.from(
    JSON.stringify({
      v: 2,
      live: JSON.parse(b.live),
      purpose: PUSH_PURPOSE,
      planned: Number(planned),
      ...(options.summaries?.length ? { summaries: options.summaries } : {}),
    }),
  );
  await withRetries(
    async () => {
      const query = new URLSearchParams({ dataset: b.dataset, batch: b.batch, chunks: String(b.chunks) });
      const res = await signedRequest({
        ...toParent(options, parent),
        path: `/v1/push/manifest?${query}`,
        body,
        contentType: 'application/json',
      });
      const a = res.json<{ manifest?: boolean; batch?: string }>();
      if (!a.manifest || a.batch !== b.batch) {
        throw new TransportError(
          `push ${b.dataset}: the parent's signed answer does not accept the manifest of batch ${b.batch}`,
          { retryable: true, verified: true },
        );
      }
    },
    retries(options, `push ${b.dataset} manifest`),
  );
}

/** The rows of a chunk file, from its Parquet footer; an unreadable file makes the batch a dead letter. */
async function chunkRows(
  options: PushOptions,
  serial: Serial,
  b: BatchRecord,
  seq: number,
  file: string,
): Promise<number> {
  return serial(async () => {
    try {
      return Number(
        (await options.wh.value<bigint>(
          `SELECT sum(num_rows) FROM parquet_file_metadata(${quoteLiteral(file)})`,
        )) ?? 0,
      );
    } catch (error) {
      throw new PlatformConfigError(
        `push ${b.dataset}: chunk ${seq} of batch ${b.batch} (${file}) cannot be read (${redactText(String((error as Error).message).split('\n')[0] ?? '')}). Fix: gongshu push retry ${b.batch} plans its rows again (when the parent holds none of its chunks), or push abandon ${b.batch}`,
        { field: 'outbox' },
      );
    }
  });
}

/** A chunk as it is sent. */
interface OutgoingChunk {
  readonly seq: number;
  readonly file: string;
  readonly rows: number;
  readonly contentHash: string;
}

/** Sends one chunk with this node's audit head, until the parent's signed answer acknowledges exactly it. */
async function sendChunk(
  options: PushOptions,
  serial: Serial,
  parent: ParentLink,
  b: BatchRecord,
  chunk: OutgoingChunk,
  onSent: ((bytes: number) => void) | undefined,
): Promise<{ ack: Ack; head: string | undefined }> {
  const { seq } = chunk;
  return withRetries(
    async () => {
      const head = await serial(() => auditHead(options.wh));
      const query = new URLSearchParams({
        dataset: b.dataset,
        batch: b.batch,
        seq: String(seq),
        chunks: String(b.chunks),
        ...(head ? { head } : {}),
      });
      const res = await signedRequest({
        ...toParent(options, parent),
        path: `/v1/push?${query}`,
        bodyFile: chunk.file,
        bodyHash: chunk.contentHash,
        contentType: PARQUET,
        ...(onSent ? { onBodyBytes: onSent } : {}),
      });
      let a: Ack;
      try {
        a = res.json<Ack>();
      } catch {
        a = {};
      }
      if (!a.ack || a.batch !== b.batch || a.seq !== seq || a.rows !== chunk.rows) {
        throw new TransportError(
          `push ${b.dataset}: the parent's signed answer for chunk ${seq} of batch ${b.batch} does not acknowledge it (${JSON.stringify(a).slice(0, 200)})`,
          { retryable: true, verified: true },
        );
      }
      return { ack: a, head };
    },
    retries(options, `push ${b.dataset} chunk ${seq + 1}/${b.chunks}`),
  );
}

/** Records an acknowledged chunk and its audit entry (with the parent's anchor of this node's audit head). */
async function recordAck(
  options: PushOptions,
  parent: ParentLink,
  b: BatchRecord,
  chunk: OutgoingChunk,
  answer: { ack: Ack; head: string | undefined },
): Promise<void> {
  const { wh, node } = options;
  const { ack, head } = answer;
  const columns = JSON.parse(b.columns) as WireColumn[];
  await wh.transaction(async () => {
    await wh.run(`INSERT INTO ${PUSH_ACKS_TABLE} VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT DO NOTHING`, [
      b.batch,
      chunk.seq,
      chunk.rows,
      chunk.contentHash,
      Boolean(ack.duplicate),
    ]);
    await appendAudit(wh, node.id, {
      action: 'push-sent',
      peer: parent.id,
      dataset: b.dataset,
      columns: columns.map((c) => c.name),
      rows: chunk.rows,
      contentHash: chunk.contentHash,
      purpose: PUSH_PURPOSE,
      batch: b.batch,
      chunk: chunk.seq,
      details: {
        chunks: Number(b.chunks),
        ...(ack.duplicate ? { duplicate: true } : {}),
        ...(ack.outsideJurisdiction ? { outsideJurisdiction: ack.outsideJurisdiction } : {}),
        ...(ack.anchor?.seq !== undefined && head
          ? { anchoredHead: head, parentEntry: `${ack.anchor.seq}:${ack.anchor.hash}` }
          : {}),
      },
    });
  });
}

/** Marks a batch done (its failures cleared), deletes its outbox, and says so. */
async function finishBatch(
  options: PushOptions,
  serial: Serial,
  parent: ParentLink,
  b: BatchRecord,
  outside: number,
): Promise<void> {
  const { wh, node, logger } = options;
  await serial(() =>
    wh.transaction(async () => {
      await wh.run(`UPDATE ${PUSH_BATCHES_TABLE} SET status = 'done', finished_at = now() WHERE batch = $1`, [
        b.batch,
      ]);
      await clearFailures(wh, b.batch);
    }),
  );
  deleteOutbox(b.outbox);
  if (outside > 0) {
    logger?.warn(
      `push ${b.dataset} → ${parent.id}: the parent flagged ${outside} rows outside division ${node.id} (see the dataset's catalog jurisdiction)`,
    );
  }
  logger?.info(
    `push ${b.dataset} → ${parent.id}: batch ${b.batch} done, ${Number(b.rows).toLocaleString('en')} rows in ${b.chunks} chunks`,
  );
}
