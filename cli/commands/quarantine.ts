import type { Command } from 'commander';
import { type Pipeline, replayQuarantine } from '../../pipelines/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { mask } from '../../schemas/index.ts';
import { openWarehouse, QUARANTINE_TABLE } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';

interface QuarantineOptions {
  reason?: string;
  load?: string;
  all?: boolean;
  limit: string;
  unmasked?: boolean;
  project: string;
  warehouse?: string;
  json?: boolean;
}

/** Every problem of the quarantine command line: the dataset (required for replay), --limit, paths. */
export function checkArguments(
  args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const [action, dataset] = args as [string, string | undefined];
  const o = options as unknown as QuarantineOptions;
  if (action === 'replay' && dataset === undefined)
    problems.add('DATASET', 'the dataset to replay', undefined, 'gongshu quarantine replay hukou');
  problems.name('DATASET', dataset);
  problems.positiveInteger('--limit', o.limit, '--limit 50');
  problems.project(o.warehouse && action !== 'replay' ? undefined : o.project);
  problems.path(
    '--warehouse',
    o.warehouse,
    'file',
    "pass an existing DuckDB file, or omit --warehouse to use the project's",
  );
}

/** `gongshu quarantine list|replay`. */
export default async function quarantine(args: unknown[], command: Command): Promise<number> {
  const [action, dataset] = args as ['list' | 'replay', string | undefined];
  const o = command.opts<QuarantineOptions>();
  const out = processOutput();
  let pipeline: Pipeline | undefined;
  let path = o.warehouse;
  if (!path || action === 'replay') {
    try {
      const { loaded, warehousePath } = await projectAndWarehouse(o);
      path ??= warehousePath;
      pipeline = loaded.project.pipelines.find((p) => p.dataset.name === dataset);
    } catch (error) {
      if (!o.warehouse) throw error; // no project and no --warehouse: say why
    }
  }
  if (action === 'replay') {
    if (!dataset)
      throw new CliError('quarantine replay: name the dataset. Fix: gongshu quarantine replay hukou');
    const wh = await openWarehouse({ path: path! });
    try {
      const r = await replayQuarantine(wh, dataset, {
        ...(o.load ? { loadId: o.load } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
        ...(pipeline ? { pipeline } : {}),
      });
      const summary = {
        dataset,
        replayed: r.replayed,
        loaded: r.load?.rowsLoaded ?? 0,
        quarantinedAgain: r.load?.rowsQuarantined ?? 0,
        quarantineByReason: r.load?.quarantinedByReason ?? {},
        loadId: r.load?.loadId ?? null,
      };
      if (o.json) out.json(summary);
      else {
        out.data(
          r.replayed === 0
            ? `quarantine replay ${dataset}: nothing open to replay`
            : `quarantine replay ${dataset}: ${r.replayed} rows replayed → ${summary.loaded} loaded, ${summary.quarantinedAgain} quarantined again (load ${summary.loadId})`,
        );
      }
      return EXIT.ok;
    } finally {
      wh.close();
    }
  }
  const limit = Number(o.limit);
  const wh = await openWarehouse({ path: path!, readOnly: true });
  try {
    const where = [
      ...(dataset ? ['dataset = $d'] : []),
      ...(o.reason ? ['starts_with(reason, $r)'] : []),
      ...(o.load ? ['load_id = $l'] : []),
      ...(o.all ? [] : ['replayed_load_id IS NULL', 'NOT coalesce(row_loaded, false)']),
    ];
    const params = {
      ...(dataset ? { d: dataset } : {}),
      ...(o.reason ? { r: o.reason } : {}),
      ...(o.load ? { l: o.load } : {}),
    };
    const sql = `SELECT dataset, source_location, reason, key_value, load_id, replayed_load_id, CAST(row_json AS VARCHAR) AS row_json
      FROM ${QUARANTINE_TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY quarantined_at, rowid LIMIT ${limit}`;
    const rows = (
      await wh.all<{
        dataset: string;
        source_location: string;
        reason: string;
        key_value: string | null;
        row_json: string;
      }>(sql, params)
    ).map((r) => {
      const kind =
        String(r.key_value ?? '').length === 18 && /^\d{17}/.test(String(r.key_value))
          ? 'citizen-id'
          : 'uscc';
      return {
        ...r,
        key_value: o.unmasked ? r.key_value : mask(kind, r.key_value),
        row_json: o.unmasked ? r.row_json : undefined,
      };
    });
    if (o.json) for (const r of rows) out.json(r);
    else {
      const shown = rows.map(({ dataset: d, source_location, reason, key_value }) => ({
        dataset: d,
        source_location,
        reason,
        key_value,
      }));
      for (const line of formatTable(shown)) out.data(line);
      const masked = o.unmasked ? '' : '; key values masked, --unmasked to show them';
      out.note(`(${rows.length} row${rows.length === 1 ? '' : 's'}${masked})`);
    }
    return EXIT.ok;
  } finally {
    wh.close();
  }
}
