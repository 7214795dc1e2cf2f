import mysql2 from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Imported from the files rather than connectors/index.ts, so these tests run while sibling connectors are
// being built; the registry test below goes through the public door.
import { SourceError } from '../../connectors/errors.ts';
import { mysql } from '../../connectors/mysql/mysql.ts';
import { mysqlCursorLiteral } from '../../connectors/mysql/type-mapping.ts';
import type { Connector, ExtractContext, ExtractedBatch } from '../../connectors/types.ts';
import { DefinitionError } from '../../schemas/errors.ts';
import {
  ensureMariaDb,
  freePort,
  type RunningService,
  reportMissing,
  startMariaDb,
} from '../helpers/services.ts';

const ROWS = 25_000;
const TABLE = '户籍人口';

// Found (or installed) while collecting, so a missing server skips the file loudly — or fails it under CI.
const available = ensureMariaDb();
if ('missing' in available) reportMissing('MariaDB', available);

let server: RunningService;
let admin: mysql2.Connection;

describe.skipIf('missing' in available)('mysql() against a real MariaDB', () => {
  beforeAll(async () => {
    const started = await startMariaDb();
    if ('missing' in started) throw new Error(started.missing);
    server = started;
    process.stderr.write(`mariadb started in ${server.startupMs} ms\n`);
    admin = await mysql2.createConnection({ uri: server.url, charset: 'UTF8MB4_UNICODE_CI' });
    await admin.query(`SET time_zone = '+08:00'`);
    await admin.query(`
      CREATE TABLE ${TABLE} (
        序号 BIGINT PRIMARY KEY,
        姓名 VARCHAR(50),
        公民身份号码 CHAR(18),
        性别 TINYINT,
        年龄 INT,
        存款 DECIMAL(20, 4),
        体温 DOUBLE,
        出生日期 DATE,
        登记时间 TIMESTAMP(3) NULL,
        采集时间 DATETIME,
        在册 BIT(1),
        档案 JSON,
        照片 VARBINARY(16),
        备注 TEXT
      ) DEFAULT CHARSET = utf8mb4`);
    await admin.query(`
      INSERT INTO ${TABLE} VALUES
        (1, '艾合买提·买买提', '65010219900307001X', 1, 34, 9999999999999999.9999, 36.6, '1990-03-07',
         '2024-01-02 03:04:05.123', '2024-01-02 03:04:05', b'1', '{"民族": "维吾尔族", "户号": 12}',
         x'00ff10', '新疆·乌鲁木齐 𠀀'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    await admin.query(`
      INSERT INTO ${TABLE}
      SELECT seq, CONCAT('张', seq),
             CONCAT('650102', DATE_FORMAT(DATE '1980-01-01' + INTERVAL (seq % 7000) DAY, '%Y%m%d'), LPAD(seq % 1000, 3, '0'), 'X'),
             (seq % 2) + 1, seq % 100, ROUND(seq * 1.2345, 4), seq / 8, DATE '1980-01-01' + INTERVAL (seq % 7000) DAY,
             TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq MINUTE,
             seq % 3 = 0, JSON_OBJECT('g', seq), NULL, CONCAT('备注', seq)
      FROM seq_3_to_${ROWS}`);
  });

  afterAll(async () => {
    await admin?.end();
    await server?.stop();
  });

  describe('streaming', () => {
    it('streams a 25,000-row table in batches, located by ordinal', async () => {
      const batches = await collect(mysql({ connection: server.url, table: TABLE }));
      expect(batches.map((b) => b.rows.length)).toEqual([10_000, 10_000, 5_000]);
      const first = batches[0]!;
      expect(first.columns).toEqual([
        '序号',
        '姓名',
        '公民身份号码',
        '性别',
        '年龄',
        '存款',
        '体温',
        '出生日期',
        '登记时间',
        '采集时间',
        '在册',
        '档案',
        '照片',
        '备注',
      ]);
      expect(first.columnTypes).toEqual([
        'integer',
        'string',
        'string',
        'integer',
        'integer',
        'decimal',
        'decimal',
        'date',
        'timestamp',
        'timestamp',
        'boolean',
        'string',
        'string',
        'string',
      ]);
      expect(first.locations[0]).toBe(`${TABLE}#1`);
      expect(batches[2]!.locations.at(-1)).toBe(`${TABLE}#25000`);
      expect(new Set(batches.flatMap((b) => b.rows.map((r) => r[0]))).size).toBe(ROWS);
      expect(batches[2]!.columns).toBe(first.columns);
    });

    it('keeps every type exact and canonical, and NULL as null', async () => {
      const [batch] = await collect(
        mysql({ connection: server.url, query: `SELECT * FROM ${TABLE} WHERE 序号 <= 2 ORDER BY 序号` }),
      );
      expect(batch!.rows).toEqual([
        [
          '1',
          '艾合买提·买买提',
          '65010219900307001X',
          '1',
          '34',
          '9999999999999999.9999',
          '36.6',
          '1990-03-07',
          '2024-01-02T03:04:05.123+08:00',
          '2024-01-02T03:04:05',
          'true',
          '{"民族": "维吾尔族", "户号": 12}',
          '\\x00ff10',
          '新疆·乌鲁木齐 𠀀',
        ],
        ['2', ...new Array(13).fill(null)],
      ]);
      const [more] = await collect(
        mysql({
          connection: server.url,
          query: `SELECT 在册 AS 假, CAST(-0.0001 AS DECIMAL(20,4)) AS 负数, 18446744073709551615 AS 大数,
                  CAST(9223372036854775807 AS SIGNED) AS 最大, TIME '12:34:56' AS 时刻, 1.5e300 AS 双精度
                  FROM ${TABLE} WHERE 序号 = 4`,
        }),
      );
      expect(more!.rows[0]).toEqual([
        'false',
        '-0.0001',
        '18446744073709551615',
        '9223372036854775807',
        '12:34:56',
        '1.5e+300',
      ]);
    });

    it('reads a query, located as query#ordinal, or by its cursor column', async () => {
      const query = `SELECT 序号, 姓名, 公民身份号码 FROM ${TABLE} WHERE 序号 BETWEEN 10 AND 12`;
      const [plain] = await collect(mysql({ connection: server.url, query }));
      expect(plain!.locations).toEqual(['query#1', 'query#2', 'query#3']);
      const [byCursor] = await collect(mysql({ connection: server.url, query, cursorColumn: '序号' }));
      expect(byCursor!.locations).toEqual(['query@序号=10', 'query@序号=11', 'query@序号=12']);
      expect(byCursor!.rows.map((r) => r[1])).toEqual(['张10', '张11', '张12']);
    });

    it('orders by a declared cursor column and locates rows as table@column=value', async () => {
      const batches = await collect(
        mysql({ connection: server.url, table: TABLE, cursorColumn: '登记时间', batchSize: 20_000 }),
      );
      expect(batches.map((b) => b.rows.length)).toEqual([20_000, 5_000]);
      const locations = batches.flatMap((b) => b.locations);
      // MySQL sorts NULL first.
      expect(locations[0]).toBe(`${TABLE}@登记时间=null`);
      expect(locations[1]).toBe(`${TABLE}@登记时间=2024-01-01T00:00:03.000+08:00`);
    });

    it('extracts incrementally: only rows after the cursor, ordered by it', async () => {
      const source = mysql({ connection: server.url, table: TABLE });
      const newer = await collect(source, { incremental: { column: '序号', after: '24990' } });
      expect(newer.flatMap((b) => b.rows.map((r) => r[0]))).toEqual(
        Array.from({ length: 10 }, (_, i) => String(24_991 + i)),
      );
      expect(newer[0]!.locations[0]).toBe(`${TABLE}@序号=24991`);

      // A canonical timestamp from another zone is converted to the session zone (+08:00) before comparing.
      const byTime = await collect(source, {
        incremental: { column: '登记时间', after: '2023-12-31T16:06:40Z' },
      });
      expect(byTime.flatMap((b) => b.rows)).toHaveLength(24_601);
      expect(byTime[0]!.locations[0]).toBe(`${TABLE}@登记时间=2024-01-01T00:06:41.000+08:00`);

      const all = await collect(source, { incremental: { column: '年龄', after: null } });
      const ages = all.flatMap((b) => b.rows.map((r) => (r[4] === null ? -1 : Number(r[4]))));
      expect(ages).toHaveLength(ROWS);
      expect(ages.every((age, i) => i === 0 || ages[i - 1]! <= age)).toBe(true);
    });

    it('converts canonical cursor values to MySQL literals', () => {
      expect(mysqlCursorLiteral('2024-06-01T08:00:00+08:00')).toBe('2024-06-01 08:00:00');
      expect(mysqlCursorLiteral('2024-06-01T00:00:00.250Z')).toBe('2024-06-01 08:00:00.250');
      expect(mysqlCursorLiteral('2024-06-01T08:00:00')).toBe('2024-06-01 08:00:00');
      expect(mysqlCursorLiteral('2024-06-01')).toBe('2024-06-01');
      expect(mysqlCursorLiteral('12345')).toBe('12345');
    });

    it('stops reading when the consumer stops, and honours an abort signal', async () => {
      const source = mysql({ connection: server.url, table: TABLE, batchSize: 1000 });
      for await (const batch of source.extract()) {
        expect(batch.rows).toHaveLength(1000);
        break;
      }
      const controller = new AbortController();
      let seen = 0;
      await expect(async () => {
        for await (const batch of source.extract({ signal: controller.signal })) {
          seen += batch.rows.length;
          controller.abort(new Error('stopped by test'));
        }
      }).rejects.toThrow('stopped by test');
      expect(seen).toBe(1000);
    });
  });

  describe('errors', () => {
    it('bad credentials: not retryable, no password in the message', async () => {
      const url = server.url.replace(server.password, 'wrong-password');
      const error = await extractError(mysql({ connection: url, table: TABLE }));
      expect(error.retryable).toBe(false);
      expect(normalise(error.message)).toMatchInlineSnapshot(
        `"127.0.0.1:PORT/gongshu table 户籍人口: login refused (Access denied for user 'gongshu'@'127.0.0.1' (using password: YES)). Fix: check the user and password in mysql({ connection }) and that gongshu may connect from this host (CREATE USER … @'host'; GRANT SELECT …)"`,
      );
      expect(error.message).not.toContain('wrong-password');
    });

    it('unknown table: not retryable, with the fix', async () => {
      const error = await extractError(mysql({ connection: server.url, table: '不存在的表' }));
      expect(error.retryable).toBe(false);
      expect(normalise(error.message)).toMatchInlineSnapshot(
        `"127.0.0.1:PORT/gongshu table 不存在的表: Table 'gongshu.不存在的表' doesn't exist. Fix: write mysql({ table }) as SHOW TABLES lists it, or 'database.table' for another database"`,
      );
      expect(error.details).toMatchObject({
        source: `127.0.0.1:${server.port}/gongshu`,
        code: 'ER_NO_SUCH_TABLE',
      });
    });

    it('unknown cursor column and a bad query: not retryable', async () => {
      const missing = await extractError(mysql({ connection: server.url, table: TABLE }), {
        incremental: { column: '更新时间', after: null },
      });
      expect(missing.retryable).toBe(false);
      expect(missing.message).toContain("Unknown column 's.更新时间'");
      const bad = await extractError(mysql({ connection: server.url, query: 'SELEC 1' }));
      expect(bad.retryable).toBe(false);
      expect(normalise(bad.message)).toMatch(
        /^127\.0\.0\.1:PORT\/gongshu query: You have an error in your SQL syntax/,
      );
    });

    it('a server that is not there: retryable', async () => {
      const port = await freePort();
      const error = await extractError(
        mysql({ connection: `mysql://u:secret@127.0.0.1:${port}/db`, table: TABLE }),
      );
      expect(error.retryable).toBe(true);
      expect(error.message.replaceAll(String(port), 'PORT')).toMatchInlineSnapshot(
        `"127.0.0.1:PORT/db table 户籍人口: cannot reach the server (connect ECONNREFUSED 127.0.0.1:PORT). Fix: check that the server is running and reachable at that host and port (firewall, bind-address), then re-run"`,
      );
    });

    it('a connection killed after the first batch: retryable, naming the last location read', async () => {
      // 1,000,000 rows, so the server is still sending (blocked on the paused socket) when it is killed;
      // a result small enough to sit whole in the socket buffers would finish before the KILL.
      const query = `SELECT t.*, s.seq AS 副本 FROM ${TABLE} t CROSS JOIN seq_1_to_40 s`;
      const source = mysql({ connection: server.url, query });
      const seen: number[] = [];
      let caught: unknown;
      try {
        for await (const batch of source.extract()) {
          seen.push(batch.rows.length);
          if (seen.length === 1) {
            const [rows] = await admin.query<mysql2.RowDataPacket[]>(
              `SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE '%seq_1_to_40%' AND ID <> CONNECTION_ID()`,
            );
            expect(rows).toHaveLength(1);
            await admin.query(`KILL ${Number(rows[0]!.ID)}`);
          }
        }
      } catch (error) {
        caught = error;
      }
      const read = seen.reduce((a, b) => a + b, 0);
      expect(seen[0]).toBe(10_000);
      // Rows the socket had already delivered before the kill still arrive, in whole batches.
      expect(read).toBeLessThan(ROWS * 40);
      expect(read % 10_000).toBe(0);
      expect(caught).toBeInstanceOf(SourceError);
      const error = caught as SourceError;
      expect(error.retryable).toBe(true);
      expect(error.details.location).toBe(`query#${read}`);
      expect(normalise(error.message).replace(/query#\d+/, 'query#N')).toMatchInlineSnapshot(
        `"127.0.0.1:PORT/gongshu query: connection lost mid-stream after query#N (Connection lost: The server closed the connection.). Fix: check the server, then re-run the load: nothing was committed, and an incremental load resumes after its stored cursor"`,
      );
    });
  });

  describe('definition, check and describe', () => {
    it('redacts the password in describe(), for a URL and for an object', () => {
      const fromUrl = mysql({ connection: server.url, table: TABLE }).describe();
      expect(JSON.stringify(fromUrl)).not.toContain(server.password);
      expect(normalise(JSON.stringify(fromUrl))).toMatchInlineSnapshot(
        `"{"kind":"mysql","source":"127.0.0.1:PORT/gongshu/户籍人口","options":{"connection":"mysql://gongshu:***@127.0.0.1:PORT/gongshu","table":"户籍人口","batchSize":10000}}"`,
      );
      const fromObject = mysql({
        connection: { host: '10.1.2.3', user: 'reader', password: 'p@ss:word/1', database: '社保' },
        query: 'SELECT 1',
      }).describe();
      expect(fromObject).toEqual({
        kind: 'mysql',
        source: '10.1.2.3:3306/社保/query',
        options: {
          connection: {
            host: '10.1.2.3',
            port: 3306,
            user: 'reader',
            password: '***',
            database: '社保',
            ssl: false,
          },
          query: 'SELECT 1',
          batchSize: 10_000,
        },
      });
    });

    it('check(): ok with the server version and column count; a failure names the fix', async () => {
      const ok = await mysql({ connection: server.url, table: TABLE, cursorColumn: '序号' }).check();
      expect(ok.ok).toBe(true);
      expect(normalise(ok.message)).toMatch(
        /^127\.0\.0\.1:PORT\/gongshu table 户籍人口: connected \(MySQL protocol, [\d.]+-MariaDB.*\), readable, 14 columns$/,
      );
      const noCursor = await mysql({ connection: server.url, table: TABLE, cursorColumn: '更新' }).check();
      expect(noCursor.ok).toBe(false);
      expect(noCursor.message).toContain('the cursor column "更新" is not among its columns');
      const missing = await mysql({ connection: server.url, table: 'nope' }).check();
      expect(missing).toMatchObject({ ok: false });
      expect(missing.message).toContain("Table 'gongshu.nope' doesn't exist");
    });

    it('rejects bad options when defined', () => {
      expect(() => mysql({ connection: server.url, table: TABLE, query: 'SELECT 1' })).toThrow(
        DefinitionError,
      );
      expect(() => mysql({ connection: server.url })).toThrow(/exactly one of table or query/);
      expect(() => mysql({ connection: 'postgres://x', table: TABLE })).toThrow(
        /^mysql\(\): connection: expected a mysql:\/\/ or mariadb:\/\/ URL\. Fix/,
      );
    });

    it('is registered as kind "mysql"', async () => {
      const { createConnector } = await import('../../connectors/index.ts');
      const source = createConnector('mysql', { connection: server.url, query: 'SELECT 1 AS 一' });
      expect(source.kind).toBe('mysql');
      const [batch] = await collect(source);
      expect(batch).toMatchObject({ columns: ['一'], rows: [['1']], locations: ['query#1'] });
    });
  });
});

/** Reads a whole extraction. */
async function collect(source: Connector, ctx?: ExtractContext): Promise<ExtractedBatch[]> {
  const batches: ExtractedBatch[] = [];
  for await (const batch of source.extract(ctx)) batches.push(batch);
  return batches;
}

/** The first error an extraction throws. */
async function extractError(source: Connector, ctx?: ExtractContext): Promise<SourceError> {
  try {
    await collect(source, ctx);
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('expected the extraction to fail');
}

/** A message with the random port and password replaced, for snapshots. */
function normalise(message: string): string {
  return message.replaceAll(`:${server.port}`, ':PORT').replaceAll(server.password, '<PASSWORD>');
}
