import { SingleBar } from 'cli-progress';
import type { RunSummary } from '../pipelines/index.ts';
import { QUARANTINE_TABLE } from '../warehouse/index.ts';
import { formatTable, type Output } from './output.ts';

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
  for (const p of summary.pipelines)
    if (p.status === 'failed') out.data(`\n${p.pipeline} failed: ${p.error}`);
  out.data('');
  out.data(
    `run ${summary.runId} ${summary.status}: ${summary.rowsRead.toLocaleString('en')} rows read, ` +
      `${summary.rowsLoaded.toLocaleString('en')} loaded, ${summary.rowsQuarantined.toLocaleString('en')} quarantined ` +
      `in ${summary.seconds.toFixed(1)} s`,
  );
}

/** A progress reporter: a bar on a terminal, nothing otherwise (logs carry the per-load lines). */
export function progressReporter(out: Output): {
  onProgress?: (pipeline: string, rows: number) => void;
  stop(): void;
} {
  if (!out.tty || !process.stderr.isTTY) return { stop() {} };
  const bar = new SingleBar({
    format: '{pipeline} {value} rows read',
    stream: process.stderr,
    clearOnComplete: true,
    hideCursor: true,
    fps: 5,
  });
  let current: string | undefined;
  return {
    onProgress(pipeline, rows) {
      if (pipeline !== current) {
        if (current) bar.stop();
        bar.start(0, 0, { pipeline });
        current = pipeline;
      }
      bar.update(rows, { pipeline });
    },
    stop() {
      if (current) bar.stop();
    },
  };
}
