/** System tables: the GB/T 2260 division table and the national code tables the SQL macros and checks read. */
import { DIVISION_CODES_TABLE, type Sql, trustedSql } from '../../schemas/index.ts';
import { SYSTEM_SCHEMA } from './schema.ts';

/** `gongshu.divisions` (quoted SQL name). */
export const DIVISIONS_TABLE: Sql = trustedSql(DIVISION_CODES_TABLE);
/** `gongshu.code_tables` (quoted SQL name). */
export const CODE_TABLES_TABLE: Sql = trustedSql(`${SYSTEM_SCHEMA}.code_tables`);
/** DDL of these tables, idempotent, in order (later columns are added by ALTER … IF NOT EXISTS). */
export const REFERENCE_TABLES_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${DIVISIONS_TABLE} (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    level TINYINT NOT NULL,
    parent VARCHAR,
    start_year SMALLINT,
    end_year SMALLINT,
    current BOOLEAN NOT NULL          -- in use now (see schemas/divisions.ts)
  )`,
  `CREATE TABLE IF NOT EXISTS ${CODE_TABLES_TABLE} (
    code_table VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    name_zh VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    PRIMARY KEY (code_table, code)
  )`,
  `ALTER TABLE ${DIVISIONS_TABLE} ADD COLUMN IF NOT EXISTS current BOOLEAN DEFAULT true`,
];
