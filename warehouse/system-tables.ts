/**
 * The gongshu system tables (`gongshu_*`), created or upgraded on open. Each statement is idempotent.
 * Columns are documented in README.md ("Warehouse system tables").
 */
import { maskIdentifiersSql } from '../schemas/index.ts';

/**
 * Bumped when an upgrade adds something a read-only open needs (2: the quarantine's `detail`, `row_hash` and the
 * `gongshu_quarantine_current` view). A read-only open of an older warehouse upgrades it first.
 */
export const SCHEMA_VERSION = 2;

/** DDL of the system tables, in creation order. */
export const SYSTEM_TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS gongshu_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS gongshu_runs (
    run_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,            -- 'pipeline' | 'ingest' | 'build' | 'push' | ...
    target VARCHAR NOT NULL,          -- pipeline or job name
    status VARCHAR NOT NULL,          -- 'running' | 'succeeded' | 'failed'
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    error VARCHAR,
    details JSON
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_loads (
    load_id VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    dataset VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    connector VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    write_mode VARCHAR NOT NULL,
    status VARCHAR NOT NULL,          -- 'committed' (a failed load leaves no row: it rolled back)
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    source_options JSON,
    notes JSON
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_quarantine (
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    source_location VARCHAR NOT NULL, -- file:line, sheet!row, table@cursor, url page N
    reason VARCHAR NOT NULL,          -- e.g. key:checksum, key:missing, field-count
    key_column VARCHAR,
    key_value VARCHAR,                -- the original key text as read
    row_json JSON NOT NULL,           -- the whole source row, column → text
    quarantined_at TIMESTAMPTZ NOT NULL,
    replayed_load_id VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_datasets (
    dataset VARCHAR PRIMARY KEY,
    table_name VARCHAR NOT NULL,
    key_kind VARCHAR,                 -- 'citizen-id' | 'uscc' | NULL (unkeyed)
    key_column VARCHAR,
    source_key_column VARCHAR,
    catalog JSON,
    updated_at TIMESTAMPTZ NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_cursors (
    dataset VARCHAR PRIMARY KEY,
    cursor_column VARCHAR NOT NULL,
    value VARCHAR,
    load_id VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_divisions (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    level TINYINT NOT NULL,
    parent VARCHAR,
    start_year SMALLINT,
    end_year SMALLINT,
    current BOOLEAN NOT NULL          -- in use now (see schemas/divisions.ts)
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_code_tables (
    code_table VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    PRIMARY KEY (code_table, code)
  )`,
  // Schema drift per load: what changed between the table and the source, and what the contract did.
  `CREATE TABLE IF NOT EXISTS gongshu_schema_changes (
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    change VARCHAR NOT NULL,          -- 'added' | 'removed' | 'retyped'
    column_name VARCHAR NOT NULL,
    old_type VARCHAR,
    new_type VARCHAR,
    action VARCHAR NOT NULL,          -- 'added-column' | 'null-filled' | 'cast' | 'replaced' | 'quarantined-rows' | 'discarded-values'
    recorded_at TIMESTAMPTZ NOT NULL
  )`,
  // Files a load consumed, by content hash: a re-sent file (same bytes, any name) is not loaded twice.
  `CREATE TABLE IF NOT EXISTS gongshu_files (
    dataset VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    load_id VARCHAR NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dataset, sha256)
  )`,
  // Columns added after the first release of a table (idempotent upgrades of existing warehouses).
  `ALTER TABLE gongshu_quarantine ADD COLUMN IF NOT EXISTS row_loaded BOOLEAN DEFAULT false`,
  `ALTER TABLE gongshu_loads ADD COLUMN IF NOT EXISTS rows_skipped BIGINT DEFAULT 0`,
  `ALTER TABLE gongshu_cursors ADD COLUMN IF NOT EXISTS value_type VARCHAR`,
  `ALTER TABLE gongshu_divisions ADD COLUMN IF NOT EXISTS current BOOLEAN DEFAULT true`,
  // Rows of earlier loads a merge load deleted (replaced); NULL for loads written before this was recorded.
  `ALTER TABLE gongshu_loads ADD COLUMN IF NOT EXISTS rows_replaced BIGINT`,
  // The columns a merge load matched on (JSON array of table columns); NULL for other loads and older ones.
  `ALTER TABLE gongshu_loads ADD COLUMN IF NOT EXISTS merge_key JSON`,
  // Keys of rows a merge load deleted that it did not write again (a merge by a mergeKey without the key
  // column: a corrected record may name another person). Incremental foundation builds recompute them.
  `CREATE TABLE IF NOT EXISTS gongshu_merge_replaced (
    load_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    key VARCHAR NOT NULL
  )`,
  // The quarantine's stable reason codes (`field-count`, `json`, `encoding`, `key:checksum`, …) with the parser's
  // message in `detail` (identity numbers masked), and the row hash of incremental datasets (a row quarantined
  // once is not quarantined again when a later load reads it again).
  `ALTER TABLE gongshu_quarantine ADD COLUMN IF NOT EXISTS detail VARCHAR`,
  `ALTER TABLE gongshu_quarantine ADD COLUMN IF NOT EXISTS row_hash VARCHAR`,
  // Earlier versions stored `code: message` (a malformed JSON line with the line's text) as the reason.
  `UPDATE gongshu_quarantine
     SET detail = ${maskIdentifiersSql(`regexp_replace(substr(reason, strpos(reason, ': ') + 2), '; the line reads ".*$', '')`)},
         reason = regexp_extract(reason, '^([a-z][a-z0-9-]*): ', 1)
   WHERE detail IS NULL AND regexp_matches(reason, '^[a-z][a-z0-9-]*: ')`,
  // The current quarantine: rows of the loads whose rows are still in the dataset (the last replace load and
  // every load after it; every load of an append or merge dataset), not replayed since. Rows of loads a later
  // replace superseded stay in gongshu_quarantine as history; they are never replayed or counted.
  `CREATE OR REPLACE VIEW gongshu_quarantine_current AS
   WITH ordered AS (
     SELECT dataset, load_id, write_mode,
            row_number() OVER (PARTITION BY dataset ORDER BY started_at, finished_at, load_id) AS n
     FROM gongshu_loads WHERE status = 'committed'
   ), live AS (
     SELECT o.dataset, o.load_id FROM ordered AS o
     WHERE o.n >= coalesce((SELECT max(r.n) FROM ordered AS r WHERE r.dataset = o.dataset AND r.write_mode = 'replace'), 0)
   )
   SELECT q.* FROM gongshu_quarantine AS q
   WHERE q.replayed_load_id IS NULL AND EXISTS (SELECT 1 FROM live WHERE live.dataset = q.dataset AND live.load_id = q.load_id)`,
  `CREATE TABLE IF NOT EXISTS gongshu_quality_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    as_of DATE NOT NULL,              -- reference date of the timeliness rules
    status VARCHAR NOT NULL,          -- 'pass' | 'fail'
    datasets INTEGER NOT NULL,
    rules INTEGER NOT NULL,
    score DOUBLE,                     -- the node roll-up
    queries INTEGER NOT NULL,
    report_file VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_metrics (
    run_id VARCHAR NOT NULL,
    measured_at TIMESTAMPTZ NOT NULL,
    as_of DATE NOT NULL,
    dataset VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,          -- 'rows' | 'score' | 'dimension' | 'rule'
    name VARCHAR NOT NULL,            -- '' (rows, score), the dimension, or the rule id
    dimension VARCHAR,
    total BIGINT,
    failed BIGINT,
    value DOUBLE                      -- rows, score (0-100) or pass rate (0-1); NULL when not computed
  )`,
  // Platform hierarchy (platform/, jobs/push.ts, jobs/backflow.ts). Receiving side: one row per stored
  // chunk, keyed by the sending node, its batch and the chunk sequence, written in the transaction of the rows.
  `CREATE TABLE IF NOT EXISTS gongshu_push_chunks (
    origin_node VARCHAR NOT NULL,     -- the node that sent the chunk (a direct child)
    batch VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    dataset VARCHAR NOT NULL,
    chunks INTEGER NOT NULL,          -- chunks in the batch
    rows BIGINT NOT NULL,
    content_hash VARCHAR NOT NULL,    -- SM3 of the Arrow IPC body
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (origin_node, batch, seq)
  )`,
  // Sending side: a planned push batch (its rows copied into an outbox table), its chunks' acknowledgements,
  // the units (origin node, origin batch) it carries, and which local load belongs to which unit.
  `CREATE TABLE IF NOT EXISTS gongshu_push_batches (
    batch VARCHAR PRIMARY KEY,
    dataset VARCHAR NOT NULL,
    parent VARCHAR NOT NULL,
    status VARCHAR NOT NULL,          -- 'pending' | 'done' | 'abandoned'
    chunks INTEGER NOT NULL,
    rows BIGINT NOT NULL,
    live JSON NOT NULL,               -- origin node → live origin batches, applied by the parent on completion
    columns JSON NOT NULL,
    outbox VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_push_acks (
    batch VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    rows BIGINT NOT NULL,
    content_hash VARCHAR NOT NULL,
    duplicate BOOLEAN NOT NULL,       -- the parent had stored this chunk already
    acked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (batch, seq)
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_push_units (
    dataset VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,            -- the origin batch id the load's rows travel under
    PRIMARY KEY (dataset, load_id)
  )`,
  `CREATE TABLE IF NOT EXISTS gongshu_push_sent (
    dataset VARCHAR NOT NULL,
    origin_node VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    batch VARCHAR NOT NULL,
    PRIMARY KEY (dataset, origin_node, unit, batch)
  )`,
  // Request nonces seen in the last minutes (replay protection across restarts).
  `CREATE TABLE IF NOT EXISTS gongshu_nonces (
    node VARCHAR NOT NULL,
    nonce VARCHAR NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (node, nonce)
  )`,
  // Append-only, hash-chained audit of every transfer: hash = SM3(prev_hash || canonical JSON of the entry).
  `CREATE TABLE IF NOT EXISTS gongshu_audit (
    seq BIGINT PRIMARY KEY,
    recorded_at VARCHAR NOT NULL,     -- ISO-8601 UTC, as hashed
    node VARCHAR NOT NULL,            -- this node
    action VARCHAR NOT NULL,          -- 'push-sent' | 'push-received' | 'backflow-served' | 'backflow-received' | 'rejected'
    peer VARCHAR,
    dataset VARCHAR,
    columns VARCHAR,                  -- JSON array, as hashed
    rows BIGINT,
    content_hash VARCHAR,
    purpose VARCHAR,
    batch VARCHAR,
    chunk INTEGER,
    details VARCHAR,                  -- JSON object, as hashed
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL
  )`,
];
