import { rememberedDataset, unknownDatasetError } from '../../../pipelines/index.ts';
import { locationOrder, mask } from '../../../schemas/index.ts';
import { QUARANTINE_CURRENT_VIEW, QUARANTINE_TABLE, type Warehouse } from '../../../warehouse/index.ts';
import { EXIT } from '../../errors.ts';
import { formatTable, type Output } from '../../output.ts';
import { openCommandWarehouse } from '../../session.ts';
import type { QuarantineOptions } from './shared.ts';

/** A quarantined row as listed (key masked, row JSON left out unless --unmasked). */
type ListedRow = {
  dataset: string;
  source_location: string;
  reason: string;
  detail: string | null;
  key_value: string | null;
  status: string;
  row_json: string | undefined;
};

/** A count of quarantined rows by dataset, reason and status. */
type Total = { dataset: string; reason: string; status: string; n: number };

/** `gongshu quarantine list [DATASET] [--reason …] [--load …] [--all] [--limit N] [--unmasked]`. */
export async function list(options: {
  readonly dataset: string | undefined;
  readonly path: string;
  readonly o: QuarantineOptions;
  readonly out: Output;
}): Promise<number> {
  const { dataset, path, o, out } = options;
  const limit = Number(o.limit);
  const wh = await openCommandWarehouse({ path, readOnly: true });
  try {
    // A misspelled name is an error (as in replay), not an empty quarantine.
    if (dataset !== undefined && !(await rememberedDataset(wh, dataset)) && !(await inHistory(wh, dataset)))
      throw await unknownDatasetError(wh, dataset);
    const { rows, totals } = await readQuarantine(wh, dataset, o, limit);
    const total = totals.reduce((a, t) => a + t.n, 0);
    if (o.json) for (const r of rows) out.json(r);
    else printQuarantine(rows, totals, o, out);
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

/** Whether the quarantine's history holds rows of the dataset (of a load older than `gongshu.datasets`). */
async function inHistory(wh: Warehouse, dataset: string): Promise<boolean> {
  return Number(await wh.value(`SELECT count(*) FROM ${QUARANTINE_TABLE} WHERE dataset = $1`, [dataset])) > 0;
}

/**
 * The quarantined rows (at most `limit`) and their totals: current rows (of loads still live, not replayed) by
 * default; --all lists the history with a status.
 */
async function readQuarantine(
  wh: Warehouse,
  dataset: string | undefined,
  o: QuarantineOptions,
  limit: number,
): Promise<{ rows: ListedRow[]; totals: Total[] }> {
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
      ORDER BY quarantined_at, ${locationOrder('source_location')} LIMIT ${limit}`;
  const rows = (await wh.all<Omit<ListedRow, 'row_json'> & { row_json: string }>(sql, params)).map((r) => {
    const kind =
      String(r.key_value ?? '').length === 18 && /^\d{17}/.test(String(r.key_value)) ? 'citizen-id' : 'uscc';
    return {
      ...r,
      key_value: o.unmasked ? r.key_value : mask(kind, r.key_value),
      row_json: o.unmasked ? r.row_json : undefined,
    };
  });
  const totals = await wh.all<Total>(
    `SELECT dataset, reason, ${o.all ? status : "'current'"} AS status, count(*) AS n FROM ${from} ${filter}
       GROUP BY ALL ORDER BY dataset, status, n DESC, reason`,
    params,
  );
  return { rows, totals };
}

/** Prints the rows, then the totals, as tables. */
function printQuarantine(
  rows: readonly ListedRow[],
  totals: readonly Total[],
  o: QuarantineOptions,
  out: Output,
) {
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
