/**
 * Summaries that travel with pushes (GOVERNANCE.md I): a child attaches its current summaries (its yearly
 * evaluation) to every batch manifest it sends; the parent keeps the latest of each kind and period per child,
 * in the same transaction as the manifest, and reads them back to fold them into its own summary.
 */
import type { Warehouse } from '../../warehouse/index.ts';
import { NODE_SUMMARIES_TABLE } from '../../warehouse/index.ts';
import type { NodeSummary } from './receive.ts';

/** A summary a child sent, as stored. */
export interface ReceivedSummary {
  readonly node: string;
  readonly kind: string;
  readonly period: string;
  readonly body: Record<string, unknown>;
  readonly batch: string;
  readonly receivedAt: string;
}

/** Keeps the summaries of a manifest (the latest per node, kind and period wins). */
export async function storeSummaries(
  wh: Warehouse,
  sender: string,
  batch: string,
  summaries: readonly NodeSummary[] | undefined,
): Promise<void> {
  for (const s of summaries ?? []) {
    await wh.run(
      `INSERT INTO ${NODE_SUMMARIES_TABLE} VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (node, kind, period) DO UPDATE SET body = excluded.body, batch = excluded.batch, received_at = excluded.received_at`,
      [sender, s.kind, s.period, JSON.stringify(s.body), batch],
    );
  }
}

/** The summaries received from children, of one kind (and period), by node. */
export async function listReceivedSummaries(
  wh: Warehouse,
  options: { kind: string; period?: string },
): Promise<ReceivedSummary[]> {
  // A warehouse opened read-only before its first write-open by this version has no table yet.
  if (!(await wh.hasTable(NODE_SUMMARIES_TABLE))) return [];
  const rows = await wh.all<{
    node: string;
    kind: string;
    period: string;
    body: string;
    batch: string;
    received_at: string;
  }>(
    `SELECT node, kind, period, CAST(body AS VARCHAR) AS body, batch, CAST(received_at AS VARCHAR) AS received_at
     FROM ${NODE_SUMMARIES_TABLE} WHERE kind = $1 AND ($2::VARCHAR IS NULL OR period = $2) ORDER BY node, period`,
    [options.kind, options.period ?? null],
  );
  return rows.map((r) => ({
    node: r.node,
    kind: r.kind,
    period: r.period,
    body: JSON.parse(r.body) as Record<string, unknown>,
    batch: r.batch,
    receivedAt: r.received_at,
  }));
}
