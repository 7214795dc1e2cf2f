import type { Command } from 'commander';
import { type Pipeline, replayQuarantine } from '../../pipelines/index.ts';
import { projectAndWarehouse } from '../../project/index.ts';
import { mask } from '../../schemas/index.ts';
import { QUARANTINE_CURRENT_VIEW, QUARANTINE_TABLE } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';
import { openCommandWarehouse } from '../session.ts';

interface QuarantineOptions {
  reason?: string;
  load?: string;
  all?: boolean;
  limit: string;
  unmasked?: boolean;
  project?: string;
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
    const wh = await openCommandWarehouse({ path: path! });
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
        notReplayable: r.notReplayable,
      };
      if (o.json) out.json(summary);
      else {
        out.data(
          r.replayed === 0
            ? `quarantine replay ${dataset}: nothing open to replay`
            : `quarantine replay ${dataset}: ${r.replayed} rows replayed → ${summary.loaded} loaded, ${summary.quarantinedAgain} quarantined again (load ${summary.loadId})`,
        );
        const left = Object.entries(r.notReplayable);
        if (left.length) {
          out.note(
            `not replayed: ${left.map(([reason, n]) => `${n} ${reason}`).join(', ')} (the source row itself is malformed: fix the file and load it again)`,
          );
        }
      }
      return EXIT.ok;
    } finally {
      wh.close();
    }
  }
  const limit = Number(o.limit);
  const wh = await openCommandWarehouse({ path: path!, readOnly: true });
  try {
    // Current rows (of loads still live, not replayed) by default; --all lists the history with a status.
    const where = [
      ...(dataset ? ['dataset = $d'] : []),
      ...(o.reason ? ['starts_with(reason, $r)'] : []),
      ...(o.load ? ['load_id = $l'] : []),
      ...(o.all ? [] : ['NOT coalesce(row_loaded, false)']),
    ];
    const params = {
      ...(dataset ? { d: dataset } : {}),
      ...(o.reason ? { r: o.reason } : {}),
      ...(o.load ? { l: o.load } : {}),
    };
    const status = `CASE WHEN coalesce(row_loaded, false) THEN 'loaded' WHEN replayed_load_id IS NOT NULL THEN 'replayed'
      WHEN load_id IN (SELECT load_id FROM ${QUARANTINE_CURRENT_VIEW}) THEN 'current' ELSE 'superseded' END`;
    const from = o.all ? QUARANTINE_TABLE : QUARANTINE_CURRENT_VIEW;
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sql = `SELECT dataset, source_location, reason, detail, key_value, load_id, replayed_load_id,
        ${o.all ? status : "'current'"} AS status, CAST(row_json AS VARCHAR) AS row_json
      FROM ${from} ${filter}
      ORDER BY quarantined_at, source_location LIMIT ${limit}`;
    const rows = (
      await wh.all<{
        dataset: string;
        source_location: string;
        reason: string;
        detail: string | null;
        key_value: string | null;
        status: string;
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
    const totals = await wh.all<{ dataset: string; reason: string; status: string; n: number }>(
      `SELECT dataset, reason, ${o.all ? status : "'current'"} AS status, count(*) AS n FROM ${from} ${filter}
       GROUP BY ALL ORDER BY dataset, status, n DESC, reason`,
      params,
    );
    const total = totals.reduce((a, t) => a + t.n, 0);
    if (o.json) for (const r of rows) out.json(r);
    else {
      const shown = rows.map(({ dataset: d, source_location, reason, detail, key_value, status: st }) => ({
        dataset: d,
        source_location,
        reason,
        ...(rows.some((r) => r.detail !== null) ? { detail } : {}),
        key_value,
        ...(o.all ? { status: st } : {}),
      }));
      for (const line of formatTable(shown)) out.data(line);
      out.data('');
      for (const line of formatTable(
        totals.map((t) => ({
          dataset: t.dataset,
          ...(o.all ? { status: t.status } : {}),
          reason: t.reason,
          rows: t.n,
        })),
      )) {
        out.data(line);
      }
    }
    const masked = o.unmasked ? '' : '; key values masked, --unmasked to show them';
    const what = o.all
      ? 'quarantined rows in the history (current, replayed, superseded, loaded)'
      : 'current quarantined rows';
    const more = rows.length < total ? `, ${rows.length} listed (--limit)` : '';
    const history = o.all ? '' : '; --all for the history (replayed rows, rows of superseded loads)';
    out.note(`(${total} ${what}${more}${masked}${history})`);
    return EXIT.ok;
  } finally {
    wh.close();
  }
}
