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
  // The bench refuses a table of the wrong size.
  const generated = (await wh.value<number>('SELECT count(*) FROM people')) ?? 0;
  if (Number(generated) !== ROWS)
    throw new Error(`people has ${generated} rows, expected ${ROWS}: refusing to measure`);
  const loadAverage = (await import('node:os')).loadavg().map((x) => round(x));

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

  // (a) gongshu, (a′) the same rules one query per rule (what the fallback does, and how rule-per-query tools
  // work), (a″) bareRules: the same rules by hand in DuckDB SQL. Interleaved in each round (the machine is shared:
  // alternating spreads its load over all three), median and best of RUNS.
  const perRuleDefinitions = [
    defineQuality('people', {
      rules: [...DECLARED, sqlPredicate('force-fallback', 'no_such_column IS NULL')],
    }),
  ];
  const times = { gongshu: [] as number[], perRule: [] as number[], bare: [] as number[] };
  let last: Awaited<ReturnType<typeof runQuality>> | undefined;
  let fb: Awaited<ReturnType<typeof runQuality>> | undefined;
  let bare: Map<string, Counts> | undefined;
  for (let k = 0; k < RUNS; k++) {
    let s = performance.now();
    last = await runQuality(wh, { datasets: ['people'], definitions, asOf: AS_OF, history: false });
    times.gongshu.push((performance.now() - s) / 1000);
    s = performance.now();
    bare = await bareRules(wh);
    times.bare.push((performance.now() - s) / 1000);
    s = performance.now();
    fb = await runQuality(wh, {
      datasets: ['people'],
      definitions: perRuleDefinitions,
      asOf: AS_OF,
      history: false,
    });
    times.perRule.push((performance.now() - s) / 1000);
  }
  const d = last!.datasets[0]!;
  // The hand-written rules must give gongshu's counts, rule by rule.
  const mismatches = d.rules.flatMap((r) => {
    const b = bare!.get(r.id);
    return b && b.total === r.total && b.failed === r.failed
      ? []
      : [`${r.id}: gongshu ${r.total}/${r.failed}, bare ${b ? `${b.total}/${b.failed}` : 'missing'}`];
  });
  if (mismatches.length || bare!.size !== d.rules.length) {
    throw new Error(`bareRules disagrees with gongshu:\n${mismatches.join('\n')}`);
  }
  const best = Math.min(...times.gongshu);

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
    benchmark: 'quality engine: 31 rules across five dimensions',
    date: new Date().toISOString(),
    rows: ROWS,
    rules: rules.length,
    dimensions: dims,
    runs: RUNS,
    node: process.version,
    cpus: 2,
    generateSeconds: round(generateSeconds),
    loadAverage: loadAverage,
    gongshu: {
      seconds: round(best),
      median: round(median(times.gongshu)),
      vsBareRules: round(median(times.gongshu) / median(times.bare)),
      target: 1.25,
      queries: d.queries,
      rowsPerSecond: Math.round(ROWS / best),
      vsFloor: round(best / floor),
      note: 'runQuality end to end: 5 metadata reads, 1 aggregate scan (all row rules, samples via arg_min), 2 joins, 1 gap search, sample queries for failing non-row rules',
    },
    oneQueryPerRule: {
      seconds: round(Math.min(...times.perRule)),
      median: round(median(times.perRule)),
      queries: fb!.datasets[0]!.queries,
      gongshuSpeedup: round(median(times.perRule) / median(times.gongshu)),
      note: 'the same rules forced through the rule-by-rule fallback (one scan per rule); speedup of the medians',
    },
    bareRules: {
      seconds: round(Math.min(...times.bare)),
      median: round(median(times.bare)),
      queries: 4,
      countsEqual: true,
      note: 'the same 31 rules by hand in DuckDB SQL: one scan with a count_if per row rule and the DISTINCT counts and month set fused in, one registry join for sameAs + matchesSource, the quarantine and load metadata; counts only (no failing-row samples); checked equal to gongshu rule by rule',
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
    targets: { gongshuWithinBareRulesX: 1.25, fusedScanNotSlowerThanOneQueryPerRule: true },
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

/** Counts of one rule: rows it applies to and rows that fail it. */
type Counts = { total: number; failed: number };

/**
 * `bareRules`: the same 31 rules written by hand as an expert would in DuckDB SQL, the fewest queries: ONE scan
 * computing every row rule with a plain `count_if`, the two DISTINCT counts (key-unique, unique) and the month
 * set (periods) fused into it; ONE join of the registry for both sameAs and matchesSource; the quarantine and
 * load metadata for the three metadata rules. Counts only (gongshu also collects up to 5 failing rowids per rule
 * and the sample rows). Returns the counts by rule id, to be checked equal to gongshu's.
 */
async function bareRules(
  wh: Awaited<ReturnType<typeof openWarehouse>>,
  fused = process.env.GONGSHU_BENCH_BARE_FUSED !== '0',
): Promise<Map<string, Counts>> {
  const tables = await wh.all<{ code_table: string; code: string; name_zh: string; name_en: string }>(
    'SELECT code_table, code, name_zh, name_en FROM gongshu.code_tables',
  );
  const set = (t: string, extra: string[] = []) => {
    const v = new Set(extra);
    for (const c of tables.filter((x) => x.code_table === t)) v.add(c.code).add(c.name_zh).add(c.name_en);
    return `(${[...v].map((x) => `'${x.replaceAll("'", "''")}'`).join(', ')})`;
  };
  const sexCode = `CASE WHEN upper(trim(sex)) IN ('1', '男', '男性', 'M', 'MALE') THEN '1' WHEN upper(trim(sex)) IN ('2', '女', '女性', 'F', 'FEMALE') THEN '2' END`;
  const has = (c: string) => `trim(${c}) <> ''`;
  const blank = (c: string) => `(${c} IS NULL OR trim(${c}) = '')`;
  const distinct = [
    `count(DISTINCT id_number) FILTER (WHERE ${has('id_number')}) AS key_distinct`,
    `count(DISTINCT (household_no, name)) FILTER (WHERE ${has('household_no')} AND ${has('name')}) AS pair_distinct`,
    "count(DISTINCT date_trunc('month', registered_on)) AS months",
  ];
  const [scan] = await wh.all<Record<string, number | string | null>>(`
    SELECT count(*) AS n,
      count_if(${blank('name')}) AS name_blank,
      count_if(${blank('sex')}) AS sex_blank,
      count_if(${has('sex')}) AS sex_has, count_if(${has('sex')} AND trim(sex) NOT IN ${set('sex', ['男', '女', 'M', 'F'])}) AS sex_bad,
      count_if(${sexCode} IS NOT NULL AND id_number IS NOT NULL) AS sexkey_n,
      count_if(${sexCode} <> CASE WHEN TRY_CAST(substr(id_number, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END AND id_number IS NOT NULL) AS sexkey_bad,
      count_if(${has('ethnicity')}) AS eth_has, count_if(${has('ethnicity')} AND trim(ethnicity) NOT IN ${set('ethnicity')}) AS eth_bad,
      count_if(birth_date IS NULL) AS birth_null, count(birth_date) AS birth_n,
      count_if(birth_date IS NOT NULL AND id_number IS NOT NULL) AS birthkey_n,
      count_if(CASE WHEN year(birth_date) * 10000 + month(birth_date) * 100 + day(birth_date) = TRY_CAST(substr(id_number, 7, 8) AS INTEGER) THEN false
        ELSE birth_date <> try_strptime(substr(id_number, 7, 8), '%Y%m%d')::DATE END) AS birthkey_bad,
      count_if(${blank('division')}) AS div_blank,
      count_if(${has('division')}) AS div_has,
      count_if(${has('division')} AND trim(division) NOT IN (SELECT code FROM gongshu.divisions)) AS div_bad,
      count(registered_on) AS reg_n,
      count_if(${has('marital_status')}) AS mar_has, count_if(${has('marital_status')} AND trim(marital_status) NOT IN ${set('marital')}) AS mar_bad,
      count(score) AS score_n,
      count_if(registered_on < DATE '${AS_OF}' - INTERVAL '3 years') AS fresh_bad,
      -- the 250th working day before ${AS_OF} by the calendar (quality/calendar.ts): 2025-11-25
      count_if(registered_on < DATE '2025-11-25') AS freshwd_bad,
      count_if(${has('mobile')}) AS mob_has, count_if(${has('mobile')} AND NOT regexp_full_match(mobile, '1[3-9]\\d{9}')) AS mob_bad,
      count_if(${has('household_no')}) AS hh_has, count_if(${has('household_no')} AND length(household_no) <> 9) AS hh_bad,
      count_if(score < 0 OR score > 99) AS score_bad,
      count_if(${has('status')}) AS st_has, count_if(${has('status')} AND trim(status) NOT IN ('正常', '迁出')) AS st_bad,
      count_if(${blank('mobile')} OR trim(mobile) IN ('无', '-')) AS mob_blank,
      count_if((birth_date <= DATE '${AS_OF}') IS NOT TRUE) AS born_bad,
      count_if(${has('division')} AND id_number IS NOT NULL) AS divkey_n,
      count_if(${has('division')} AND left(trim(division), 2) <> left(id_number, 2)) AS divkey_bad,
      count_if(date_diff('day', registered_on, timezone('Asia/Shanghai', _ingested_at)::DATE) > 5000) AS lag_bad,
      count_if(${has('id_number')}) AS key_has, count_if(${has('household_no')} AND ${has('name')}) AS pair_has,
      date_diff('month', date_trunc('month', min(registered_on)), date_trunc('month', max(registered_on))) + 1 AS months_span
      ${fused ? distinct.map((d) => `, ${d}`).join('') : ''}
    FROM people`);
  // GONGSHU_BENCH_BARE_FUSED=0: each DISTINCT count is its own aggregate query (not faster at 1M rows).
  const apart = fused
    ? {}
    : Object.fromEntries(
        await (async () => {
          const out: [string, unknown][] = [];
          for (const d of distinct)
            out.push(Object.entries((await wh.all(`SELECT ${d} FROM people`))[0]!)[0]!);
          return out;
        })(),
      );
  const [j] = await wh.all<Record<string, number>>(`
    SELECT count_if(nullif(trim(t.sex), '') IS NOT NULL AND nullif(trim(o.sex), '') IS NOT NULL) AS sex_n,
      count_if(nullif(trim(t.sex), '') IS NOT NULL AND nullif(trim(o.sex), '') IS NOT NULL AND trim(t.sex) <> trim(o.sex)) AS sex_bad,
      count_if(nullif(trim(t.name), '') IS NOT NULL AND nullif(trim(o.name), '') IS NOT NULL) AS name_n,
      count_if(nullif(trim(t.name), '') IS NOT NULL AND nullif(trim(o.name), '') IS NOT NULL AND trim(t.name) <> trim(o.name)) AS name_bad
    FROM people AS t JOIN (SELECT id_number, first(sex ORDER BY rowid) AS sex, first(name ORDER BY rowid) AS name
      FROM registry WHERE id_number IS NOT NULL GROUP BY id_number) AS o USING (id_number)`);
  const q = new Map(
    (
      await wh.all<{ reason: string; n: number }>(
        "SELECT reason, count(*) AS n FROM gongshu.quarantine_current WHERE dataset = 'people' GROUP BY reason",
      )
    ).map((r) => [r.reason, Number(r.n)]),
  );
  const [last] = await wh.all<{ age: number | null }>(
    `SELECT date_diff('day', max(timezone('Asia/Shanghai', finished_at))::DATE, DATE '${AS_OF}') AS age FROM gongshu.loads WHERE dataset = 'people' AND status = 'committed'`,
  );
  const m = { ...scan!, ...apart };
  const v = (k: string, r: Record<string, unknown> = m) => Number(r[k] ?? 0);
  const n = v('n');
  const examined = [...q].reduce((a, [r, c]) => a + (/^(key|type|contract|cursor):/.test(r) ? c : 0), 0);
  const missing = q.get('key:missing') ?? 0;
  const invalid = [...q].reduce((a, [r, c]) => a + (r.startsWith('key:') && r !== 'key:missing' ? c : 0), 0);
  const c = (total: number, failed: number): Counts => ({ total, failed });
  return new Map<string, Counts>([
    ['key-complete', c(n + examined, missing)],
    ['key-valid', c(n + examined - missing, invalid)],
    ['key-unique', c(v('key_has'), v('key_has') - v('key_distinct'))],
    ['not-null:name', c(n, v('name_blank'))],
    ['not-null:sex', c(n, v('sex_blank'))],
    ['code-table:sex', c(v('sex_has'), v('sex_bad'))],
    ['agrees-with-key:sex', c(v('sexkey_n'), v('sexkey_bad'))],
    ['code-table:ethnicity', c(v('eth_has'), v('eth_bad'))],
    ['not-null:birth_date', c(n, v('birth_null'))],
    ['parses:birth_date', c(v('birth_n'), 0)],
    ['agrees-with-key:birth_date', c(v('birthkey_n'), v('birthkey_bad'))],
    ['not-null:division', c(n, v('div_blank'))],
    ['code-table:division', c(v('div_has'), v('div_bad'))],
    ['parses:registered_on', c(v('reg_n'), 0)],
    ['code-table:marital_status', c(v('mar_has'), v('mar_bad'))],
    ['parses:score', c(v('score_n'), 0)],
    ['dataset-freshness', c(1, last?.age == null || Number(last.age) > 1 ? 1 : 0)],
    ['freshness:registered_on', c(v('reg_n'), v('fresh_bad'))],
    ['freshness:registered_on:wd', c(v('reg_n'), v('freshwd_bad'))],
    ['matches:mobile', c(v('mob_has'), v('mob_bad'))],
    ['length:household_no', c(v('hh_has'), v('hh_bad'))],
    ['between:score', c(v('score_n'), v('score_bad'))],
    ['in-set:status', c(v('st_has'), v('st_bad'))],
    ['not-null:mobile', c(n, v('mob_blank'))],
    ['sql:born-before-as-of', c(n, v('born_bad'))],
    ['agrees-with-key:division', c(v('divkey_n'), v('divkey_bad'))],
    ['unique:household_no+name', c(v('pair_has'), v('pair_has') - v('pair_distinct'))],
    ['periods:registered_on', c(v('months_span'), v('months_span') - v('months'))],
    ['lag:registered_on', c(v('reg_n'), v('lag_bad'))],
    ['same-as:sex', c(v('sex_n', j), v('sex_bad', j))],
    ['matches-source:name', c(v('name_n', j), v('name_bad', j))],
  ]);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
