import { copyFileSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { divisionPrefix, quoteIdent as q, quoteLiteral } from '../../schemas/index.ts';
import {
  PUSH_CHUNKS_TABLE,
  PUSH_MANIFESTS_TABLE,
  type Warehouse,
  WarehouseError,
} from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import {
  DATASET_NAME,
  type DatasetPolicy,
  isReportable,
  jurisdictionOf,
  receivedTable,
  unsharedColumns,
} from '../catalog-policy.ts';
import { PlatformRejection } from '../errors.ts';
import { type InspectedChunk, inspectChunk } from '../transport/parquet-chunk.ts';
import { storeSummaries } from './summaries.ts';

/** Column of received tables naming the transport batch that delivered a row (never sent upward). */
export const RECEIVED_BATCH_COLUMN = '_received_batch';

/** A batch or unit id. */
export const BATCH_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const HEAD = /^\d{1,18}:[0-9a-f]{64}$/;

/** Origin node → its origin batches that are live at the sender; applied when the batch completes. */
const LIVE = z.record(z.string().regex(/^\d{6}$/), z.array(z.string().regex(BATCH_ID)).max(100_000));

/**
 * The header of a chunk file, in its Parquet footer (so inside the signed, hashed body): the dataset and the
 * batch that wrote it. A node forwarding a child's chunk unchanged sends the child's file, whose header names
 * the child's batch; what the receiver applies (the live set) comes from the manifest of the batch it arrives in.
 */
export const pushHeaderSchema = z
  .object({
    v: z.literal(2),
    dataset: z.string().regex(DATASET_NAME),
    batch: z.string().regex(BATCH_ID),
    live: LIVE,
    purpose: z.string().min(1).max(500),
  })
  .strict();

/** A summary a node sends with its pushes: its kind, period and body (figures only: no personal data). */
export const nodeSummarySchema = z
  .object({
    kind: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
    period: z.string().regex(/^[0-9A-Za-z-]{1,20}$/),
    body: z.record(z.string(), z.unknown()),
  })
  .strict();

/** A summary sent with a push. */
export type NodeSummary = z.output<typeof nodeSummarySchema>;

/** The manifest of a batch, sent (signed) before its chunks: `POST /v1/push/manifest?dataset&batch&chunks`. */
export const pushManifestSchema = z
  .object({
    v: z.literal(2),
    live: LIVE,
    purpose: z.string().min(1).max(500),
    /** The batch's place in the sender's planning order: a batch planned later supersedes its live set. */
    planned: z.number().int().min(0),
    /**
     * Summaries of the sending node that travel with its pushes (the yearly evaluation, GOVERNANCE.md I); the
     * receiver keeps the latest of each kind and period. Not part of what makes a batch (a resent manifest may
     * carry a newer summary).
     */
    summaries: z.array(nodeSummarySchema).max(10).optional(),
  })
  .strict();

/** A batch manifest. */
export type PushManifest = z.output<typeof pushManifestSchema>;

/** How a malformed manifest, chunk header or push query is refused (400): code, name, path width, hint. */
const MALFORMED = {
  manifest: { code: 'malformed-manifest', name: 'batch manifest', pathWidth: 60, hint: '' },
  header: { code: 'malformed-header', name: 'chunk header', pathWidth: 60, hint: '' },
  query: {
    code: 'malformed-query',
    name: 'push query',
    pathWidth: 30,
    hint: '. Expected ?dataset=…&batch=…&seq=…&chunks=…[&head=seq:hash]',
  },
} as const;

/** Parses what another node sent with `schema`, refusing it with 400 naming at most five problems. */
function parsedOrRefused<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  what: keyof typeof MALFORMED,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const m = MALFORMED[what];
  const problems = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.').slice(0, m.pathWidth) || `(${what})`}: ${i.message.slice(0, 120)}`)
    .join('; ');
  throw new PlatformRejection(400, m.code, `${m.name}: ${problems}${m.hint}`);
}

/** Parses a manifest body, refusing a bad one with 400. */
export function parsePushManifest(raw: unknown): PushManifest {
  return parsedOrRefused(pushManifestSchema, raw, 'manifest');
}

/** A chunk header. */
export type PushHeader = z.output<typeof pushHeaderSchema>;

/** Parses a chunk header, refusing a bad one with 400. */
export function parsePushHeader(raw: unknown): PushHeader {
  return parsedOrRefused(pushHeaderSchema, raw, 'header');
}

/**
 * What the (signed) query of `POST /v1/push` says: the dataset, batch, chunk sequence and count, and the
 * sender's audit head (`seq:hash`), all checked before the body is read.
 */
export const pushQuerySchema = z
  .object({
    dataset: z.string().regex(DATASET_NAME),
    batch: z.string().regex(BATCH_ID),
    seq: z.coerce.number().int().min(0).max(1_000_000).optional(),
    chunks: z.coerce.number().int().min(1).max(1_000_000),
    head: z.string().regex(HEAD).optional(),
  })
  .strict()
  .refine((h) => h.seq === undefined || h.seq < h.chunks, { message: 'seq must be below chunks' });

/** The query of a push (`seq` absent for the manifest). */
export type PushQuery = z.output<typeof pushQuerySchema>;

/** Parses the query of a push, refusing a bad one with 400 (before the body is read). */
export function parsePushQuery(raw: unknown): PushQuery {
  return parsedOrRefused(pushQuerySchema, raw, 'query');
}

/**
 * Records a batch's manifest (idempotent: the same manifest again is accepted, a different one for the same
 * batch refused with 409), after checking that the dataset is reported here and that every live origin is the
 * sender or one of its configured descendants, so a batch that would be refused is refused before its chunks.
 */
export async function storeManifest(
  wh: Warehouse,
  options: {
    self: string;
    sender: string;
    origins: ReadonlySet<string>;
    policy: DatasetPolicy | undefined;
    request: PushQuery;
    manifest: PushManifest;
  },
): Promise<{ duplicate: boolean }> {
  const { request, manifest, sender } = options;
  refuseUnreported(options.policy, request.dataset, options.self);
  const outsideLive = Object.keys(manifest.live).filter((o) => !options.origins.has(o));
  if (outsideLive.length > 0) throw unknownOrigin(sender, options.origins, outsideLive, options.self);
  const live = JSON.stringify(manifest.live);
  return wh.transaction(async () => {
    const [known] = await wh.all<{ dataset: string; chunks: number; live: string; planned: number }>(
      `SELECT dataset, chunks, CAST(live AS VARCHAR) AS live, planned FROM ${PUSH_MANIFESTS_TABLE} WHERE origin_node = $1 AND batch = $2`,
      [sender, request.batch],
    );
    if (known) {
      if (
        known.dataset !== request.dataset ||
        Number(known.chunks) !== request.chunks ||
        Number(known.planned) !== manifest.planned ||
        JSON.stringify(JSON.parse(known.live)) !== live
      ) {
        throw new PlatformRejection(
          409,
          'manifest-mismatch',
          `batch ${request.batch}: node ${sender} announced it before with another dataset, chunk count or live set; a batch cannot change. Push a new batch`,
          { node: sender },
        );
      }
      await storeSummaries(wh, sender, request.batch, manifest.summaries);
      return { duplicate: true };
    }
    await storeSummaries(wh, sender, request.batch, manifest.summaries);
    await wh.run(`INSERT INTO ${PUSH_MANIFESTS_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, now())`, [
      sender,
      request.batch,
      request.dataset,
      request.chunks,
      live,
      manifest.purpose,
      manifest.planned,
    ]);
    return { duplicate: false };
  });
}

/** Refuses a dataset this node does not catalogue as reported upward. */
function refuseUnreported(
  policy: DatasetPolicy | undefined,
  dataset: string,
  self: string,
): asserts policy is DatasetPolicy & { catalog: NonNullable<DatasetPolicy['catalog']> } {
  if (isReportable(policy)) return;
  throw new PlatformRejection(
    403,
    'not-reportable',
    `dataset ${dataset}: not catalogued as reported upward on node ${self} (${policy?.catalog ? `report "${policy.catalog.report ?? 'shareable'}", share type "${policy.catalog.shareType}"` : 'no catalog entry'}); nothing was stored. Fix: catalogue it on node ${self} with report "all", or "shareable" and a share type other than "none"`,
    { dataset },
  );
}

/** The refusal of rows (or live units) whose origin is neither the sender nor one of its descendants. */
function unknownOrigin(
  sender: string,
  origins: ReadonlySet<string>,
  found: readonly (string | null)[],
  self: string,
): PlatformRejection {
  return new PlatformRejection(
    403,
    'unknown-origin',
    `node ${sender} sent rows whose _origin_node (${[...new Set(found)]
      .slice(0, 3)
      .map((o) => shown(o))
      .join(
        ', ',
      )}) is neither ${sender} nor one of its configured descendants (${[...origins].filter((o) => o !== sender).join(', ') || 'none'}); nothing was stored. Fix: on node ${self}, list the node under platform.children[${sender}].descendants, or stop it reporting those rows`,
    { node: sender },
  );
}

/** What storing a chunk did. */
export interface StoreResult {
  readonly duplicate: boolean;
  readonly rows: number;
  /** True when this chunk completed its batch (the live set was applied). */
  readonly complete: boolean;
  /** Rows removed because their origin batch is no longer live at the sender (a replaced load). */
  readonly superseded: number;
  /** Rows whose jurisdiction lies outside the sender's division (counted under the `flag` policy). */
  readonly outsideJurisdiction: number;
  /** The sender's audit head this node recorded, and the seq and hash of its own entry recording it. */
  readonly anchor: { readonly senderHead: string; readonly seq: number; readonly hash: string } | null;
}

/** Cuts text from another node for a message: at most `n` characters, JSON-quoted. */
const shown = (s: string | null, n = 16) =>
  s === null ? '(blank)' : JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);

/** What `storeChunk` is given: who sent the chunk, what this node allows, the request and the stored body. */
export interface StoreChunkOptions {
  readonly self: string;
  readonly sender: string;
  /** The origins the sender may report: itself and its configured descendants. */
  readonly origins: ReadonlySet<string>;
  readonly policy: DatasetPolicy | undefined;
  readonly request: PushQuery & { seq: number };
  readonly file: string;
  readonly contentHash: string;
  /**
   * Keep a copy of the stored chunk file under `<relay>/<dataset>/<sender>/<batch>/` (a hard link), so that
   * forwarding it upward unchanged needs no second write (a node with a parent).
   */
  readonly relay?: string | undefined;
}

/** A batch manifest as recorded. */
type RecordedManifest = {
  dataset: string;
  chunks: number;
  live: string;
  purpose: string;
  planned: number;
};

/** A dataset policy that reports upward. */
type ReportedPolicy = DatasetPolicy & { catalog: NonNullable<DatasetPolicy['catalog']> };

/**
 * Checks a chunk file against this node's catalog (reportable dataset, reported columns), the sender's
 * descendants (every `_origin_node` the sender itself or one of its configured descendants, every
 * `_origin_batch` an id) and the dataset's jurisdiction rule, all with DuckDB before anything is written; then
 * stores it in one transaction (an insert from the Parquet file that casts to the table's types) with its
 * (sender, batch, seq) record and the audit entry that records the sender's audit head. A chunk already
 * recorded is acknowledged as a duplicate without inserting.
 */
export async function storeChunk(wh: Warehouse, options: StoreChunkOptions): Promise<StoreResult> {
  const { sender, request } = options;
  const manifest = await announcedManifest(wh, sender, request);
  const chunk = await inspectChunk(wh, options.file, parsePushHeader);
  const checked = await checkChunk(wh, chunk, options);
  const result = await wh.transaction(() => recordChunk(wh, options, chunk, manifest, checked.outside));
  if (options.relay && !result.duplicate) {
    relayChunk(
      options.relay,
      chunk.header.dataset,
      sender,
      request.batch,
      request.seq,
      options.file,
      options.contentHash,
    );
  }
  return result;
}

/** The manifest the sender announced for this chunk's batch; 409 when there is none that matches. */
async function announcedManifest(
  wh: Warehouse,
  sender: string,
  request: StoreChunkOptions['request'],
): Promise<RecordedManifest> {
  const [manifest] = await wh.all<RecordedManifest>(
    `SELECT dataset, chunks, CAST(live AS VARCHAR) AS live, purpose, planned FROM ${PUSH_MANIFESTS_TABLE} WHERE origin_node = $1 AND batch = $2`,
    [sender, request.batch],
  );
  if (!manifest || manifest.dataset !== request.dataset || Number(manifest.chunks) !== request.chunks) {
    throw new PlatformRejection(
      409,
      'no-manifest',
      `chunk ${request.seq} of batch ${request.batch}: node ${sender} has not announced this batch (dataset ${request.dataset}, ${request.chunks} chunks) with POST /v1/push/manifest; nothing was stored. gongshu push sends the manifest first`,
      { node: sender },
    );
  }
  return manifest;
}

/**
 * Every check of a chunk before anything is written (see `storeChunk`); one scan of the file yields its
 * (origin node, origin batch) pairs and, under a jurisdiction rule that counts, the rows outside the sender's
 * division. Returns those rows' count.
 */
async function checkChunk(
  wh: Warehouse,
  chunk: InspectedChunk<PushHeader>,
  options: StoreChunkOptions,
): Promise<{ policy: ReportedPolicy; outside: number }> {
  const { request, sender } = options;
  const h = chunk.header;
  if (h.dataset !== request.dataset) {
    throw new PlatformRejection(
      400,
      'header-mismatch',
      `chunk ${request.seq} of batch ${request.batch}: its header names dataset ${h.dataset}, the request ${request.dataset}; nothing was stored`,
    );
  }
  const policy = options.policy;
  refuseUnreported(policy, h.dataset, options.self);
  const refused = unsharedColumns(
    policy.catalog,
    chunk.columns.map((c) => c.name),
  );
  if (refused.length > 0) {
    throw new PlatformRejection(
      403,
      'column-not-shared',
      `dataset ${h.dataset}: columns ${refused
        .slice(0, 10)
        .map((r) => `${shown(r.column, 40)} (${r.why})`)
        .join(
          ', ',
        )} may not be reported upward; nothing was stored. Fix: leave them out of the push (gongshu push sends only the catalog's reported items), or align the catalog entries of both nodes`,
      { dataset: h.dataset },
    );
  }
  const provenance = chunk.columns.filter((c) => c.name === '_origin_node' || c.name === '_origin_batch');
  if (provenance.length !== 2 || provenance.some((c) => c.type !== 'VARCHAR')) {
    throw new PlatformRejection(
      400,
      'missing-provenance',
      `dataset ${h.dataset}: a chunk needs _origin_node and _origin_batch columns of text`,
    );
  }
  const rule = jurisdictionOf(policy);
  const counted =
    rule && rule.outside !== 'accept' && chunk.columns.some((c) => c.name === rule.column) ? rule : undefined;
  const prefix = quoteLiteral(divisionPrefix(sender));
  const units = await wh.all<{ o: string | null; b: string | null; outside: number | bigint }>(
    `SELECT _origin_node AS o, _origin_batch AS b,
       ${counted ? `count(*) FILTER (WHERE ${counted.sql} IS NULL OR NOT starts_with(${counted.sql}, ${prefix}))` : '0'} AS outside
     FROM ${chunk.source} GROUP BY ALL LIMIT 1001`,
  );
  if (units.length > 1000) {
    throw new PlatformRejection(
      400,
      'too-many-units',
      `dataset ${h.dataset}: the chunk holds more than 1000 (origin node, origin batch) pairs; nothing was stored`,
    );
  }
  const badOrigins = units.filter((u) => u.o === null || !options.origins.has(u.o)).map((u) => u.o);
  if (badOrigins.length > 0) throw unknownOrigin(sender, options.origins, badOrigins, options.self);
  const badBatch = units.find((u) => u.b === null || !BATCH_ID.test(u.b));
  if (badBatch) {
    throw new PlatformRejection(
      400,
      'missing-provenance',
      `dataset ${h.dataset}: _origin_batch ${shown(badBatch.b ?? null)} is not a batch id ([A-Za-z0-9_.-], 1-128 characters); nothing was stored`,
    );
  }
  const n = units.reduce((sum, u) => sum + Number(u.outside), 0);
  return { policy, outside: outsideRows(chunk, policy, n, sender, options.self) };
}

/**
 * The transaction of `storeChunk`: the rows (unless the chunk is recorded already: a duplicate), the chunk's
 * record, the batch's live set when this chunk completes it, and the audit entry.
 */
async function recordChunk(
  wh: Warehouse,
  options: StoreChunkOptions,
  chunk: InspectedChunk<PushHeader>,
  manifest: RecordedManifest,
  outside: number,
): Promise<StoreResult> {
  const { sender, request } = options;
  const h = chunk.header;
  const dup = await wh.value<number>(
    `SELECT count(*) FROM ${PUSH_CHUNKS_TABLE} WHERE origin_node = $1 AND batch = $2 AND seq = $3`,
    [sender, request.batch, request.seq],
  );
  if ((dup ?? 0) > 0) {
    return {
      duplicate: true,
      rows: chunk.rows,
      complete: false,
      superseded: 0,
      outsideJurisdiction: 0,
      anchor: null,
    };
  }
  const table = receivedTable(h.dataset);
  const existing = await receivingColumns(wh, table, chunk);
  if (chunk.rows > 0) await insertRows(wh, table.sql, chunk, existing, request.batch);
  await wh.run(`INSERT INTO ${PUSH_CHUNKS_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, now())`, [
    sender,
    request.batch,
    request.seq,
    h.dataset,
    request.chunks,
    chunk.rows,
    options.contentHash,
  ]);
  const { complete, superseded } = await completeBatch(wh, options, table.sql, manifest);
  const entry = await appendAudit(wh, options.self, {
    action: 'push-received',
    peer: sender,
    dataset: h.dataset,
    columns: chunk.columns.map((c) => c.name),
    rows: chunk.rows,
    contentHash: options.contentHash,
    purpose: manifest.purpose,
    batch: request.batch,
    chunk: request.seq,
    details: {
      chunks: request.chunks,
      ...(request.head ? { senderHead: request.head } : {}),
      ...(outside > 0 ? { outsideJurisdiction: outside } : {}),
      ...(complete ? { batchComplete: true, superseded } : {}),
    },
  });
  return {
    duplicate: false,
    rows: chunk.rows,
    complete,
    superseded,
    outsideJurisdiction: outside,
    anchor: request.head ? { senderHead: request.head, seq: entry.seq, hash: entry.hash } : null,
  };
}

/**
 * The received table's columns and types, after creating it (with the chunk's columns and the delivering
 * batch) or adding the chunk's columns it lacks.
 */
async function receivingColumns(
  wh: Warehouse,
  table: { schema: string; table: string; sql: string },
  chunk: InspectedChunk<PushHeader>,
): Promise<Map<string, string>> {
  await wh.run(`CREATE SCHEMA IF NOT EXISTS ${q(table.schema)}`);
  const existing = new Map(
    (
      await wh.all<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2
         ORDER BY ordinal_position`,
        [table.schema, table.table],
      )
    ).map((r) => [r.column_name, r.data_type]),
  );
  if (existing.size === 0) {
    const cols = [
      ...chunk.columns.map((c) => `${q(c.name)} ${c.type}`),
      `${q(RECEIVED_BATCH_COLUMN)} VARCHAR`,
    ];
    await wh.run(`CREATE TABLE ${table.sql} (${cols.join(', ')})`);
    for (const c of chunk.columns) existing.set(c.name, c.type);
    existing.set(RECEIVED_BATCH_COLUMN, 'VARCHAR');
    return existing;
  }
  for (const c of chunk.columns) {
    if (!existing.has(c.name)) {
      await wh.run(`ALTER TABLE ${table.sql} ADD COLUMN ${q(c.name)} ${c.type}`);
      existing.set(c.name, c.type);
    }
  }
  return existing;
}

/**
 * Inserts a chunk's rows: DuckDB reads the Parquet file itself, casting each column to the table's type where
 * they differ; a value that does not convert names its column (not the value) and rolls everything back (400).
 */
async function insertRows(
  wh: Warehouse,
  table: string,
  chunk: InspectedChunk<PushHeader>,
  existing: ReadonlyMap<string, string>,
  batch: string,
): Promise<void> {
  const targets = [...chunk.columns.map((c) => q(c.name)), q(RECEIVED_BATCH_COLUMN)];
  const exprs = [
    ...chunk.columns.map((c) => convertedColumn(c.name, c.type, existing.get(c.name)!)),
    quoteLiteral(batch),
  ];
  try {
    await wh.run(
      `INSERT INTO ${table} (${targets.join(', ')}) SELECT ${exprs.join(', ')} FROM ${chunk.source}`,
    );
  } catch (error) {
    const message = String((error as Error).message);
    const column = /gongshu-bad-value column (.{1,200}?) to ([A-Z][A-Z0-9_ (),]*)/.exec(message);
    if (error instanceof WarehouseError && (column || /Conversion Error/.test(message))) {
      throw new PlatformRejection(
        400,
        'bad-value',
        `dataset ${chunk.header.dataset}: ${column ? `column ${column[1]}: a value does not convert to ${column[2]}` : "a value does not convert to its column's type"}; nothing was stored. Fix the value at the source (the value itself is not repeated here: it may be personal data)`,
      );
    }
    throw error;
  }
}

/**
 * Whether the chunk just recorded completes its batch; if so, applies the batch's live set (rows of units the
 * sender no longer holds are deleted), unless a batch the sender planned later completed first (a dead letter
 * retried late adds its rows but does not apply its older live set).
 */
async function completeBatch(
  wh: Warehouse,
  options: StoreChunkOptions,
  table: string,
  manifest: RecordedManifest,
): Promise<{ complete: boolean; superseded: number }> {
  const { sender, request } = options;
  const stored = await wh.value<number>(
    `SELECT count(*) FROM ${PUSH_CHUNKS_TABLE} WHERE origin_node = $1 AND batch = $2`,
    [sender, request.batch],
  );
  if (stored !== request.chunks) return { complete: false, superseded: 0 };
  const newer =
    (await wh.value<number>(
      `SELECT count(*) FROM ${PUSH_MANIFESTS_TABLE} m WHERE m.origin_node = $1 AND m.dataset = $2 AND m.planned > $3
         AND (SELECT count(*) FROM ${PUSH_CHUNKS_TABLE} c WHERE c.origin_node = m.origin_node AND c.batch = m.batch) = m.chunks`,
      [sender, request.dataset, Number(manifest.planned)],
    )) ?? 0;
  if (newer > 0) return { complete: true, superseded: 0 };
  const live = JSON.parse(manifest.live) as Record<string, string[]>;
  return { complete: true, superseded: await applyLive(wh, table, divisionPrefix(sender), live) };
}

/** The folder of relayed chunk files of one delivering batch: `<relay>/<dataset>/<sender>/<batch>/`. */
export function relayFolder(relay: string, dataset: string, sender: string, batch: string): string {
  return join(relay, dataset, sender, batch);
}

/** A relayed chunk file's name: its sequence and SM3 (`000003-<sm3>.parquet`). */
export function relayName(seq: number, hash: string): string {
  return `${String(seq).padStart(6, '0')}-${hash}.parquet`;
}

/** Keeps a hard link to a stored chunk file (a copy across file systems); a failure only costs the shortcut. */
function relayChunk(
  relay: string,
  dataset: string,
  sender: string,
  batch: string,
  seq: number,
  file: string,
  hash: string,
): void {
  try {
    const dir = relayFolder(relay, dataset, sender, batch);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, relayName(seq, hash));
    rmSync(target, { force: true });
    try {
      linkSync(file, target);
    } catch {
      copyFileSync(file, target);
    }
  } catch {
    // The rows are stored; without the relayed file the forward writes them again.
  }
}

/**
 * Rows of a chunk whose jurisdiction lies outside the sender's division (NULL counts as outside; `counted` by
 * `checkChunk`'s scan), under the dataset's rule: refused with 403 under `refuse`, counted under `flag`, not
 * looked at under `accept` or when the dataset declares no jurisdiction.
 */
function outsideRows(
  chunk: InspectedChunk<PushHeader>,
  policy: DatasetPolicy,
  counted: number,
  sender: string,
  self: string,
): number {
  const rule = jurisdictionOf(policy);
  if (!rule || rule.outside === 'accept') return 0;
  if (!chunk.columns.some((c) => c.name === rule.column)) {
    throw new PlatformRejection(
      400,
      'missing-jurisdiction',
      `dataset ${policy.dataset}: node ${self} scopes it by ${rule.declared}, which the chunk lacks; nothing was stored. Fix: report that column (its catalog item must be reported upward on both nodes)`,
    );
  }
  const prefix = divisionPrefix(sender);
  if (counted > 0 && rule.outside === 'refuse') {
    throw new PlatformRejection(
      403,
      'outside-jurisdiction',
      `dataset ${policy.dataset}: ${counted} rows lie outside node ${sender}'s division ${prefix} by ${rule.declared} (policy refuse); nothing was stored. Fix: report only rows under ${prefix}, or set the catalog's jurisdiction.outside to "flag"`,
      { node: sender, rows: counted },
    );
  }
  return counted;
}

/**
 * The SQL that converts a received column (of type `arrives`) to its table column's type: the column itself
 * when they agree; else a cast that fails naming the column and the type, never the value.
 */
function convertedColumn(name: string, arrives: string, type: string): string {
  const c = q(name);
  if (arrives === type) return c;
  const message = quoteLiteral(`gongshu-bad-value column ${JSON.stringify(name)} to ${type}`);
  return `CASE WHEN ${c} IS NULL THEN NULL ELSE coalesce(TRY_CAST(${c} AS ${type}), error(${message})) END`;
}

/** Deletes the sender's subtree rows whose (origin node, origin batch) the sender no longer holds. */
async function applyLive(
  wh: Warehouse,
  table: string,
  prefix: string,
  live: Record<string, string[]>,
): Promise<number> {
  const tmp = `push_live_${Math.random().toString(36).slice(2, 10)}`;
  await wh.run(`CREATE TEMP TABLE ${q(tmp)} (origin VARCHAR, unit VARCHAR)`);
  try {
    const pairs = Object.entries(live).flatMap(([o, units]) => units.map((u) => [o, u] as const));
    if (pairs.length > 0) await wh.append(tmp, pairs, { catalog: 'temp' });
    // The units held (one scan, grouped), then a delete only when some are no longer live.
    const held = await wh.all<{ o: string; u: string; n: number }>(
      `SELECT _origin_node AS o, _origin_batch AS u, count(*) AS n FROM ${table} t
       WHERE starts_with(_origin_node, $1) GROUP BY ALL`,
      [prefix],
    );
    const keep = new Set(pairs.map(([o, u]) => `${o}/${u}`));
    const gone = held.filter((h) => !keep.has(`${h.o}/${h.u}`));
    if (gone.length === 0) return 0;
    await wh.run(
      `DELETE FROM ${table} t WHERE starts_with(t._origin_node, $1)
       AND NOT EXISTS (SELECT 1 FROM temp.${q(tmp)} l WHERE l.origin = t._origin_node AND l.unit = t._origin_batch)`,
      [prefix],
    );
    return gone.reduce((n, h) => n + Number(h.n), 0);
  } finally {
    await wh.run(`DROP TABLE IF EXISTS temp.${q(tmp)}`);
  }
}
