/**
 * Ingest throughput, end to end through the loader (key normalisation + validation, lineage, quarantine,
 * ledger, one transaction), against DuckDB alone on the same files: the floor (`CREATE TABLE AS SELECT * FROM
 * read_csv(...)`, typed) and the lower bounds `bare` (the columns kept as text, then also the key normalised and
 * validated, then also the rows numbered for their lineage; for GB18030 after TextDecoder decoded the file). Each
 * case runs in its own process, so its peak RSS is its own; the cases alternate in each round (the machine is
 * shared), and the figures are the median and best of the rounds. Then `wholeProcess`: `gongshu ingest` (the
 * installed command, bin/gongshu.js) against bench/pandas_ingest.py (Debian python3-pandas) as whole processes on
 * the same 1M-row files, checked to load and quarantine the same rows. Every input is checked for its row count.
 *
 *   npx tsx bench/ingest.ts [--rows 1000000,10000000] [--runs 3] [--peer-rows 1000000] [--peer-runs 3] [--xlsx-rows 100000]
 *   npx tsx bench/ingest.ts --generate --rows 1000000   # only (re)generate the files
 *   npx tsx bench/ingest.ts --whole-only [--peer-runs 3]  # only gongshu ingest vs the pandas script
 *   npx tsx bench/ingest.ts --memory                      # peak RSS of a 10M ingest and demo --people 1000000
 *
 * Writes bench/results/ingest.json. Targets (issue 21): UTF-8 and GB18030 CSV within 1.25× their bound, gongshu
 * ingest at most 0.8× the pandas script, peak RSS under 1 GiB at 10M rows.
 */
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csv, excel } from '../connectors/index.ts';
import { citizenId, definePipeline, LOAD_MEMORY_LIMIT, loadPipeline } from '../pipelines/index.ts';
import { citizenIdCheckChar } from '../schemas/index.ts';
import { openWarehouse } from '../warehouse/index.ts';
// @ts-expect-error: plain JavaScript, run by node itself in the whole-process comparison
import { decodeGb18030, splitStatements } from './bound.mjs';
import { close, publish, requireCount, requireRows, write } from './inputs.ts';

const DIR = '/tmp/gongshu-bench-ingest';
/**
 * DuckDB's memory limit in the gongshu cases: none given by default, so the loader applies its own during the
 * load (LOAD_MEMORY_LIMIT), as `gongshu ingest` does; the floor and the bounds run without one.
 */
const MEMORY_LIMIT = process.env.GONGSHU_BENCH_MEMORY_LIMIT;
const SELF = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};

const NAMES = ['艾合买提·买买提', '古丽米拉·吐尔逊', '张伟', '李娜', '努尔兰·哈森', '王芳', '阿依古丽·艾力'];
const NATIONS = ['维吾尔族', '汉族', '哈萨克族', '回族', '柯尔克孜族'];

/**
 * Row i: a valid citizen ID, except 1 in 50 with a broken check character and, 1 in 1000 each, a missing key,
 * a malformed one, an impossible birth date, an unknown division, a full-width key and a 15-digit key (the last
 * two are normalised and load); Chinese text, a date and a number.
 */
function row(i: number): string {
  const day = new Date(Date.UTC(1940, 0, 1) + (i % 29_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const seq = String(i % 1000).padStart(3, '0');
  const valid = (body: string) => body + citizenIdCheckChar(body);
  const body = `650102${day}${seq}`;
  const check = citizenIdCheckChar(body);
  const defect = i % 1000;
  const id =
    i % 50 === 0
      ? body + (check === '0' ? '1' : '0')
      : defect === 1
        ? ''
        : defect === 3
          ? `${body}A`
          : defect === 5
            ? valid(`650102${day.slice(0, 4)}1301${seq}`)
            : defect === 7
              ? valid(`999999${day}${seq}`)
              : defect === 9
                ? [...(body + check)].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')
                : defect === 11
                  ? `650102${day.slice(2)}${seq}`
                  : body + check;
  const note = i % 10 === 0 ? `"备注,含逗号 ""${i}"""` : '';
  return `${id},${NAMES[i % NAMES.length]},${NATIONS[i % NATIONS.length]},乌鲁木齐市天山区解放南路${i % 500}号,2024-${String((i % 12) + 1).padStart(2, '0')}-15,${((i * 37) % 100_000).toFixed(2)},${note}`;
}

const HEADER = '公民身份号码,姓名,民族,地址,登记日期,金额,备注';

/**
 * The UTF-8 and GB18030 files of `rows` rows, generated once and reused: written under `*.partial` names and
 * renamed when complete, and checked for their row count before every use.
 */
async function generate(rows: number): Promise<{ utf8: string; gb: string }> {
  mkdirSync(DIR, { recursive: true });
  const utf8 = `${DIR}/people-${rows}-utf8.csv`;
  const gb = `${DIR}/people-${rows}-gb18030.csv`;
  if (!(existsSync(utf8) && existsSync(gb))) {
    const a = createWriteStream(`${utf8}.partial`);
    const b = createWriteStream(`${gb}.partial`);
    await Promise.all([write(a, `${HEADER}\n`), write(b, iconv.encode(`${HEADER}\r\n`, 'gb18030'))]);
    for (let start = 0; start < rows; start += 10_000) {
      let text = '';
      for (let i = start; i < Math.min(rows, start + 10_000); i++) text += `${row(i)}\n`;
      await Promise.all([write(a, text), write(b, iconv.encode(text.replaceAll('\n', '\r\n'), 'gb18030'))]);
    }
    await Promise.all([close(a), close(b)]);
    publish(`${utf8}.partial`, utf8);
    publish(`${gb}.partial`, gb);
  }
  await Promise.all([requireRows(utf8, rows), requireRows(gb, rows)]);
  return { utf8, gb };
}

async function generateXlsx(rows: number): Promise<string> {
  const path = `${DIR}/people-${rows}.xlsx`;
  if (existsSync(path)) return path;
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = book.addWorksheet('户籍');
  sheet.addRow(['2026年户籍人口登记表']).commit();
  sheet.addRow(HEADER.split(',')).commit();
  for (let i = 0; i < rows; i++) {
    const [id, name, nation, addr, date, amount] = row(i).split(',');
    sheet.addRow([id, name, nation, addr, new Date(`${date}T00:00:00Z`), Number(amount), '']).commit();
  }
  await book.commit();
  return path;
}

/** One measured case, run in a child process: prints {seconds, rows, maxRssMiB}. */
async function runCase(kind: string, path: string): Promise<void> {
  const db = `${DIR}/case-${process.pid}.duckdb`;
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  // A bounded footprint (the issue's target is peak RSS < 1 GiB at 10M rows).
  const bare = kind === 'floor' || kind.startsWith('bare-');
  const wh = await openWarehouse({
    path: db,
    ...(bare || !MEMORY_LIMIT ? {} : { memoryLimit: MEMORY_LIMIT }),
  });
  const t0 = performance.now();
  let rows = 0;
  if (kind === 'floor') {
    await wh.run(`CREATE TABLE t AS SELECT * FROM read_csv('${path}')`);
    rows = (await wh.value<number>('SELECT count(*) FROM t')) ?? 0;
  } else if (kind.startsWith('bare-split') || kind.startsWith('bare-gb-split')) {
    // The least work of the feature by DuckDB alone, with both outputs (loaded rows and quarantine): bench/bound.mjs.
    const gb = kind.startsWith('bare-gb-split');
    const file = gb ? await decodeGb18030(path, `${DIR}/decoded-${process.pid}.csv`) : path;
    for (const statement of splitStatements(file, '公民身份号码', basename(path))) await wh.run(statement);
    rows =
      (await wh.value<number>('SELECT (SELECT count(*) FROM loaded) + (SELECT count(*) FROM quarantine)')) ??
      0;
    if (file !== path) rmSync(file, { force: true });
  } else if (kind.startsWith('bare-')) {
    // Lower bounds of gongshu's work done by DuckDB alone: the columns kept as text (as gongshu stores
    // uncatalogued columns); then also the key normalised and validated (the reason of the normalised key,
    // the cheapest form: gs__cid_reason on the normalised value, as the loader calls it); then also the lineage
    // of each row (`file:line`, by row_number, as DuckDB's CSV reader gives no line numbers); for GB18030, after
    // the file was decoded to UTF-8 with the fastest correct decoder (TextDecoder('gb18030')).
    let file = path;
    if (kind === 'bare-gb-text-key-lineage' || kind === 'bare-gb-rowid-lineage') {
      file = `${DIR}/decoded-${process.pid}.csv`;
      const decoder = new TextDecoder('gb18030');
      await pipeline(
        createReadStream(path, { highWaterMark: 1 << 20 }),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) yield decoder.decode(chunk, { stream: true });
          yield decoder.decode();
        },
        createWriteStream(file),
      );
    }
    const key = '"公民身份号码"';
    const normalized = `(SELECT * REPLACE (gs_citizen_id_normalize(${key}) AS ${key}) FROM read_csv('${file}', all_varchar = true))`;
    const select =
      kind === 'bare-text'
        ? `* FROM read_csv('${file}', all_varchar = true)`
        : kind === 'bare-text-key'
          ? `*, gs__cid_reason(${key}) AS _reason FROM ${normalized}`
          : `*, gs__cid_reason(${key}) AS _reason, 'people.csv:' || (row_number() OVER () + 1) AS _source FROM ${normalized}`;
    if (kind.endsWith('rowid-lineage')) {
      // The lines numbered by the rowids of a table DuckDB's reader fills in file order (parallel), the key
      // checked from that table; the table t in any order (gongshu keeps its rows in source order).
      await wh.run(`CREATE TEMP TABLE raw AS SELECT * FROM read_csv('${file}', all_varchar = true)`);
      await wh.run(
        `CREATE TABLE t AS SELECT *, gs__cid_reason(${key}) AS _reason, 'people.csv:' || (rowid + 2) AS _source FROM (SELECT rowid, * REPLACE (gs_citizen_id_normalize(${key}) AS ${key}) FROM temp.raw)`,
      );
    } else await wh.run(`CREATE TABLE t AS SELECT ${select}`);
    rows = (await wh.value<number>('SELECT count(*) FROM t')) ?? 0;
    if (file !== path) rmSync(file, { force: true });
  } else {
    const source = kind === 'xlsx' ? excel({ path }) : csv({ path });
    const p = definePipeline({
      name: 'people',
      source,
      dataset: { name: 'people', key: citizenId('公民身份号码') },
    });
    const r = await loadPipeline(wh, p);
    rows = r.rowsRead;
  }
  const seconds = (performance.now() - t0) / 1000;
  wh.close();
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  process.stdout.write(
    `${JSON.stringify({ seconds, rows, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
}

interface Measure {
  seconds: number;
  rows: number;
  maxRssMiB: number;
}

/** Runs one case in its own process and checks that it read every row of its input. */
function once(kind: string, path: string, rows: number): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--case', kind, path], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`case ${kind} failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measure;
  requireCount(`case ${kind} on ${path}`, Number(m.rows), rows);
  return m;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 3) => +x.toFixed(d);

/** Best and median of the runs of one case, with the peak RSS of the best. */
function summary(runs: readonly Measure[], path: string) {
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return {
    seconds: round(best.seconds),
    median: round(median(runs.map((r) => r.seconds))),
    runs: runs.map((r) => round(r.seconds)),
    rows: best.rows,
    maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)),
    rowsPerSecond: Math.round(best.rows / median(runs.map((r) => r.seconds))),
    mb: Math.round(statSync(path).size / 1e6),
  };
}

/** One whole process timed from spawn to exit, with its peak RSS (GNU time). */
function wholeProcess(
  command: string,
  args: readonly string[],
): { seconds: number; maxRssMiB: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  const kib = Number(r.stderr.trim().split('\n').at(-1));
  return { seconds, maxRssMiB: Math.round(kib / 1024), stdout: r.stdout };
}

/** What a gongshu warehouse holds after an ingest, in the form bench/pandas_ingest.py --digest prints. */
async function gongshuDigest(path: string) {
  const wh = await openWarehouse({ path, readOnly: true });
  const line = (c: string) => `CAST(split_part(${c}, ':', -1) AS BIGINT)`;
  const [d] = await wh.all<Record<string, string | number>>(
    `SELECT (SELECT count(*) FROM people) AS rowsLoaded, (SELECT count(*) FROM gongshu.quarantine) AS rowsQuarantined,
       (SELECT md5(string_agg(_source || '|' || "公民身份号码", chr(10) ORDER BY ${line('_source')})) FROM people) AS loaded,
       (SELECT md5(string_agg(source_location || '|' || reason || '|' || key_value, chr(10) ORDER BY ${line('source_location')})) FROM gongshu.quarantine) AS quarantine`,
  );
  const reasons = await wh.all<{ reason: string; n: number }>(
    'SELECT reason, count(*) AS n FROM gongshu.quarantine GROUP BY reason ORDER BY reason',
  );
  wh.close();
  return {
    rowsLoaded: Number(d!.rowsLoaded),
    rowsQuarantined: Number(d!.rowsQuarantined),
    quarantinedByReason: Object.fromEntries(reasons.map((r) => [r.reason, Number(r.n)])),
    loaded: String(d!.loaded),
    quarantine: String(d!.quarantine),
  };
}

const PYTHON = '/usr/bin/python3';
const PANDAS = fileURLToPath(new URL('./pandas_ingest.py', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/gongshu.js', import.meta.url));
const BOUND = fileURLToPath(new URL('./bound.mjs', import.meta.url));

/** The arguments of `node` running the installed command: `gongshu ingest FILE … --warehouse W --json`. */
function ingestArgs(file: string, warehouse: string): string[] {
  return [
    BIN,
    'ingest',
    file,
    '--dataset',
    'people',
    '--key',
    'citizen-id:公民身份号码',
    '--warehouse',
    warehouse,
    '--json',
  ];
}

/**
 * `gongshu ingest` (the installed command, bin/gongshu.js) against bench/pandas_ingest.py on the same files, as
 * whole processes, alternating, `runs` rounds; both must load and quarantine the same rows (checked on the
 * first round's outputs).
 */
async function comparePeer(files: { utf8: string; gb: string }, rows: number, runs: number) {
  const divisions = `${DIR}/divisions.txt`;
  {
    const wh = await openWarehouse({ path: ':memory:' });
    await wh.run(
      `COPY (SELECT code FROM gongshu.divisions WHERE regexp_full_match(code, '[0-9]{6}') ORDER BY code) TO '${divisions}' (HEADER false)`,
    );
    wh.close();
  }
  const out = {
    gongshu: { utf8: [] as Measure[], gb18030: [] as Measure[] },
    pandas: { utf8: [] as Measure[], gb18030: [] as Measure[] },
    bound: { utf8: [] as Measure[], gb18030: [] as Measure[] },
  };
  for (let round = 0; round < runs; round++) {
    for (const [enc, path] of [
      ['utf8', files.utf8],
      ['gb18030', files.gb],
    ] as const) {
      const warehouse = `${DIR}/whole-${enc}.duckdb`;
      for (const f of [warehouse, `${warehouse}.wal`]) rmSync(f, { force: true });
      const g = wholeProcess(process.execPath, ingestArgs(path, warehouse));
      const dir = `${DIR}/pandas-${enc}`;
      rmSync(dir, { recursive: true, force: true });
      const p = wholeProcess(PYTHON, [
        PANDAS,
        path,
        '--encoding',
        enc === 'utf8' ? 'utf-8' : 'gb18030',
        '--key',
        '公民身份号码',
        '--divisions',
        divisions,
        '--out',
        dir,
      ]);
      const boundDb = `${DIR}/bound-${enc}.duckdb`;
      for (const f of [boundDb, `${boundDb}.wal`]) rmSync(f, { force: true });
      const d = wholeProcess(process.execPath, [
        BOUND,
        path,
        boundDb,
        divisions,
        '公民身份号码',
        ...(enc === 'gb18030' ? ['--gb18030'] : []),
      ]);
      out.gongshu[enc].push({ seconds: g.seconds, maxRssMiB: g.maxRssMiB, rows });
      out.pandas[enc].push({ seconds: p.seconds, maxRssMiB: p.maxRssMiB, rows });
      out.bound[enc].push({ seconds: d.seconds, maxRssMiB: d.maxRssMiB, rows });
      if (round === 0) {
        const a = await gongshuDigest(warehouse);
        const r = spawnSync(PYTHON, [PANDAS, '--digest', dir, '--key', '公民身份号码'], { encoding: 'utf8' });
        const b = JSON.parse(r.stdout) as typeof a;
        const same =
          a.rowsLoaded === b.rowsLoaded &&
          a.rowsQuarantined === b.rowsQuarantined &&
          a.loaded === b.loaded &&
          a.quarantine === b.quarantine &&
          JSON.stringify(a.quarantinedByReason) ===
            JSON.stringify(Object.fromEntries(Object.entries(b.quarantinedByReason).sort()));
        const counted = JSON.parse(d.stdout.trim()) as { loaded: number; quarantined: number };
        if (counted.loaded !== a.rowsLoaded || counted.quarantined !== a.rowsQuarantined) {
          throw new Error(`the bound and gongshu differ on ${path}: ${JSON.stringify(counted)}`);
        }
        if (!same || a.rowsLoaded + a.rowsQuarantined !== rows) {
          throw new Error(
            `gongshu and pandas differ on ${path}:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`,
          );
        }
      }
      process.stderr.write(
        `  whole process ${enc}: gongshu ${g.seconds.toFixed(2)} s (${g.maxRssMiB} MiB), pandas ${p.seconds.toFixed(2)} s (${p.maxRssMiB} MiB), DuckDB alone ${d.seconds.toFixed(2)} s (${d.maxRssMiB} MiB)\n`,
      );
    }
  }
  const med = (xs: Measure[]) => round(median(xs.map((x) => x.seconds)));
  const rss = (xs: Measure[]) => Math.max(...xs.map((x) => x.maxRssMiB));
  return {
    rows,
    runs,
    gongshu: { utf8: med(out.gongshu.utf8), gb18030: med(out.gongshu.gb18030) },
    pandas: { utf8: med(out.pandas.utf8), gb18030: med(out.pandas.gb18030) },
    vsPandas: {
      utf8: round(med(out.gongshu.utf8) / med(out.pandas.utf8), 2),
      gb18030: round(med(out.gongshu.gb18030) / med(out.pandas.gb18030), 2),
      target: 0.8,
    },
    bound: { utf8: med(out.bound.utf8), gb18030: med(out.bound.gb18030) },
    vsBound: {
      utf8: round(med(out.gongshu.utf8) / med(out.bound.utf8), 2),
      gb18030: round(med(out.gongshu.gb18030) / med(out.bound.gb18030), 2),
    },
    boundVsPandas: {
      utf8: round(med(out.bound.utf8) / med(out.pandas.utf8), 2),
      gb18030: round(med(out.bound.gb18030) / med(out.pandas.gb18030), 2),
    },
    best: {
      gongshu: {
        utf8: round(Math.min(...out.gongshu.utf8.map((x) => x.seconds))),
        gb18030: round(Math.min(...out.gongshu.gb18030.map((x) => x.seconds))),
      },
      pandas: {
        utf8: round(Math.min(...out.pandas.utf8.map((x) => x.seconds))),
        gb18030: round(Math.min(...out.pandas.gb18030.map((x) => x.seconds))),
      },
    },
    maxRssMiB: {
      gongshu: { utf8: rss(out.gongshu.utf8), gb18030: rss(out.gongshu.gb18030) },
      pandas: { utf8: rss(out.pandas.utf8), gb18030: rss(out.pandas.gb18030) },
      bound: { utf8: rss(out.bound.utf8), gb18030: rss(out.bound.gb18030) },
    },
    sameRows: true,
    note: `median seconds of ${runs} alternating whole-process runs: \`node bin/gongshu.js ingest FILE --dataset people --key citizen-id:公民身份号码 --warehouse NEW --json\` (the installed command: compiled JavaScript in dist/) against \`${PYTHON} bench/pandas_ingest.py\` (Debian python3-pandas, one core; writes pickled DataFrames). Checked on the first round: same rows loaded (line, normalised key) and quarantined (line, reason, original key). bound: DuckDB alone doing the least work of the feature as a whole process (\`node bench/bound.mjs\`: Node, the DuckDB bindings and gongshu's key macros, a new database file, the rows read, keyed and numbered once, written as loaded rows and quarantine; GB18030 decoded first with TextDecoder), checked to load and quarantine as many rows as gongshu`,
  };
}

/**
 * `--memory`: the peak RSS (GNU time) of the two whole processes the issue bounds at 1 GiB: a 10M-row
 * `gongshu ingest` and `gongshu demo --people 1000000`, each once; merged into ingest.json under `memory`.
 */
async function memory(): Promise<void> {
  const rows = Number(arg('--memory-rows', '10000000'));
  const files = await generate(rows);
  const warehouse = `${DIR}/memory.duckdb`;
  for (const f of [warehouse, `${warehouse}.wal`]) rmSync(f, { force: true });
  const loadAverage = { start: loadavg().map((x) => round(x, 2)), end: [] as number[] };
  const ingest = wholeProcess(process.execPath, ingestArgs(files.utf8, warehouse));
  for (const f of [warehouse, `${warehouse}.wal`]) rmSync(f, { force: true });
  process.stderr.write(
    `ingest ${rows} rows: ${ingest.maxRssMiB} MiB peak RSS, ${ingest.seconds.toFixed(1)} s\n`,
  );
  const people = Number(arg('--demo-people', '1000000'));
  const demo = process.argv.includes('--no-demo')
    ? undefined
    : wholeProcess(process.execPath, [BIN, 'demo', '--people', String(people)]);
  if (demo) process.stderr.write(`demo --people ${people}: ${demo.maxRssMiB} MiB peak RSS\n`);
  loadAverage.end = loadavg().map((x) => round(x, 2));
  const file = new URL('./results/ingest.json', import.meta.url);
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  json.memory = {
    date: new Date().toISOString(),
    loadAverage,
    target: { maxRssMiB: 1024 },
    ingest: {
      rows,
      command:
        'node bin/gongshu.js ingest FILE --dataset people --key citizen-id:公民身份号码 --warehouse NEW --json',
      maxRssMiB: ingest.maxRssMiB,
      seconds: round(ingest.seconds, 1),
    },
    ...(demo
      ? {
          demo: {
            people,
            command: `node bin/gongshu.js demo --people ${people}`,
            maxRssMiB: demo.maxRssMiB,
            seconds: round(demo.seconds, 1),
          },
        }
      : {}),
    note: 'peak RSS of the whole process (GNU time %M), one run each, on a shared machine (times are not comparable to the medians above)',
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/**
 * `--whole-only`: only the whole-process comparison with the pandas script (the 1M-row files), merged into
 * ingest.json under `wholeProcess` with its own date and load average.
 */
async function wholeOnly(): Promise<void> {
  const rows = Number(arg('--peer-rows', '1000000'));
  const loadAverage = { start: loadavg().map((x) => round(x, 2)), end: [] as number[] };
  const whole = await comparePeer(await generate(rows), rows, Number(arg('--peer-runs', '3')));
  loadAverage.end = loadavg().map((x) => round(x, 2));
  const file = new URL('./results/ingest.json', import.meta.url);
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  json.wholeProcess = { date: new Date().toISOString(), loadAverage, ...whole };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

/**
 * `--bounded-only`: the split bounds run within the loader's memory limit (LOAD_MEMORY_LIMIT, as gongshu ingest
 * runs to stay under 1 GiB), merged into ingest.json as `csv[].bare.splitBounded` / `gbSplitBounded`, with
 * gongshu's ratio to them.
 */
async function boundedOnly(sizes: readonly number[]): Promise<void> {
  const file = new URL('./results/ingest.json', import.meta.url);
  // biome-ignore lint/suspicious/noExplicitAny: the bench's own JSON, read back to add to it
  const json = JSON.parse(readFileSync(file, 'utf8')) as { csv: Record<string, any>[] };
  for (const rows of sizes) {
    const entry = json.csv.find((c) => c.rows === rows);
    if (!entry) throw new Error(`ingest.json has no csv entry for ${rows} rows: run the whole bench first`);
    const files = await generate(rows);
    const runs = Number(arg('--runs', rows > 2_000_000 ? '1' : '3'));
    const utf8: Measure[] = [];
    const gb: Measure[] = [];
    for (let r = 0; r < runs; r++) {
      utf8.push(once('bare-split-bounded', files.utf8, rows));
      gb.push(once('bare-gb-split-bounded', files.gb, rows));
    }
    const a = summary(utf8, files.utf8);
    const b = summary(gb, files.gb);
    entry.bare.splitBounded = { ...a, loadAverage: loadavg().map((x) => round(x, 2)) };
    entry.bare.gbSplitBounded = { ...b, loadAverage: loadavg().map((x) => round(x, 2)) };
    entry.utf8Csv.vsSplitBoundedBound = round(entry.utf8Csv.median / a.median, 2);
    entry.gb18030Csv.vsSplitBoundedBound = round(entry.gb18030Csv.median / b.median, 2);
    process.stderr.write(
      `${rows} rows: split bound within ${LOAD_MEMORY_LIMIT} ${a.median.toFixed(2)} s (gongshu ${entry.utf8Csv.vsSplitBoundedBound}×), GB ${b.median.toFixed(2)} s (${entry.gb18030Csv.vsSplitBoundedBound}×)\n`,
    );
  }
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

const CASES = [
  'floor',
  'csv',
  'csv-gb',
  'bare-text',
  'bare-text-key',
  'bare-text-key-lineage',
  'bare-gb-text-key-lineage',
  'bare-rowid-lineage',
  'bare-gb-rowid-lineage',
  'bare-split',
  'bare-gb-split',
] as const;

/** The cases that read the GB18030 file. */
const GB_CASES: ReadonlySet<string> = new Set([
  'csv-gb',
  'bare-gb-text-key-lineage',
  'bare-gb-rowid-lineage',
  'bare-gb-split',
]);

async function main(): Promise<void> {
  if (process.argv.includes('--case')) {
    const kind = arg('--case', '');
    return runCase(kind === 'csv-gb' ? 'csv' : kind, process.argv.at(-1)!);
  }
  const sizes = arg('--rows', '1000000,10000000').split(',').map(Number);
  const xlsxRows = Number(arg('--xlsx-rows', '100000'));
  const peerRows = Number(arg('--peer-rows', '1000000'));
  if (process.argv.includes('--generate')) {
    for (const rows of sizes) await generate(rows);
    return;
  }
  if (process.argv.includes('--memory')) return memory();
  if (process.argv.includes('--whole-only')) return wholeOnly();
  if (process.argv.includes('--bounded-only')) return boundedOnly(sizes);
  const loadAverage = { start: loadavg().map((x) => round(x, 2)), end: [] as number[] };
  const results: Record<string, unknown>[] = [];
  for (const rows of sizes) {
    const files = await generate(rows);
    const runs = Number(arg('--runs', rows > 2_000_000 ? '1' : '3'));
    // The cases alternate within each round, so that the machine's load falls on all of them alike.
    const measured = Object.fromEntries(CASES.map((c) => [c, [] as Measure[]])) as Record<
      (typeof CASES)[number],
      Measure[]
    >;
    for (let r = 0; r < runs; r++) {
      for (const c of CASES) {
        const path = GB_CASES.has(c) ? files.gb : files.utf8;
        measured[c].push(once(c, path, rows));
      }
    }
    const at = (c: (typeof CASES)[number]) => summary(measured[c], GB_CASES.has(c) ? files.gb : files.utf8);
    const floor = at('floor');
    const utf8 = at('csv');
    const gb = at('csv-gb');
    const bare = {
      text: at('bare-text'),
      textKey: at('bare-text-key'),
      textKeyLineage: at('bare-text-key-lineage'),
      gbTextKeyLineage: at('bare-gb-text-key-lineage'),
      rowidLineage: at('bare-rowid-lineage'),
      gbRowidLineage: at('bare-gb-rowid-lineage'),
      split: at('bare-split'),
      gbSplit: at('bare-gb-split'),
    };
    const vs = (b: { median: number }) => round(b.median / floor.median, 2);
    results.push({
      rows,
      runs,
      floor,
      bare: {
        note: 'lower bounds, DuckDB alone (no memory limit, like the floor): read_csv with all_varchar (gongshu keeps uncatalogued columns as text); textKey also normalises and validates the key (gs_citizen_id_normalize, then gs__cid_reason of the normalised value); textKeyLineage also numbers the rows for their file:line (row_number() OVER (), which runs the read and the key check on one thread); gbTextKeyLineage does that after TextDecoder(gb18030) decoded the GB18030 file to a UTF-8 file. rowidLineage (gbRowidLineage) does the same work with the lines numbered by the rowids of a temporary table DuckDB reader fills in file order, in parallel, as gongshu now does: the stricter bound, though its table is not in source order, and gongshus is. split (gbSplit: after decoding) is the least work of the feature with both of its outputs, as bench/bound.mjs does it: the rows read, keyed and numbered once into a temporary table, then written as the loaded rows (with _key_original) and the quarantine (line, reason, original key, the row). Ratios are of medians',
        textVsFloor: vs(bare.text),
        textKeyVsFloor: vs(bare.textKey),
        textKeyLineageVsFloor: vs(bare.textKeyLineage),
        gbTextKeyLineageVsFloor: vs(bare.gbTextKeyLineage),
        ...bare,
      },
      utf8Csv: {
        ...utf8,
        vsBound: round(utf8.median / bare.textKeyLineage.median, 2),
        vsRowidBound: round(utf8.median / bare.rowidLineage.median, 2),
        vsSplitBound: round(utf8.median / bare.split.median, 2),
        target: 1.25,
      },
      gb18030Csv: {
        ...gb,
        vsBound: round(gb.median / bare.gbTextKeyLineage.median, 2),
        vsRowidBound: round(gb.median / bare.gbRowidLineage.median, 2),
        vsSplitBound: round(gb.median / bare.gbSplit.median, 2),
        target: 1.25,
      },
    });
    process.stderr.write(
      `${rows} rows (medians of ${runs}): floor ${floor.median.toFixed(2)} s, bound ${bare.textKeyLineage.median.toFixed(2)} s, GB bound ${bare.gbTextKeyLineage.median.toFixed(2)} s, split bounds ${bare.split.median.toFixed(2)} / ${bare.gbSplit.median.toFixed(2)} s, UTF-8 ${utf8.median.toFixed(2)} s (${(utf8.median / bare.textKeyLineage.median).toFixed(2)}× bound), GB18030 ${gb.median.toFixed(2)} s (${(gb.median / bare.gbTextKeyLineage.median).toFixed(2)}× bound); rowid bounds ${bare.rowidLineage.median.toFixed(2)} / ${bare.gbRowidLineage.median.toFixed(2)} s (${(utf8.median / bare.rowidLineage.median).toFixed(2)}× / ${(gb.median / bare.gbRowidLineage.median).toFixed(2)}×), peak RSS ${Math.max(utf8.maxRssMiB, gb.maxRssMiB)} MiB\n`,
    );
  }
  const peerFiles = await generate(peerRows);
  const whole = await comparePeer(peerFiles, peerRows, Number(arg('--peer-runs', '3')));
  const xlsxPath = await generateXlsx(xlsxRows);
  const xlsx = summary([once('xlsx', xlsxPath, xlsxRows)], xlsxPath);
  process.stderr.write(`${xlsxRows} xlsx rows: ${xlsx.seconds.toFixed(2)} s\n`);
  loadAverage.end = loadavg().map((x) => round(x, 2));
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/ingest.json', import.meta.url),
    `${JSON.stringify(
      {
        benchmark: 'ingest through the loader vs DuckDB alone, and gongshu ingest vs a pandas script',
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        loadAverage,
        duckdbMemoryLimit:
          MEMORY_LIMIT ?? `none given: the loader's LOAD_MEMORY_LIMIT (${LOAD_MEMORY_LIMIT}) during the load`,
        csv: results,
        wholeProcess: whole,
        xlsx,
      },
      null,
      2,
    )}\n`,
  );
}

await main();
