/**
 * Benchmark of the quality engine on a population table (default 10,000,000 rows) with 30 rules across all five
 * dimensions (16 derived from the catalog and key, 14 declared, incl. 2 joins and 1 gap search):
 * (a) gongshu: `runQuality` end to end (metadata, the one aggregate scan, joins, samples), best of 3;
 * (b) the floor: ONE DuckDB aggregate scan over the same columns with trivial predicates (`count_if(c IS NOT NULL)`
 *     per rule), best of 3;
 * (c) the row-by-row baseline: the same checks as one zod schema (`safeParse` per row, refinements per rule, JS
 *     Set/Map for uniqueness and the joins), timed on a SAMPLE of rows fetched from the table and EXTRAPOLATED
 *     linearly to the full row count (fetching is not timed). Writes `bench/results/quality.json`.
 *
 * Run: `npx tsx bench/quality.ts [--rows N] [--sample N]`.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  agreesWithKey,
  between,
  defineQuality,
  freshness,
  inSet,
  lag,
  length,
  matches,
  matchesSource,
  notNull,
  periods,
  rulesFor,
  runQuality,
  sameAs,
  sqlPredicate,
  unique,
} from '../quality/index.ts';
import { defineCatalogEntry, parseCitizenId } from '../schemas/index.ts';
import { openWarehouse } from '../warehouse/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg('--rows', 10_000_000);
const SAMPLE = Math.min(arg('--sample', 200_000), ROWS);
const RUNS = 3;
const AS_OF = '2026-11-29';

const catalog = defineCatalogEntry({
  dataset: 'people',
  code: '9/99/001/0002',
  name: '基准人口',
  provider: { name: '基准局', code: 'BENCH-01' },
  classification: { kind: 'foundation', item: '人口信息' },
  summary: 'benchmark population',
  format: 'database',
  fields: [
    { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
    { name: 'name', title: '姓名', type: 'string', sensitive: true, required: true },
    { name: 'sex', title: '性别', type: 'string', required: true },
    { name: 'ethnicity', title: '民族', type: 'string' },
    { name: 'birth_date', title: '出生日期', type: 'date', required: true },
    { name: 'household_no', title: '户号', type: 'string' },
    { name: 'division', title: '行政区划代码', type: 'string', required: true },
    { name: 'registered_on', title: '登记日期', type: 'date' },
    { name: 'marital_status', title: '婚姻状况', type: 'string' },
    { name: 'mobile', title: '联系电话', type: 'string', sensitive: true },
    { name: 'status', title: '户口状态', type: 'string' },
    { name: 'score', title: '评分', type: 'integer' },
  ],
  shareType: 'unconditional',
  openType: 'none',
  updateCycle: 'daily',
  publishedAt: '2024-01-01',
  securityGrade: 'general',
  personalInfo: 'sensitive',
});

const DECLARED = [
  freshness('registered_on', { maxAge: '3 years' }),
  freshness('registered_on', { workingDays: 250 }, { id: 'freshness:registered_on:wd' }),
  matches('mobile', /^1[3-9]\d{9}$/),
  length('household_no', { min: 9, max: 9 }),
  between('score', 0, 99),
  inSet('status', ['正常', '迁出']),
  notNull('mobile', { blankValues: ['无', '-'] }),
  sqlPredicate('born-before-as-of', "birth_date <= DATE '2026-11-29'", { column: 'birth_date' }),
  agreesWithKey('division', 'division', { level: 'province' }),
  unique(['household_no', 'name']),
  periods('registered_on', 'month'),
  lag('registered_on', { maxDays: 5000 }),
  sameAs('sex', { dataset: 'registry' }),
  matchesSource('name', { dataset: 'registry' }),
];

async function main() {
  const dbDir = join(here, 'results', 'quality-bench.tmp');
  mkdirSync(dbDir, { recursive: true });
  const dbFile = join(dbDir, `bench-${process.pid}.duckdb`);
  const wh = await openWarehouse({ path: dbFile });
  const t0 = performance.now();
  await wh.run(
    `CREATE TEMP TABLE divs AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code FROM gongshu.divisions WHERE level = 3 AND current`,
  );
  const nd = (await wh.value<number>('SELECT count(*) FROM temp.divs'))!;
  await wh.run(`CREATE TABLE people AS
    WITH b AS (
      SELECT i, d.code AS division,
        (DATE '1930-01-01' + CAST(hash(i * 7) % 32000 AS INTEGER)) AS birth_date,
        lpad(CAST(hash(i * 13) % 1000 AS VARCHAR), 3, '0') AS seq
      FROM range(${ROWS}) r(i) JOIN temp.divs d ON d.n = hash(i) % ${nd}
    ), c AS (SELECT *, division || strftime(birth_date, '%Y%m%d') || seq AS body FROM b)
    SELECT body || gs__cid_check(body) AS id_number,
      'N' || CAST(i % 50000 AS VARCHAR) AS name,
      CASE WHEN (CAST(substr(seq, 3, 1) AS INTEGER) % 2 = 1) = (hash(i * 17) % 1000 <> 0) THEN '男' ELSE '女' END AS sex,
      CASE WHEN hash(i * 19) % 1000 = 0 THEN '未知族' ELSE ['汉族', '维吾尔族', '哈萨克族', '回族'][CAST(1 + hash(i * 23) % 4 AS BIGINT)] END AS ethnicity,
      birth_date,
      lpad(CAST(i // 4 AS VARCHAR), 9, '0') AS household_no,
      division,
      DATE '${AS_OF}' - CAST(hash(i * 29) % 1200 AS INTEGER) AS registered_on,
      ['未婚', '已婚', '离婚', '丧偶'][CAST(1 + hash(i * 31) % 4 AS BIGINT)] AS marital_status,
      CASE WHEN hash(i * 37) % 500 = 0 THEN '无' ELSE '13' || lpad(CAST(hash(i * 41) % 1000000000 AS VARCHAR), 9, '0') END AS mobile,
      ['正常', '迁出'][CAST(1 + hash(i * 43) % 2 AS BIGINT)] AS status,
      CAST(hash(i * 47) % 101 AS BIGINT) AS score,
      'bench-load' AS _load_id,
      'bench.csv:' || CAST(i + 2 AS VARCHAR) AS _source,
      TIMESTAMPTZ '${AS_OF} 08:00:00+08' AS _ingested_at,
      NULL::VARCHAR AS _key_original
    FROM c ORDER BY i`);
  await wh.run(
    `CREATE TABLE registry AS SELECT id_number, name, CASE WHEN hash(id_number) % 200 = 0 THEN '女' ELSE sex END AS sex FROM people USING SAMPLE 10% (reservoir, 7)`,
  );
  await wh.run(
    `INSERT INTO gongshu.datasets (dataset, table_name, key_kind, key_column, source_key_column, catalog, updated_at) VALUES
      ('people', 'people', 'citizen-id', 'id_number', '公民身份号码', $1, now()),
      ('registry', 'registry', 'citizen-id', 'id_number', '公民身份号码', NULL, now())`,
    [JSON.stringify(catalog)],
  );
  await wh.run(
    `INSERT INTO gongshu.loads (load_id, run_id, dataset, table_name, connector, source, write_mode, status, started_at, finished_at, rows_read, rows_loaded, rows_quarantined)
     VALUES ('bench-load', NULL, 'people', 'people', 'memory', 'bench', 'replace', 'committed', now(), now(), ${ROWS}, ${ROWS}, 0)`,
  );
  await wh.run('CHECKPOINT');
  const generateSeconds = (performance.now() - t0) / 1000;

  const definitions = [defineQuality('people', { rules: DECLARED })];
  const info = {
    dataset: 'people',
    table: 'people',
    keyKind: 'citizen-id' as const,
    keyColumn: 'id_number',
    catalog: catalog as never,
  };
  const rules = rulesFor(info, definitions[0]);
  const dims = [...new Set(rules.map((r) => r.dimension))].sort();

  if (process.env.GONGSHU_BENCH_PROFILE) {
    // Prints the time of every query of one run (to see where the time goes).
    const times: [number, string][] = [];
    for (const m of ['json', 'all'] as const) {
      const orig = wh[m].bind(wh) as (sql: string, p?: readonly unknown[]) => Promise<unknown>;
      (wh as unknown as Record<string, unknown>)[m] = async (sql: string, p?: readonly unknown[]) => {
        const s = performance.now();
        const r = await orig(sql, p);
        times.push([
          performance.now() - s,
          process.env.GONGSHU_BENCH_PROFILE === 'keep' ? sql : sql.replace(/\s+/g, ' ').slice(0, 160),
        ]);
        return r;
      };
    }
    await runQuality(wh, { datasets: ['people'], definitions, asOf: AS_OF, history: false });
    for (const [t, q] of times) process.stderr.write(`${t.toFixed(0).padStart(7)} ms  ${q}\n`);
    if (process.env.GONGSHU_BENCH_PROFILE === 'keep') {
      wh.close();
      process.stderr.write(`kept ${dbFile}\n`);
      process.exit(0);
    }
  }

  // (a) gongshu
  let best = Number.POSITIVE_INFINITY;
  let last: Awaited<ReturnType<typeof runQuality>> | undefined;
  for (let k = 0; k < RUNS; k++) {
    const s = performance.now();
    last = await runQuality(wh, { datasets: ['people'], definitions, asOf: AS_OF, history: false });
    best = Math.min(best, (performance.now() - s) / 1000);
  }
  const d = last!.datasets[0]!;

  // (a′) the same rules one query per rule (what the fallback does, and how rule-per-query tools work)
  const perRule = performance.now();
  const fb = await runQuality(wh, {
    datasets: ['people'],
    definitions: [
      defineQuality('people', {
        rules: [...DECLARED, sqlPredicate('force-fallback', 'no_such_column IS NULL')],
      }),
    ],
    asOf: AS_OF,
    history: false,
  });
  const perRuleSeconds = (performance.now() - perRule) / 1000;

  // (b) the floor: one scan, trivial predicate per rule over the same columns
  const cols = rules.flatMap((r) => (r.column ? [r.column] : []));
  const floorSql = `SELECT count(*), ${cols.map((c) => `count_if("${c}" IS NOT NULL)`).join(', ')} FROM people`;
  let floor = Number.POSITIVE_INFINITY;
  for (let k = 0; k < RUNS; k++) {
    const s = performance.now();
    await wh.all(floorSql);
    floor = Math.min(floor, (performance.now() - s) / 1000);
  }

  // (b′) what one required rule costs DuckDB bare: key uniqueness, a DISTINCT count over the key (10M values)
  let distinctKey = Number.POSITIVE_INFINITY;
  let distinctPair = Number.POSITIVE_INFINITY;
  for (let k = 0; k < RUNS; k++) {
    let s = performance.now();
    await wh.all('SELECT count(DISTINCT id_number) FROM people');
    distinctKey = Math.min(distinctKey, (performance.now() - s) / 1000);
    s = performance.now();
    await wh.all('SELECT count(DISTINCT (household_no, name)) FROM people');
    distinctPair = Math.min(distinctPair, (performance.now() - s) / 1000);
  }

  // (c) row-by-row zod on a sample, extrapolated
  const sample = await wh.all<Record<string, unknown>>(
    `SELECT * EXCLUDE (birth_date, registered_on), strftime(birth_date, '%Y-%m-%d') AS birth_date,
       strftime(registered_on, '%Y-%m-%d') AS registered_on FROM people LIMIT ${SAMPLE}`,
  );
  const registry = new Map(
    (await wh.all<{ id_number: string; name: string; sex: string }>('SELECT * FROM registry')).map((r) => [
      r.id_number,
      r,
    ]),
  );
  const baselineSeconds = zodBaseline(sample, registry);
  const baselineFull = (baselineSeconds * ROWS) / sample.length;

  const result = {
    benchmark: 'quality engine: 30 rules across five dimensions',
    date: new Date().toISOString(),
    rows: ROWS,
    rules: rules.length,
    dimensions: dims,
    runs: RUNS,
    node: process.version,
    cpus: 2,
    generateSeconds: round(generateSeconds),
    gongshu: {
      seconds: round(best),
      queries: d.queries,
      rowsPerSecond: Math.round(ROWS / best),
      vsFloor: round(best / floor),
      note: 'runQuality end to end: 5 metadata reads, 1 aggregate scan (all row rules, samples via arg_min), 2 joins, 1 gap search, sample queries for failing non-row rules',
    },
    oneQueryPerRule: {
      seconds: round(perRuleSeconds),
      queries: fb.datasets[0]!.queries,
      gongshuSpeedup: round(perRuleSeconds / best),
      note: 'the same rules forced through the rule-by-rule fallback (one scan per rule), run once',
    },
    floor: {
      query: `count(*) + ${cols.length} × count_if(<col> IS NOT NULL), one scan`,
      seconds: round(floor),
    },
    bareKeyUniqueness: {
      query: 'SELECT count(DISTINCT id_number) FROM people',
      seconds: round(distinctKey),
      vsFloor: round(distinctKey / floor),
      note: 'DuckDB alone doing the work of ONE of the rules (key-unique, built in on every keyed dataset)',
    },
    barePairUniqueness: {
      query: 'SELECT count(DISTINCT (household_no, name)) FROM people',
      seconds: round(distinctPair),
      vsFloor: round(distinctPair / floor),
      note: "DuckDB alone doing the work of the declared unique(['household_no', 'name']) rule",
    },
    zodRowByRow: {
      sampleRows: sample.length,
      sampleSeconds: round(baselineSeconds),
      extrapolatedSeconds: round(baselineFull),
      extrapolated: sample.length < ROWS,
      note: 'one zod object schema with a refinement per rule, safeParse per row; Set/Map for uniqueness, months and the registry joins; rows fetched before timing',
      gongshuSpeedup: round(baselineFull / best),
    },
    targets: { withinFloorX: 3, fasterThanBaselineX: 50 },
    failedRules: d.rules.filter((r) => r.status === 'fail').map((r) => `${r.id}: ${r.failed}`),
  };
  const out = join(here, 'results', 'quality.json');
  writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
  wh.close();
  for (const f of [dbFile, `${dbFile}.wal`, `${dbFile}.lock`]) {
    try {
      (await import('node:fs')).rmSync(f, { force: true });
    } catch {}
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function zodBaseline(
  rows: readonly Record<string, unknown>[],
  registry: ReadonlyMap<string, { name: string; sex: string }>,
): number {
  const ETH = new Set(['汉族', '维吾尔族', '哈萨克族', '回族', '蒙古族', '柯尔克孜族']);
  const MAR = new Set(['未婚', '已婚', '离婚', '丧偶', '初婚', '再婚', '复婚', '未说明']);
  const SEX = new Set(['男', '女', '1', '2', '男性', '女性']);
  const seenKeys = new Set<string>();
  const seenPairs = new Set<string>();
  const months = new Set<string>();
  const cutoff3y = '2023-11-29';
  const text = z.string();
  const row = z
    .object({
      id_number: text,
      name: text.min(1),
      sex: text.refine((s) => SEX.has(s)),
      ethnicity: text.refine((s) => ETH.has(s)),
      birth_date: z.iso.date(),
      household_no: text.length(9),
      division: text.regex(/^\d{6}$/),
      registered_on: z.iso.date(),
      marital_status: text.refine((s) => MAR.has(s)),
      mobile: text.regex(/^1[3-9]\d{9}$/),
      status: z.enum(['正常', '迁出']),
      score: z.number().int().min(0).max(99),
    })
    .loose()
    .superRefine((r, ctx) => {
      const add = (m: string) => ctx.addIssue({ code: 'custom', message: m });
      const id = parseCitizenId(r.id_number);
      if (!id.valid) add('key-valid');
      if (seenKeys.has(r.id_number)) add('key-unique');
      seenKeys.add(r.id_number);
      if (id.birthDate !== r.birth_date) add('birth-date');
      if ((Number(r.id_number[16]) % 2 === 1 ? '男' : '女') !== r.sex) add('sex');
      if (r.division.slice(0, 2) !== r.id_number.slice(0, 2)) add('division');
      if (r.registered_on < cutoff3y) add('freshness');
      if (r.birth_date > '2026-11-29') add('born-before');
      const pair = `${r.household_no}\u0000${r.name}`;
      if (seenPairs.has(pair)) add('unique');
      seenPairs.add(pair);
      months.add(r.registered_on.slice(0, 7));
      const reg = registry.get(r.id_number);
      if (reg && reg.sex !== r.sex) add('same-as');
      if (reg && reg.name !== r.name) add('matches-source');
    });
  const s = performance.now();
  let failed = 0;
  for (const r of rows) if (!row.safeParse(r).success) failed++;
  if (failed < 0) throw new Error('unreachable');
  return (performance.now() - s) / 1000;
}

await main();
