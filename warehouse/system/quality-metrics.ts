/** System tables: quality runs and every run's metrics (rows, scores, pass rates) for trends and anomaly detection. */
import { type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.quality_runs` (quoted SQL name). */
export const QUALITY_RUNS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.quality_runs`);
/** `gongshu.metrics` (quoted SQL name). */
export const METRICS_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.metrics`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const QUALITY_METRICS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${QUALITY_RUNS_TABLE} (
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
  `CREATE TABLE IF NOT EXISTS ${METRICS_TABLE} (
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
];
