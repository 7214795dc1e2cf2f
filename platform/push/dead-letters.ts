import { existsSync } from 'node:fs';
import type { Warehouse } from '../../warehouse/index.ts';
import {
  PUSH_ACKS_TABLE,
  PUSH_BATCHES_TABLE,
  PUSH_FAILURES_TABLE,
  PUSH_SENT_TABLE,
} from '../../warehouse/index.ts';
import { appendAudit, cutText } from '../audit/chain.ts';
import { PlatformConfigError, redactText, TransportError } from '../errors.ts';
import { chunkFile, deleteOutbox, isOutboxFolder } from './outbox.ts';

/**
 * Dead letters: batches the parent refused for a reason retrying cannot fix (a signed 4xx answer such as
 * `unknown-origin`, `not-reportable`, `bad-value`, `too-large`), or kept failing with a signed 5xx answer
 * `platform.push.deadAfter` times, or whose outbox is unusable. A dead batch is set aside with its reason: it
 * never blocks other datasets or batches, and its units are not planned again until it is retried or
 * abandoned (`gongshu push dead-letters | retry BATCH | abandon BATCH`). It writes `gongshu.push_failures`
 * (defined in warehouse/system/push-tables.ts).
 */

/** Whether the failures table exists (a warehouse opened read-only before this version created it has none). */
async function hasFailures(wh: Warehouse): Promise<boolean> {
  return wh.hasTable(PUSH_FAILURES_TABLE);
}

/** A dead letter as listed. */
export interface DeadLetter {
  readonly batch: string;
  readonly dataset: string;
  readonly parent: string;
  readonly rows: number;
  readonly chunks: number;
  /** Chunks the parent acknowledged before the batch died. */
  readonly acked: number;
  readonly status: number | null;
  readonly code: string | null;
  readonly reason: string;
  readonly failures: number;
  readonly deadAt: string;
}

/** Parent error codes that retrying the same request cannot change: the node, key or clock is the problem. */
const NOT_THE_BATCH = new Set(['unknown-node', 'bad-signature', 'stale-timestamp', 'replayed', 'unsigned']);

/**
 * Whether an error means the parent refused this batch for good: a signed (verified) 4xx answer other than
 * 401 (signature, clock), 408, 409 (replay) and 429, and other than `unknown-node` (a configuration problem
 * that would refuse every batch alike).
 */
export function isFinalRefusal(error: unknown): error is TransportError & { status: number } {
  if (!(error instanceof TransportError) || !error.verified || error.status === undefined) return false;
  const s = error.status;
  if (s < 400 || s >= 500 || s === 401 || s === 408 || s === 409 || s === 429) return false;
  return !NOT_THE_BATCH.has(error.remoteCode ?? '');
}

/** Whether an error is a signed 5xx answer of the parent (counted toward `deadAfter`). */
export function isServerFailure(error: unknown): error is TransportError {
  return (
    error instanceof TransportError && error.verified && error.status !== undefined && error.status >= 500
  );
}

/**
 * Records a failed push of `batch`. With `dead` (a final refusal) or once `failures` reaches `deadAfter`, the
 * batch becomes a dead letter (status `dead`) with an audit entry; returns whether it did.
 */
export async function recordFailure(
  wh: Warehouse,
  options: {
    node: string;
    batch: string;
    dataset: string;
    parent: string;
    status?: number | undefined;
    code?: string | undefined;
    reason: string;
    dead: boolean;
    deadAfter: number;
  },
): Promise<boolean> {
  return wh.transaction(async () => {
    const before =
      (await wh.value<number>(`SELECT failures FROM ${PUSH_FAILURES_TABLE} WHERE batch = $1`, [
        options.batch,
      ])) ?? 0;
    const failures = before + 1;
    const dead = options.dead || failures >= options.deadAfter;
    const reason = cutText(redactText(options.reason));
    await wh.run(
      `INSERT INTO ${PUSH_FAILURES_TABLE} VALUES ($1, $2, ${options.status === undefined ? 'NULL' : Number(options.status)}, ${
        options.code === undefined ? 'NULL' : '$4'
      }, $3, now(), now(), ${dead ? 'now()' : 'NULL'})
       ON CONFLICT (batch) DO UPDATE SET failures = excluded.failures, status = excluded.status, code = excluded.code,
         reason = excluded.reason, last_failed_at = excluded.last_failed_at, dead_at = excluded.dead_at`,
      options.code === undefined
        ? [options.batch, failures, reason]
        : [options.batch, failures, reason, cutText(options.code, 64)],
    );
    if (dead) {
      await wh.run(`UPDATE ${PUSH_BATCHES_TABLE} SET status = 'dead' WHERE batch = $1`, [options.batch]);
      await appendAudit(wh, options.node, {
        action: 'push-dead-letter',
        peer: options.parent,
        dataset: options.dataset,
        batch: options.batch,
        details: {
          failures,
          ...(options.status !== undefined ? { status: options.status } : {}),
          ...(options.code ? { code: options.code } : {}),
          reason,
        },
      });
    }
    return dead;
  });
}

/** Clears the failure count of a batch that went through. */
export async function clearFailures(wh: Warehouse, batch: string): Promise<void> {
  await wh.run(`DELETE FROM ${PUSH_FAILURES_TABLE} WHERE batch = $1`, [batch]);
}

/** The dead letters, oldest first. */
export async function listDeadLetters(wh: Warehouse): Promise<DeadLetter[]> {
  if (!(await hasFailures(wh))) return [];
  const rows = await wh.all<{
    batch: string;
    dataset: string;
    parent: string;
    rows: number;
    chunks: number;
    acked: number;
    status: number | null;
    code: string | null;
    reason: string | null;
    failures: number | null;
    dead_at: string | null;
  }>(
    `SELECT b.batch, b.dataset, b.parent, b.rows, b.chunks,
       (SELECT count(*) FROM ${PUSH_ACKS_TABLE} a WHERE a.batch = b.batch) AS acked,
       f.status, f.code, f.reason, f.failures, CAST(coalesce(f.dead_at, b.created_at) AS VARCHAR) AS dead_at
     FROM ${PUSH_BATCHES_TABLE} b LEFT JOIN ${PUSH_FAILURES_TABLE} f USING (batch)
     WHERE b.status = 'dead' ORDER BY coalesce(f.dead_at, b.created_at), b.batch`,
  );
  return rows.map((r) => ({
    batch: r.batch,
    dataset: r.dataset,
    parent: r.parent,
    rows: Number(r.rows),
    chunks: Number(r.chunks),
    acked: Number(r.acked),
    status: r.status === null ? null : Number(r.status),
    code: r.code,
    reason: r.reason ?? '',
    failures: Number(r.failures ?? 0),
    deadAt: r.dead_at ?? '',
  }));
}

async function deadBatch(
  wh: Warehouse,
  batch: string,
): Promise<{ dataset: string; parent: string; outbox: string; chunks: number }> {
  const [b] = await wh.all<{
    dataset: string;
    parent: string;
    outbox: string;
    chunks: number;
    status: string;
  }>(`SELECT dataset, parent, outbox, chunks, status FROM ${PUSH_BATCHES_TABLE} WHERE batch = $1`, [batch]);
  if (b?.status !== 'dead') {
    const dead = (await listDeadLetters(wh)).map((d) => d.batch);
    throw new PlatformConfigError(
      `push: ${JSON.stringify(cutText(batch, 80))} is not a dead letter${b ? ` (its status is ${b.status})` : ''}. Dead letters: ${dead.join(', ') || 'none'} (gongshu push dead-letters)`,
      { field: 'batch' },
    );
  }
  return { ...b, chunks: Number(b.chunks) };
}

/** Whether every chunk file of a batch's outbox is still there. */
function outboxIntact(outbox: string, chunks: number): boolean {
  if (!isOutboxFolder(outbox)) return false;
  for (let seq = 0; seq < chunks; seq++) if (!existsSync(chunkFile(outbox, seq))) return false;
  return true;
}

/**
 * Retries a dead letter: back to `pending` with its failures cleared, so the next push sends its remaining
 * chunks as planned (fix the cause first: the parent's catalog or descendants, the chunk size). When its
 * outbox is gone (or from an earlier version) and the parent holds none of its chunks, the batch is dropped
 * instead and its rows are planned afresh by the next push. Returns what it did.
 */
export async function retryDeadLetter(
  wh: Warehouse,
  node: string,
  batch: string,
): Promise<'pending' | 'replanned'> {
  return wh.transaction(async () => {
    const b = await deadBatch(wh, batch);
    let outcome: 'pending' | 'replanned' = 'pending';
    if (outboxIntact(b.outbox, b.chunks)) {
      await wh.run(`UPDATE ${PUSH_BATCHES_TABLE} SET status = 'pending' WHERE batch = $1`, [batch]);
    } else {
      const acked =
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_ACKS_TABLE} WHERE batch = $1`, [batch])) ?? 0;
      if (acked > 0) {
        throw new PlatformConfigError(
          `push retry ${batch}: its outbox is gone and the parent already holds ${acked} of its ${b.chunks} chunks, so it can be neither resent nor planned again without duplicates. Fix: gongshu push abandon ${batch}; the dataset's next load travels in a new batch`,
          { field: 'batch' },
        );
      }
      await wh.run(`DELETE FROM ${PUSH_SENT_TABLE} WHERE batch = $1`, [batch]);
      await wh.run(
        `UPDATE ${PUSH_BATCHES_TABLE} SET status = 'replanned', finished_at = now() WHERE batch = $1`,
        [batch],
      );
      outcome = 'replanned';
    }
    await wh.run(`DELETE FROM ${PUSH_FAILURES_TABLE} WHERE batch = $1`, [batch]);
    await appendAudit(wh, node, {
      action: 'push-retried',
      peer: b.parent,
      dataset: b.dataset,
      batch,
      details: { outcome },
    });
    return outcome;
  });
}

/**
 * Abandons a dead letter: its rows are given up (its units are not planned again; a later load of the
 * dataset travels in a new batch) and its outbox is deleted, with an audit entry.
 */
export async function abandonDeadLetter(wh: Warehouse, node: string, batch: string): Promise<void> {
  const outbox = await wh.transaction(async () => {
    const b = await deadBatch(wh, batch);
    await wh.run(
      `UPDATE ${PUSH_BATCHES_TABLE} SET status = 'abandoned', finished_at = now() WHERE batch = $1`,
      [batch],
    );
    await appendAudit(wh, node, {
      action: 'push-abandoned',
      peer: b.parent,
      dataset: b.dataset,
      batch,
    });
    return b.outbox;
  });
  deleteOutbox(outbox);
}
