import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Imported from the files rather than connectors/index.ts, so these tests run while sibling connectors are
// being built; the registry test below goes through the public door.
import { SourceError } from '../../connectors/errors.ts';
import { postgres } from '../../connectors/postgres/postgres.ts';
import type { Connector, ExtractContext, ExtractedBatch } from '../../connectors/types.ts';
import { DefinitionError } from '../../schemas/errors.ts';
import { freePort, type RunningService, startPostgres } from '../helpers/services.ts';

const ROWS = 25_000;
const TABLE = 'public.户籍人口';

let server: RunningService;
let admin: pg.Client;

beforeAll(async () => {
  server = await startPostgres();
  process.stderr.write(`postgres started in ${server.startupMs} ms\n`);
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE gongshu SET timezone = 'Asia/Shanghai'`);
  await admin.query(`
    CREATE TABLE ${TABLE} (
      序号 bigint PRIMARY KEY,
      姓名 text,
      公民身份号码 char(18),
      性别 smallint,
      年龄 integer,
      存款 numeric(20, 4),
      体温 double precision,
      出生日期 date,
      登记时间 timestamptz,
      采集时间 timestamp,
      在册 boolean,
      档案 jsonb,
      照片 bytea,
      编号 uuid,
      备注 varchar(50)
    )`);
  // Row 1: exact values to check; row 2: every value NULL; the rest: generated server-side.
  await admin.query(`
    INSERT INTO ${TABLE} VALUES
      (1, '艾合买提·买买提', '65010219900307001X', 1, 34, 9999999999999999.9999, 36.6, '1990-03-07',
       '2024-01-02 03:04:05.123+08', '2024-01-02 03:04:05', true, '{"民族": "维吾尔族", "户号": 12}',
       '\\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '新疆·乌鲁木齐'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  await admin.query(`
    INSERT INTO ${TABLE}
    SELECT g, '张' || g, '650102' || to_char(date '1980-01-01' + (g % 7000), 'YYYYMMDD') || lpad((g % 1000)::text, 3, '0') || 'X',
           (g % 2) + 1, g % 100, round(g * 1.2345, 4), g / 8.0, date '1980-01-01' + (g % 7000),
           timestamptz '2024-01-01 00:00:00+08' + g * interval '1 second', timestamp '2024-01-01 00:00:00' + g * interval '1 minute',
           g % 3 = 0, json_build_object('g', g)::jsonb, NULL, NULL, '备注' || g
    FROM generate_series(3, ${ROWS}) g`);
});

afterAll(async () => {
  await admin?.end();
  await server?.stop();
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

describe('postgres() streaming', () => {
  it('streams a 25,000-row table in FETCH-sized batches, located by ordinal', async () => {
    const batches = await collect(postgres({ connection: server.url, table: TABLE }));
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
      '编号',
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
      'string',
    ]);
    expect(first.locations[0]).toBe(`${TABLE}#1`);
    expect(batches[2]!.locations.at(-1)).toBe(`${TABLE}#25000`);
    expect(new Set(batches.flatMap((b) => b.rows.map((r) => r[0]))).size).toBe(ROWS);
    // Every batch shares one frozen column list.
    expect(batches[2]!.columns).toBe(first.columns);
  });

  it('keeps every type exact and canonical, and NULL as null', async () => {
    const [batch] = await collect(
      postgres({ connection: server.url, query: `SELECT * FROM ${TABLE} WHERE 序号 <= 2 ORDER BY 序号` }),
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
        '{"户号": 12, "民族": "维吾尔族"}',
        '\\x00ff10',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
        '新疆·乌鲁木齐',
      ],
      ['2', ...new Array(14).fill(null)],
    ]);
  });

  it('canonicalises timestamptz offsets, false, and negative and fractional values', async () => {
    const [batch] = await collect(
      postgres({
        connection: server.url,
        query: `SELECT timestamptz '2024-06-01 12:00:00+05:30' AT TIME ZONE 'UTC' AS 无时区,
                       (timestamptz '2024-06-01 12:00:00Z')::text AS 文本, timestamptz '2024-06-01 12:00:00Z' AS 上海,
                       false AS 假, -0.0001::numeric(20,4) AS 负数, 12345678901234567890::numeric AS 大数`,
      }),
    );
    expect(batch!.rows[0]).toEqual([
      '2024-06-01T06:30:00',
      '2024-06-01 20:00:00+08',
      '2024-06-01T20:00:00+08:00',
      'false',
      '-0.0001',
      '12345678901234567890',
    ]);
    expect(batch!.columnTypes).toEqual(['timestamp', 'string', 'timestamp', 'boolean', 'decimal', 'decimal']);
  });

  it('reads a query, located as query#ordinal, or by its cursor column', async () => {
    const query = `SELECT 序号, 姓名, 公民身份号码 FROM ${TABLE} WHERE 序号 BETWEEN 10 AND 12`;
    const [plain] = await collect(postgres({ connection: server.url, query }));
    expect(plain!.locations).toEqual(['query#1', 'query#2', 'query#3']);
    const [byCursor] = await collect(postgres({ connection: server.url, query, cursorColumn: '序号' }));
    expect(byCursor!.locations).toEqual(['query@序号=10', 'query@序号=11', 'query@序号=12']);
    expect(byCursor!.rows.map((r) => r[1])).toEqual(['张10', '张11', '张12']);
  });

  it('orders by a declared cursor column and locates rows as table@column=value', async () => {
    const batches = await collect(
      postgres({ connection: server.url, table: TABLE, cursorColumn: '登记时间', batchSize: 20_000 }),
    );
    expect(batches.map((b) => b.rows.length)).toEqual([20_000, 5_000]);
    const locations = batches.flatMap((b) => b.locations);
    expect(locations[0]).toBe(`${TABLE}@登记时间=2024-01-01T00:00:03+08:00`);
    expect(locations.at(-1)).toBe(`${TABLE}@登记时间=null`);
  });

  it('extracts incrementally: only rows after the cursor, ordered by it', async () => {
    const source = postgres({ connection: server.url, table: TABLE });
    const newer = await collect(source, { incremental: { column: '序号', after: '24990' } });
    expect(newer).toHaveLength(1);
    expect(newer[0]!.rows.map((r) => r[0])).toEqual([
      '24991',
      '24992',
      '24993',
      '24994',
      '24995',
      '24996',
      '24997',
      '24998',
      '24999',
      '25000',
    ]);
    expect(newer[0]!.locations[0]).toBe(`${TABLE}@序号=24991`);

    // A timestamp cursor in canonical spelling, from another zone: compared as an instant.
    const byTime = await collect(source, {
      incremental: { column: '登记时间', after: '2023-12-31T16:06:40Z' },
    });
    expect(byTime.flatMap((b) => b.rows).map((r) => r[0])).toHaveLength(24_601);
    expect(byTime[0]!.locations[0]).toBe(`${TABLE}@登记时间=2024-01-01T00:06:41+08:00`);

    // after null = from the start, still ordered.
    const all = await collect(source, { incremental: { column: '年龄', after: null } });
    const ages = all.flatMap((b) =>
      b.rows.map((r) => (r[4] === null ? Number.POSITIVE_INFINITY : Number(r[4]))),
    );
    expect(ages).toHaveLength(ROWS);
    expect(ages.every((age, i) => i === 0 || ages[i - 1]! <= age)).toBe(true);
  });

  it('stops reading when the consumer stops, and honours an abort signal', async () => {
    const source = postgres({ connection: server.url, table: TABLE, batchSize: 1000 });
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
    // No backend is left behind by either.
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'gongshu'`,
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('postgres() errors', () => {
  it('bad credentials: not retryable, no password in the message', async () => {
    const url = server.url.replace(server.password, 'wrong-password');
    const error = await extractError(postgres({ connection: url, table: TABLE }));
    expect(error.retryable).toBe(false);
    expect(normalise(error.message)).toMatchInlineSnapshot(
      `"127.0.0.1:PORT/gongshu table public.户籍人口: login refused (password authentication failed for user "gongshu"). Fix: check the user and password in postgres({ connection }) and that pg_hba.conf admits gongshu from this host"`,
    );
    expect(error.message).not.toContain('wrong-password');
  });

  it('unknown table: not retryable, with the fix', async () => {
    const error = await extractError(postgres({ connection: server.url, table: 'public.不存在的表' }));
    expect(error.retryable).toBe(false);
    expect(normalise(error.message)).toMatchInlineSnapshot(
      `"127.0.0.1:PORT/gongshu table public.不存在的表: relation "public.不存在的表" does not exist. Fix: write postgres({ table: 'schema.table' }) exactly as \\dt lists it (names are case-sensitive and quoted as written)"`,
    );
    expect(error.details).toMatchObject({ source: `127.0.0.1:${server.port}/gongshu`, code: '42P01' });
  });

  it('unknown cursor column and a bad query: not retryable', async () => {
    const missing = await extractError(postgres({ connection: server.url, table: TABLE }), {
      incremental: { column: '更新时间', after: null },
    });
    expect(missing.retryable).toBe(false);
    expect(normalise(missing.message)).toContain('column s.更新时间 does not exist');
    const bad = await extractError(postgres({ connection: server.url, query: 'SELEC 1' }));
    expect(normalise(bad.message)).toMatch(
      /^127\.0\.0\.1:PORT\/gongshu query: syntax error at or near "SELEC"\. Fix: /,
    );
  });

  it('a server that is not there: retryable', async () => {
    const port = await freePort();
    const error = await extractError(
      postgres({ connection: `postgres://u:secret@127.0.0.1:${port}/db`, table: TABLE }),
    );
    expect(error.retryable).toBe(true);
    expect(error.message.replaceAll(String(port), 'PORT')).toMatchInlineSnapshot(
      `"127.0.0.1:PORT/db table public.户籍人口: cannot reach the server (connect ECONNREFUSED 127.0.0.1:PORT). Fix: check that PostgreSQL is running and reachable at that host and port (firewall, listen_addresses), then re-run"`,
    );
  });

  it('a backend terminated after the first batch: retryable, naming the last location read', async () => {
    const source = postgres({ connection: server.url, table: TABLE });
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const batch of source.extract()) {
        seen.push(batch.rows.length);
        if (seen.length === 1) {
          await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gongshu' AND pid <> pg_backend_pid()`,
          );
        }
      }
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual([10_000]);
    expect(caught).toBeInstanceOf(SourceError);
    const error = caught as SourceError;
    expect(error.retryable).toBe(true);
    expect(error.details.location).toBe(`${TABLE}#10000`);
    expect(normalise(error.message)).toMatchInlineSnapshot(
      `"127.0.0.1:PORT/gongshu table public.户籍人口: connection lost mid-stream after public.户籍人口#10000 (terminating connection due to administrator command). Fix: check the server, then re-run the load: nothing was committed, and an incremental load resumes after its stored cursor"`,
    );
  });

  it('a server shut down mid-stream: retryable, naming the last location read', async () => {
    const doomed = await startPostgres();
    try {
      const client = new pg.Client({ connectionString: doomed.url });
      await client.connect();
      await client.query(
        `CREATE TABLE 临时 AS SELECT g AS 序号, '李' || g AS 姓名 FROM generate_series(1, 30000) g`,
      );
      await client.end();
      const seen: number[] = [];
      let caught: unknown;
      try {
        for await (const batch of postgres({
          connection: doomed.url,
          table: '临时',
          cursorColumn: '序号',
        }).extract()) {
          seen.push(batch.rows.length);
          if (seen.length === 1) await doomed.stop();
        }
      } catch (error) {
        caught = error;
      }
      expect(seen).toEqual([10_000]);
      expect(caught).toBeInstanceOf(SourceError);
      expect((caught as SourceError).retryable).toBe(true);
      expect((caught as SourceError).message).toContain('connection lost mid-stream after 临时@序号=10000');
    } finally {
      await doomed.stop();
    }
  });
});

describe('postgres() definition, check and describe', () => {
  it('redacts the password in describe(), for a URL and for an object', () => {
    const fromUrl = postgres({ connection: server.url, table: TABLE }).describe();
    expect(JSON.stringify(fromUrl)).not.toContain(server.password);
    expect(normalise(JSON.stringify(fromUrl))).toMatchInlineSnapshot(
      `"{"kind":"postgres","source":"127.0.0.1:PORT/gongshu/public.户籍人口","options":{"connection":"postgres://gongshu:***@127.0.0.1:PORT/gongshu","table":"public.户籍人口","batchSize":10000}}"`,
    );
    const fromObject = postgres({
      connection: { host: '10.1.2.3', user: 'reader', password: 'p@ss:word/1', database: '户籍' },
      query: 'SELECT 1',
      statementTimeoutMs: 60_000,
    }).describe();
    expect(fromObject).toEqual({
      kind: 'postgres',
      source: '10.1.2.3:5432/户籍/query',
      options: {
        connection: {
          host: '10.1.2.3',
          port: 5432,
          user: 'reader',
          password: '***',
          database: '户籍',
          ssl: false,
        },
        query: 'SELECT 1',
        batchSize: 10_000,
        statementTimeoutMs: 60_000,
      },
    });
  });

  it('check(): ok with the server version and column count; a failure names the fix', async () => {
    const ok = await postgres({ connection: server.url, table: TABLE, cursorColumn: '序号' }).check();
    expect(ok.ok).toBe(true);
    expect(normalise(ok.message)).toMatch(
      /^127\.0\.0\.1:PORT\/gongshu table public\.户籍人口: connected \(PostgreSQL \d+\.\d+\), readable, 15 columns$/,
    );
    const noCursor = await postgres({ connection: server.url, table: TABLE, cursorColumn: '更新' }).check();
    expect(noCursor.ok).toBe(false);
    expect(noCursor.message).toContain('the cursor column "更新" is not among its columns');
    const missing = await postgres({ connection: server.url, table: 'nope' }).check();
    expect(missing).toMatchObject({ ok: false });
    expect(missing.message).toContain('relation "nope" does not exist');
  });

  it('rejects bad options when defined, without echoing the connection', () => {
    expect(() => postgres({ connection: server.url, table: TABLE, query: 'SELECT 1' })).toThrow(
      DefinitionError,
    );
    expect(() => postgres({ connection: server.url })).toThrow(/exactly one of table or query/);
    expect(() => postgres({ connection: 'mysql://x', table: TABLE })).toThrow(
      /^postgres\(\): connection: expected a postgres:\/\/ or postgresql:\/\/ URL\. Fix/,
    );
    expect(() => postgres({ connection: server.url, table: 'a.b.c' })).toThrow(
      /table: expected 'schema.table'/,
    );
    expect(() => postgres({ connection: server.url, table: TABLE, batchSize: 0 })).toThrow(/batchSize/);
  });

  it('is registered as kind "postgres"', async () => {
    const { createConnector } = await import('../../connectors/index.ts');
    const source = createConnector('postgres', { connection: server.url, query: 'SELECT 1 AS 一' });
    expect(source.kind).toBe('postgres');
    const [batch] = await collect(source);
    expect(batch).toMatchObject({ columns: ['一'], rows: [['1']], locations: ['query#1'] });
  });
});
