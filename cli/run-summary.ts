import type { RunSummary } from '../pipelines/index.ts';
import { QUARANTINE_TABLE } from '../warehouse/index.ts';
import { formatTable, type Output } from './output.ts';

/** Notes worth showing after a run: something in the data was renamed, garbled, dropped or read as null. */
const NOTABLE = /renamed|named "|^encoding:|error cell|formula|duplicate|mixes encodings/;

/** Renders a run summary for people: one row per pipeline, then quarantine reasons. */
export function printRunSummary(out: Output, summary: RunSummary): void {
  const rows = summary.pipelines.map((p) =>
    p.status === 'succeeded'
      ? {
          pipeline: p.pipeline,
          status: 'ok',
          read: p.rowsRead,
          loaded: p.rowsLoaded,
          quarantined: p.rowsQuarantined,
          'dup keys': p.duplicateKeyRows,
          normalised: p.keysNormalized,
          seconds: Number(p.seconds.toFixed(2)),
        }
      : {
          pipeline: p.pipeline,
          status: 'FAILED',
          read: null,
          loaded: null,
          quarantined: null,
          'dup keys': null,
          normalised: null,
          seconds: null,
        },
  );
  for (const line of formatTable(rows)) out.data(line);
  const reasons = summary.pipelines.flatMap((p) =>
    p.status === 'succeeded'
      ? Object.entries(p.quarantinedByReason).map(([reason, rowsCount]) => ({
          pipeline: p.pipeline,
          reason,
          rows: rowsCount,
        }))
      : [],
  );
  if (reasons.length) {
    out.data('');
    out.data(`quarantined by reason (${QUARANTINE_TABLE}):`);
    for (const line of formatTable(reasons)) out.data(line);
  }
  // Notes that change what a user sees in the table (renamed columns, another encoding, cells read as null);
  // the routine ones (encoding detected, fast path) are in the load ledger.
  for (const p of summary.pipelines) {
    if (p.status !== 'succeeded') continue;
    for (const n of p.notes.filter((x) => NOTABLE.test(x))) out.note(`${p.pipeline}: ${n}`);
  }
  for (const p of summary.pipelines)
    if (p.status === 'failed') out.data(`\n${p.pipeline} failed: ${p.error}`);
  out.data('');
  out.data(
    `run ${summary.runId} ${summary.status}: ${summary.rowsRead.toLocaleString('en')} rows read, ` +
      `${summary.rowsLoaded.toLocaleString('en')} loaded, ${summary.rowsQuarantined.toLocaleString('en')} quarantined ` +
      `in ${summary.seconds.toFixed(1)} s`,
  );
}
