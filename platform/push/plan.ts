import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newId, quoteIdent as q, quoteLiteral } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import {
  LOADS_TABLE,
  PUSH_BATCHES_TABLE,
  PUSH_CHUNKS_TABLE,
  PUSH_SENT_TABLE,
  PUSH_UNITS_TABLE,
} from '../../warehouse/index.ts';
import {
  type DatasetPolicy,
  localTable,
  receivedTable,
  reportedColumns,
  TRAVELLING_LINEAGE,
} from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { outboxFromFiles, relayDir, writeOutbox } from './outbox.ts';
import { RECEIVED_BATCH_COLUMN, relayFolder } from './receive.ts';

/** The purpose recorded for upward reporting. */
export const PUSH_PURPOSE = '逐级汇聚 (第十三条): report catalogued data to the platform of the level above';

/** A planned batch as recorded in `gongshu.push_batches`. */
export interface BatchRecord extends Record<string, unknown> {
  batch: string;
  dataset: string;
  chunks: number;
  rows: number;
  live: string;
  columns: string;
  outbox: string;
}

/** Batch statuses whose units count as handled: sent, being sent, set aside, or given up. */
const HANDLED = `('done', 'pending', 'dead', 'abandoned')`;

async function columnsOf(wh: Warehouse, schema: string, table: string): Promise<Map<string, string>> {
  const temp = schema === 'temp';
  const rows = await wh.all<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_catalog = ${temp ? "'temp'" : 'current_database()'} AND table_schema = $1 AND table_name = $2
     ORDER BY ordinal_position`,
    [temp ? 'main' : schema, table],
  );
  return new Map(rows.map((r) => [r.column_name, r.data_type]));
}

/**
 * The unit of a built table (foundation, theme, topic): a build is the unit, named by a fingerprint of the
 * table's reported content, so a build that changed nothing plans nothing and one that changed anything sends
 * the table again (the previous unit is withdrawn at the parent when the batch completes).
 */
async function buildUnit(wh: Warehouse, table: string, columns: readonly string[]): Promise<string> {
  const [r] = await wh.all<{ n: number; x: string; s: string }>(
    `SELECT count(*) AS n, CAST(coalesce(bit_xor(h), 0) AS VARCHAR) AS x, CAST(coalesce(sum(CAST(h AS HUGEINT)), 0) AS VARCHAR) AS s
     FROM (SELECT hash(${columns.map((c) => q(c)).join(', ')}) AS h FROM ${table})`,
  );
  const hex = (v: string) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
  return `build-${Number(r?.n ?? 0).toString(36)}-${hex(r?.x ?? '0')}${hex(String(BigInt(r?.s ?? '0') & ((1n << 64n) - 1n)))}`;
}

/**
 * What planning a batch learns about a dataset's units: the units live per origin, those whose rows may travel
 * now (all local ones, and received ones whose delivering batch completed), the children's batches that
 * delivered the received rows (whether complete, and their units), and the SELECTs of the rows.
 */
interface PlannedUnits {
  readonly live: Map<string, Set<string>>;
  readonly ready: Set<string>;
  readonly delivered: Map<string, { complete: boolean; units: Set<string> }>;
  /** SELECTs of rows of the new units (a built table's, the received ones). */
  readonly parts: string[];
  /** The local rows of the new units (a dataset's own loads), once they are known. */
  localPart?: (fresh: ReadonlySet<string>, orEmpty: boolean) => string | undefined;
}

/** Adds a unit to the live set of its origin. */
function addLive(p: PlannedUnits, origin: string, unit: string): void {
  if (!p.live.has(origin)) p.live.set(origin, new Set());
  p.live.get(origin)!.add(unit);
}

/** The columns of a table that travel: the catalog's reported items and the lineage (not the provenance). */
function travelling(cols: Map<string, string>, reported: readonly string[]): string[] {
  return [...cols.keys()].filter(
    (c) =>
      reported.includes(c) ||
      ((TRAVELLING_LINEAGE as readonly string[]).includes(c) &&
        c !== '_origin_node' &&
        c !== '_origin_batch'),
  );
}

/**
 * Plans the next batch of a dataset, in one transaction: maps new local loads to a unit (a merge load makes a
 * new unit of the whole table, since it rewrites rows in place; a built table's unit is its build), finds the
 * units not yet handled (sent, pending, dead or abandoned), writes their rows into the outbox as Parquet chunk
 * files, and records the batch. Only the catalog's reported items and the lineage travel.
 * Returns undefined when the parent already has everything.
 */
export async function planBatch(
  wh: Warehouse,
  node: NodeContext,
  parent: string,
  policy: DatasetPolicy & { catalog: NonNullable<DatasetPolicy['catalog']> },
  chunkBytes: number,
): Promise<BatchRecord | undefined> {
  const dataset = policy.dataset;
  const reported = reportedColumns(policy.catalog);
  const batch = newId(`${node.id}-${dataset.replace('.', '-')}`, new Date(), 4);
  return wh.transaction(async () => {
    const p: PlannedUnits = { live: new Map(), ready: new Set(), delivered: new Map(), parts: [] };
    await ownUnits(wh, node, policy, batch, reported, p);
    await receivedUnits(wh, node, dataset, reported, p);
    if (p.parts.length === 0 && !p.localPart) return undefined;
    const fresh = await freshUnits(wh, dataset, parent, p);
    if (!fresh) return undefined;
    return writeBatch(wh, { node, parent, dataset, batch, reported, chunkBytes }, p, fresh);
  });
}

/** This node's own units of a dataset: a built table's build, or a dataset's loads (mapped to units here). */
async function ownUnits(
  wh: Warehouse,
  node: NodeContext,
  policy: DatasetPolicy,
  batch: string,
  reported: readonly string[],
  p: PlannedUnits,
): Promise<void> {
  const dataset = policy.dataset;
  const own = localTable(dataset);
  const local = await columnsOf(wh, own.schema, own.table);
  if (policy.layer !== 'dataset' && local.size > 0) {
    const cols = travelling(local, reported);
    const unit = await buildUnit(wh, own.sql, cols);
    addLive(p, node.id, unit);
    p.ready.add(`${node.id}/${unit}`);
    p.parts.push(
      `SELECT ${cols.map((c) => `t.${q(c)}`).join(', ')}, $self AS _origin_node, '${unit}' AS _origin_batch
       FROM ${own.sql} t WHERE '${unit}' IN (SELECT unit FROM temp.push_new_units WHERE origin = $self)`,
    );
    return;
  }
  if (!local.has('_load_id')) return;
  const loads = await loadUnits(wh, dataset, own.sql, batch);
  for (const u of loads) {
    addLive(p, node.id, u.unit);
    p.ready.add(`${node.id}/${u.unit}`);
  }
  const cols = travelling(local, reported)
    .map((c) => `t.${q(c)}`)
    .join(', ');
  // Built once the new units are known: a few loads map to their unit in a CASE (no join over the rows).
  p.localPart = (fresh, orEmpty) => {
    const mine = loads.filter((l) => fresh.has(`${node.id}/${l.unit}`));
    if (mine.length === 0) {
      // A batch with no rows (it carries a live set) still needs the columns.
      return orEmpty
        ? `SELECT ${cols}, $self AS _origin_node, CAST(NULL AS VARCHAR) AS _origin_batch FROM ${own.sql} t WHERE false`
        : undefined;
    }
    if (mine.length > 500) {
      return `SELECT ${cols}, $self AS _origin_node, u.unit AS _origin_batch
        FROM ${own.sql} t JOIN ${PUSH_UNITS_TABLE} u ON u.dataset = $dataset AND u.load_id = t._load_id
        WHERE (u.unit) IN (SELECT unit FROM temp.push_new_units WHERE origin = $self)`;
    }
    const unit = `CASE t._load_id ${mine.map((l) => `WHEN ${quoteLiteral(l.load_id)} THEN ${quoteLiteral(l.unit)}`).join(' ')} END`;
    return `SELECT ${cols}, $self AS _origin_node, ${unit} AS _origin_batch FROM ${own.sql} t
      WHERE t._load_id IN (${mine.map((l) => quoteLiteral(l.load_id)).join(', ')})`;
  };
}

/**
 * Maps the dataset's loads not mapped yet to a unit (`batch`; a merge load remaps the whole table, since it
 * rewrites rows in place) and returns every load of the table with its unit.
 */
async function loadUnits(
  wh: Warehouse,
  dataset: string,
  table: string,
  batch: string,
): Promise<{ load_id: string; unit: string }[]> {
  const unmapped = await wh.all<{ load_id: string; write_mode: string | null }>(
    `SELECT DISTINCT t._load_id AS load_id, l.write_mode FROM ${table} t
     LEFT JOIN ${LOADS_TABLE} l ON l.load_id = t._load_id
     WHERE t._load_id NOT IN (SELECT load_id FROM ${PUSH_UNITS_TABLE} WHERE dataset = $1)`,
    [dataset],
  );
  if (unmapped.some((u) => u.write_mode === 'merge')) {
    await wh.run(
      `INSERT INTO ${PUSH_UNITS_TABLE} SELECT DISTINCT $1, _load_id, $2 FROM ${table}
       ON CONFLICT (dataset, load_id) DO UPDATE SET unit = excluded.unit`,
      [dataset, batch],
    );
  } else if (unmapped.length > 0) {
    await wh.append(
      `${PUSH_UNITS_TABLE}`,
      unmapped.map((u) => [dataset, u.load_id, batch]),
    );
  }
  return wh.all<{ load_id: string; unit: string }>(
    `SELECT DISTINCT t._load_id AS load_id, u.unit FROM (SELECT DISTINCT _load_id FROM ${table}) t
     JOIN ${PUSH_UNITS_TABLE} u ON u.dataset = $1 AND u.load_id = t._load_id`,
    [dataset],
  );
}

/** The units received from this node's subtree, and the children's batches that delivered them. */
async function receivedUnits(
  wh: Warehouse,
  node: NodeContext,
  dataset: string,
  reported: readonly string[],
  p: PlannedUnits,
): Promise<void> {
  const theirs = receivedTable(dataset);
  const received = await columnsOf(wh, theirs.schema, theirs.table);
  if (received.size === 0) return;
  // Only rows of this node's configured subtree travel on: a row stored with any other origin (e.g. by an
  // earlier version that checked only the division prefix) stays here instead of poisoning the batch.
  const subtree = node.platform.children.flatMap((c) => [c.id, ...c.descendants]);
  const known = `_origin_node IN (${subtree.length ? subtree.map((o) => quoteLiteral(o)).join(', ') : 'NULL'})`;
  // One scan: every unit held, the batch that delivered it, and whether that batch completed.
  const units = await wh.all<{ rb: string; o: string; u: string; complete: boolean }>(
    `SELECT ${q(RECEIVED_BATCH_COLUMN)} AS rb, _origin_node AS o, _origin_batch AS u, ${q(RECEIVED_BATCH_COLUMN)} IN (
       SELECT batch FROM ${PUSH_CHUNKS_TABLE} WHERE dataset = $1 GROUP BY origin_node, batch HAVING count(*) = max(chunks)
     ) AS complete
     FROM ${theirs.sql} WHERE ${known} GROUP BY ALL`,
    [dataset],
  );
  for (const r of units) {
    addLive(p, r.o, r.u);
    if (r.complete) p.ready.add(`${r.o}/${r.u}`);
    if (!p.delivered.has(r.rb)) p.delivered.set(r.rb, { complete: r.complete, units: new Set() });
    p.delivered.get(r.rb)!.units.add(`${r.o}/${r.u}`);
  }
  p.parts.push(
    `SELECT ${travelling(received, reported)
      .map((c) => `r.${q(c)}`)
      .join(', ')}, r._origin_node, r._origin_batch
     FROM ${theirs.sql} r SEMI JOIN temp.push_new_units n ON n.origin = r._origin_node AND n.unit = r._origin_batch
     WHERE r.${known}`,
  );
}

/** The units (`origin/unit`) of the dataset's batches to `parent` in one of `statuses`. */
async function unitsOfBatches(
  wh: Warehouse,
  dataset: string,
  parent: string,
  statuses: string,
): Promise<Set<string>> {
  const rows = await wh.all<{ o: string; u: string }>(
    `SELECT s.origin_node AS o, s.unit AS u FROM ${PUSH_SENT_TABLE} s JOIN ${PUSH_BATCHES_TABLE} b USING (batch)
     WHERE s.dataset = $1 AND b.parent = $2 AND b.status IN ${statuses}`,
    [dataset, parent],
  );
  return new Set(rows.map((r) => `${r.o}/${r.u}`));
}

/** What a batch sends: its live set, the units new to the parent, and the units handled before. */
interface FreshUnits {
  readonly liveJson: Record<string, string[]>;
  readonly fresh: (readonly [string, string])[];
  readonly handled: ReadonlySet<string>;
}

/**
 * The units a new batch sends; undefined when there is nothing to send: a batch of the dataset is still
 * pending, or no unit is new and the live set is the one the parent has.
 */
async function freshUnits(
  wh: Warehouse,
  dataset: string,
  parent: string,
  p: PlannedUnits,
): Promise<FreshUnits | undefined> {
  // A batch of this dataset still pending (it failed in this push) goes first: plan nothing on top of it.
  const waiting = await wh.value<number>(
    `SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE dataset = $1 AND parent = $2 AND status = 'pending'`,
    [dataset, parent],
  );
  if ((waiting ?? 0) > 0) return undefined;
  // Units set aside (dead letters) or given up are not live at the parent: leaving them out of the live set
  // keeps a refused origin from refusing every later batch of the dataset.
  const setAside = await unitsOfBatches(wh, dataset, parent, `('dead', 'abandoned')`);
  for (const [o, us] of p.live) {
    for (const u of us) if (setAside.has(`${o}/${u}`)) us.delete(u);
    if (us.size === 0) p.live.delete(o);
  }
  const handled = await unitsOfBatches(wh, dataset, parent, HANDLED);
  const liveJson = Object.fromEntries(
    [...p.live].sort(([a], [b]) => a.localeCompare(b)).map(([o, us]) => [o, [...us].sort()]),
  );
  const fresh = [...p.live].flatMap(([o, us]) =>
    [...us].filter((u) => !handled.has(`${o}/${u}`) && p.ready.has(`${o}/${u}`)).map((u) => [o, u] as const),
  );
  const [lastLive] = await wh.all<{ live: string }>(
    `SELECT CAST(live AS VARCHAR) AS live FROM ${PUSH_BATCHES_TABLE} WHERE dataset = $1 AND parent = $2 AND status = 'done'
     ORDER BY finished_at DESC LIMIT 1`,
    [dataset, parent],
  );
  if (
    fresh.length === 0 &&
    (!lastLive ? p.live.size === 0 : canonical(JSON.parse(lastLive.live)) === canonical(liveJson))
  ) {
    return undefined;
  }
  return { liveJson, fresh, handled };
}

/**
 * Writes the batch's outbox and records it: the children's chunk files as they came when this batch forwards
 * exactly their units, else one COPY of the rows (the outbox freezes them: a resumed or retried batch sends
 * exactly them).
 */
async function writeBatch(
  wh: Warehouse,
  b: {
    node: NodeContext;
    parent: string;
    dataset: string;
    batch: string;
    reported: readonly string[];
    chunkBytes: number;
  },
  p: PlannedUnits,
  f: FreshUnits,
): Promise<BatchRecord> {
  const { node, dataset, batch } = b;
  await wh.run('CREATE OR REPLACE TEMP TABLE push_new_units (origin VARCHAR, unit VARCHAR)');
  if (f.fresh.length > 0) await wh.append('push_new_units', f.fresh, { catalog: 'temp' });
  const freshKeys = new Set(f.fresh.map(([o, u]) => `${o}/${u}`));
  const mine = p.localPart?.(freshKeys, p.parts.length === 0);
  const src = [...(mine ? [mine] : []), ...p.parts].join(' UNION ALL BY NAME ');
  const header = { v: 2, dataset, batch, live: f.liveJson, purpose: PUSH_PURPOSE };
  const relayed = await relayedChunks(wh, node, dataset, p.delivered, freshKeys, new Set(b.reported));
  const written = relayed
    ? await outboxFromFiles(wh, batch, relayed)
    : await writeOutbox(wh, batch, src, { self: node.id, dataset }, header, b.chunkBytes);
  pruneRelay(wh, dataset, p.delivered, new Set([...f.handled, ...freshKeys]));
  const record: BatchRecord = {
    batch,
    dataset,
    chunks: written.chunks,
    rows: written.rows,
    live: JSON.stringify(f.liveJson),
    columns: JSON.stringify(written.columns),
    outbox: written.dir,
  };
  await wh.run(
    `INSERT INTO ${PUSH_BATCHES_TABLE} VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8, now(), NULL)`,
    [batch, dataset, b.parent, record.chunks, record.rows, record.live, record.columns, record.outbox],
  );
  if (f.fresh.length > 0)
    await wh.append(
      `${PUSH_SENT_TABLE}`,
      f.fresh.map(([o, u]) => [dataset, o, u, batch]),
    );
  await wh.run('DROP TABLE IF EXISTS temp.push_new_units');
  return record;
}

/**
 * The chunk files of the children's batches this batch forwards, when it forwards exactly their units (no unit
 * of this node's own, no unit of theirs already handled) and every chunk file of each is kept in the relay
 * folder with columns this node reports; undefined otherwise (the rows are then written anew).
 */
async function relayedChunks(
  wh: Warehouse,
  node: NodeContext,
  dataset: string,
  delivered: ReadonlyMap<string, { complete: boolean; units: Set<string> }>,
  fresh: ReadonlySet<string>,
  reported: ReadonlySet<string>,
): Promise<{ file: string; hash: string }[] | undefined> {
  if (fresh.size === 0 || [...fresh].some((k) => k.startsWith(`${node.id}/`))) return undefined;
  const batches = [...delivered].filter(([, d]) => [...d.units].some((k) => fresh.has(k)));
  if (batches.some(([, d]) => !d.complete || [...d.units].some((k) => !fresh.has(k)))) return undefined;
  const chunks = new Map(
    (
      await wh.all<{ sender: string; batch: string; chunks: number }>(
        `SELECT origin_node AS sender, batch, max(chunks) AS chunks FROM ${PUSH_CHUNKS_TABLE} WHERE dataset = $1 GROUP BY ALL`,
        [dataset],
      )
    ).map((r) => [r.batch, r]),
  );
  const files: { file: string; hash: string }[] = [];
  for (const [rb] of batches.sort(([a], [b]) => a.localeCompare(b))) {
    const c = chunks.get(rb);
    if (!c) return undefined;
    const dir = relayFolder(relayDir(wh), dataset, c.sender, rb);
    const names = existsSync(dir)
      ? readdirSync(dir)
          .filter((n) => n.endsWith('.parquet'))
          .sort()
      : [];
    if (names.length !== Number(c.chunks)) return undefined;
    for (const [seq, name] of names.entries()) {
      const [n, hash] = name.replace('.parquet', '').split('-');
      if (Number(n) !== seq || !hash) return undefined;
      files.push({ file: join(dir, name), hash });
    }
  }
  const list = `[${files.map((f) => quoteLiteral(f.file)).join(', ')}]`;
  const columns = await wh.all<{ column_name: string }>(
    `DESCRIBE SELECT * FROM read_parquet(${list}, union_by_name = true)`,
  );
  const lineage = new Set<string>(TRAVELLING_LINEAGE);
  if (columns.some((c) => !reported.has(c.column_name) && !lineage.has(c.column_name))) return undefined;
  return files;
}

/** Deletes the relayed chunk files of completed children's batches whose units are all handled now. */
function pruneRelay(
  wh: Warehouse,
  dataset: string,
  delivered: ReadonlyMap<string, { complete: boolean; units: Set<string> }>,
  handled: ReadonlySet<string>,
): void {
  const root = join(relayDir(wh), dataset);
  if (!existsSync(root)) return;
  for (const sender of readdirSync(root)) {
    for (const rb of readdirSync(join(root, sender))) {
      const d = delivered.get(rb);
      // A batch whose rows are all gone (superseded) or all handled is not forwarded from here again.
      if (d && (!d.complete || [...d.units].some((k) => !handled.has(k)))) continue;
      rmSync(join(root, sender, rb), { recursive: true, force: true });
    }
  }
}

function canonical(live: Record<string, string[]>): string {
  return JSON.stringify(
    Object.keys(live)
      .sort()
      .map((k) => [k, [...(live[k] ?? [])].sort()]),
  );
}
