import { extname } from 'node:path';
import type { Command } from 'commander';
import { connectorKinds } from '../../connectors/index.ts';
import { INGEST_KINDS, ingestFile, KEY_KINDS, type LoadResult } from '../../pipelines/index.ts';
import { findProjectDir, projectAndWarehouse } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { invocation } from '../invocation.ts';
import { createLogger } from '../logger.ts';
import { formatTable, processOutput } from '../output.ts';
import { loadProgress, progressReporter, progressWanted } from '../progress.ts';

interface IngestOptions {
  dataset: string;
  key?: string;
  encoding: string;
  sheet?: string;
  headerRow?: string;
  mode: string;
  project?: string;
  warehouse?: string;
  json?: boolean;
}

/** Where `gongshu ingest` writes without --warehouse or a project. */
const DEFAULT_WAREHOUSE = '.gongshu/warehouse.duckdb';

/**
 * The warehouse an ingest writes to: --warehouse; else the project's (--project, or the nearest one upward from
 * the working directory, whose reference data the load then uses); else .gongshu/warehouse.duckdb here.
 */
async function warehouseOf(o: IngestOptions): Promise<{ path: string; shown: string }> {
  if (o.warehouse) return { path: o.warehouse, shown: `--warehouse ${o.warehouse}` };
  if (o.project === undefined && findProjectDir() === undefined)
    return { path: DEFAULT_WAREHOUSE, shown: `--warehouse ${DEFAULT_WAREHOUSE}` };
  const { warehousePath } = await projectAndWarehouse({ project: o.project });
  return { path: warehousePath, shown: o.project ? `--project ${o.project}` : '' };
}

/** The connector options the ingest flags stand for, for the connector a file extension picks. */
function sourceOptions(path: string, o: IngestOptions): Record<string, unknown> {
  const kind = INGEST_KINDS[extname(path).toLowerCase()];
  if (kind === 'csv') return { encoding: o.encoding };
  if (kind === 'json') return o.encoding === 'auto' ? {} : { encoding: o.encoding };
  if (kind === 'excel') {
    const headerRow = o.headerRow === undefined ? undefined : Number(o.headerRow);
    const sheet = o.sheet === undefined ? undefined : /^\d+$/.test(o.sheet) ? Number(o.sheet) : o.sheet;
    return { ...(sheet === undefined ? {} : { sheet }), ...(headerRow === undefined ? {} : { headerRow }) };
  }
  return {};
}

/** Every problem of the ingest command line: the file, the dataset name, the key and the Excel options. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const [path] = args as [string | undefined];
  const o = options as unknown as IngestOptions;
  if (path !== undefined) {
    const kinds = Object.entries(INGEST_KINDS).filter(([, k]) => connectorKinds().includes(k));
    if (!kinds.some(([ext]) => ext === extname(path).toLowerCase())) {
      problems.add(
        'PATH',
        `a file named ${kinds.map(([ext]) => ext).join(', ')}`,
        path,
        'convert the file, or define a pipeline with the right connector',
      );
    } else
      problems.path(
        'PATH',
        path,
        'file',
        'check the path (relative paths resolve from the working directory)',
      );
  }
  problems.name('--dataset', o.dataset);
  if (o.key !== undefined) {
    const [kind, ...rest] = o.key.split(':');
    if (!(KEY_KINDS as readonly string[]).includes(kind ?? '') || rest.join(':').trim() === '')
      problems.add(
        '--key',
        `${KEY_KINDS.join(':COLUMN or ')}:COLUMN`,
        o.key,
        '--key citizen-id:公民身份号码',
      );
  }
  problems.integer('--header-row', o.headerRow, 1, 1_048_576, '--header-row 3');
  problems.project(o.warehouse ? undefined : o.project);
}

/** The `--json` summary: reasons without the `key:` prefix, as the foundation issue names them. */
export function ingestSummary(r: LoadResult) {
  const quarantineByReason: Record<string, number> = {};
  for (const [reason, n] of Object.entries(r.quarantinedByReason)) {
    const short = reason.startsWith('key:') ? reason.slice(4) : reason;
    quarantineByReason[short] = (quarantineByReason[short] ?? 0) + n;
  }
  return {
    dataset: r.dataset,
    rowsRead: r.rowsRead,
    rowsLoaded: r.rowsLoaded,
    rowsQuarantined: r.rowsQuarantined,
    quarantineByReason,
    loadId: r.loadId,
    notes: [...r.notes],
  };
}

/** `gongshu ingest PATH --dataset NAME`: exit 0 when the load committed (quarantined rows are not failures). */
export default async function ingest(args: unknown[], command: Command): Promise<number> {
  const [path] = args as [string];
  const o = command.opts<IngestOptions>();
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const target = await warehouseOf(o);
  const wh = await openWarehouse({ path: target.path });
  const wanted = progressWanted(command);
  const progress = progressReporter(wanted);
  try {
    const onProgress = await loadProgress(progress, wh, wanted);
    onProgress?.(o.dataset, 0);
    const r = await ingestFile(wh, {
      path,
      dataset: o.dataset,
      mode: o.mode,
      ...(o.key ? { key: o.key } : {}),
      sourceOptions: sourceOptions(path, o),
      ...(onProgress ? { onProgress: (n: number) => onProgress(o.dataset, n) } : {}),
    });
    progress.stop();
    logger.info(
      `load ${r.dataset} → ${r.rowsLoaded.toLocaleString('en')} rows (${r.rowsQuarantined.toLocaleString('en')} quarantined) in ${r.seconds.toFixed(1)} s`,
    );
    const summary = ingestSummary(r);
    if (o.json) out.json(summary);
    else {
      for (const line of formatTable([
        { dataset: r.dataset, read: r.rowsRead, loaded: r.rowsLoaded, quarantined: r.rowsQuarantined },
      ])) {
        out.data(line);
      }
      const reasons = Object.entries(summary.quarantineByReason).map(([reason, rows]) => ({ reason, rows }));
      if (reasons.length) {
        out.data('');
        for (const line of formatTable(reasons)) out.data(line);
      }
      for (const n of r.notes) out.note(`note: ${n}`);
      out.note(
        `load ${r.loadId}; query it with: ${invocation()} sql "SELECT * FROM ${r.dataset} LIMIT 10"${target.shown ? ` ${target.shown}` : ''}`,
      );
    }
    return EXIT.ok;
  } finally {
    progress.stop();
    wh.close();
  }
}
