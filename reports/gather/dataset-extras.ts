/** Per dataset: the quarantine with masked key samples, schema drift and the load history. */
import { basename } from 'node:path';
import type { QualityReport } from '../../schemas/index.ts';
import { inList, type MaskKind, mask } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { LOADS_TABLE, QUARANTINE_TABLE, SCHEMA_CHANGES_TABLE } from '../../warehouse/index.ts';
import type { DatasetExtras, LoadRow } from '../model.ts';
import { iso } from './iso.ts';
import { DRIFT_PER_DATASET, LOADS_PER_DATASET, QUARANTINE_SAMPLES } from './limits.ts';

/** How a key kind is masked. */
function keyMask(kind: string | undefined): MaskKind {
  return kind === 'citizen-id' || kind === 'uscc' ? kind : 'full';
}

/** A load source for display: a file's name, or a URL without credentials or query. */
export function displaySource(source: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    try {
      const u = new URL(source);
      return `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      return source.replace(/[?#].*$/, '');
    }
  }
  return basename(source);
}

export async function readQuarantine(
  wh: Warehouse,
  report: QualityReport,
  datasets: Record<string, DatasetExtras>,
): Promise<void> {
  const loads = report.datasets.flatMap((d) => d.loads);
  if (loads.length === 0) return;
  const rows = await wh.all<{ dataset: string; reason: string; location: string; key_value: string | null }>(
    `SELECT dataset, reason, source_location AS location, key_value FROM ${QUARANTINE_TABLE}
     WHERE load_id IN ${inList(loads)} AND replayed_load_id IS NULL
     QUALIFY row_number() OVER (PARTITION BY dataset, reason ORDER BY rowid) <= ${QUARANTINE_SAMPLES}
     ORDER BY dataset, reason, rowid`,
  );
  const kinds = new Map(report.datasets.map((d) => [d.dataset, keyMask(d.key?.kind)]));
  const samples = new Map<string, { location: string; key: string | null }[]>();
  for (const r of rows) {
    const k = `${r.dataset}\u0000${r.reason}`;
    const list = samples.get(k) ?? [];
    list.push({ location: r.location, key: mask(kinds.get(r.dataset) ?? 'full', r.key_value) });
    samples.set(k, list);
  }
  for (const [name, extras] of Object.entries(datasets)) {
    for (const q of extras.quarantine) {
      const got = samples.get(`${name}\u0000${q.reason}`);
      if (got) q.samples = got;
    }
    extras.quarantine.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }
}

export async function readDrift(
  wh: Warehouse,
  names: readonly string[],
  until: string,
  datasets: Record<string, DatasetExtras>,
): Promise<void> {
  if (names.length === 0) return;
  const rows = await wh.all<{
    dataset: string;
    load_id: string;
    ms: number;
    change: string;
    column_name: string;
    old_type: string | null;
    new_type: string | null;
    action: string;
  }>(
    `SELECT dataset, load_id, epoch_ms(recorded_at) AS ms, change, column_name, old_type, new_type, action
     FROM ${SCHEMA_CHANGES_TABLE}
     WHERE dataset IN ${inList(names)} AND recorded_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND
     QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY recorded_at DESC) <= ${DRIFT_PER_DATASET}
     ORDER BY dataset, recorded_at DESC, column_name`,
    [until],
  );
  for (const r of rows) {
    datasets[r.dataset]?.drift.push({
      loadId: r.load_id,
      at: iso(r.ms),
      change: r.change,
      column: r.column_name,
      oldType: r.old_type,
      newType: r.new_type,
      action: r.action,
    });
  }
}

export async function readLoads(
  wh: Warehouse,
  names: readonly string[],
  until: string,
  datasets: Record<string, DatasetExtras>,
): Promise<void> {
  if (names.length === 0) return;
  const rows = await wh.all<{
    dataset: string;
    load_id: string;
    started: number;
    finished: number;
    connector: string;
    source: string;
    write_mode: string;
    status: string;
    rows_read: number;
    rows_loaded: number;
    rows_quarantined: number;
  }>(
    `SELECT dataset, load_id, epoch_ms(started_at) AS started, epoch_ms(finished_at) AS finished, connector,
            source, write_mode, status, rows_read, rows_loaded, rows_quarantined
     FROM ${LOADS_TABLE}
     WHERE dataset IN ${inList(names)} AND started_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND
     QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY started_at DESC) <= ${LOADS_PER_DATASET}
     ORDER BY dataset, started_at DESC`,
    [until],
  );
  for (const r of rows) {
    const load: LoadRow = {
      loadId: r.load_id,
      startedAt: iso(r.started),
      finishedAt: iso(r.finished),
      connector: r.connector,
      source: displaySource(r.source),
      writeMode: r.write_mode,
      status: r.status,
      rowsRead: Number(r.rows_read),
      rowsLoaded: Number(r.rows_loaded),
      rowsQuarantined: Number(r.rows_quarantined),
    };
    datasets[r.dataset]?.loads.push(load);
  }
}
