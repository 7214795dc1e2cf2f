/**
 * Ingest throughput, end to end through the loader (key normalisation + validation, lineage, quarantine,
 * ledger, one transaction), against DuckDB's bare `CREATE TABLE AS SELECT * FROM read_csv(...)` on the same
 * UTF-8 file (the floor). Each case runs in its own process so its peak RSS is its own. `bare` records lower
 * bounds: DuckDB alone keeping the columns as text, then also validating the key, then also numbering the rows
 * for their lineage (with iconv-lite decoding first for GB18030).
 *
 *   npx tsx bench/ingest.ts [--rows 1000000,10000000] [--xlsx-rows 100000]
 *
 * Writes bench/results/ingest.json. Targets (issue 3): UTF-8 CSV within 1.5× the floor, GB18030 within
 * 2.5×, peak RSS under 1 GiB at 10M rows. Database figures are in bench/results/databases.json
 * (bench/databases.ts, which starts the servers).
 */
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csv, excel } from '../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../pipelines/index.ts';
import { citizenIdCheckChar } from '../schemas/index.ts';
import { openWarehouse } from '../warehouse/index.ts';
import { close, publish, requireCount, requireRows, write } from './inputs.ts';

const DIR = '/tmp/gongshu-bench-ingest';
/** DuckDB's memory limit in the gongshu cases (it spills above it); the floor runs without one. */
const MEMORY_LIMIT = process.env.GONGSHU_BENCH_MEMORY_LIMIT ?? '400MB';
const SELF = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};

const NAMES = ['艾合买提·买买提', '古丽米拉·吐尔逊', '张伟', '李娜', '努尔兰·哈森', '王芳', '阿依古丽·艾力'];
const NATIONS = ['维吾尔族', '汉族', '哈萨克族', '回族', '柯尔克孜族'];

/** Row i: a valid citizen ID (1 in 50 with a broken check character), Chinese text, a date and a number. */
function row(i: number): string {
  const day = new Date(Date.UTC(1940, 0, 1) + (i % 29_000) * 86_400_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
  const body = `650102${day}${String(i % 1000).padStart(3, '0')}`;
  const check = citizenIdCheckChar(body);
  const id = i % 50 === 0 ? body + (check === '0' ? '1' : '0') : body + check;
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
  // A bounded footprint (the target is peak RSS < 1 GiB at 10M rows).
  const bare = kind === 'floor' || kind.startsWith('bare-');
  const wh = await openWarehouse({ path: db, ...(bare ? {} : { memoryLimit: MEMORY_LIMIT }) });
  const t0 = performance.now();
  let rows = 0;
  if (kind === 'floor') {
    await wh.run(`CREATE TABLE t AS SELECT * FROM read_csv('${path}')`);
    rows = (await wh.value<number>('SELECT count(*) FROM t')) ?? 0;
  } else if (kind.startsWith('bare-')) {
    // Lower bounds of gongshu's work done by DuckDB alone: the columns kept as text (as gongshu stores
    // uncatalogued columns); then also the key normalised and validated; then also the lineage of each row
    // (`file:line`, by row_number, as DuckDB's CSV reader gives no line numbers); for GB18030, after iconv-lite
    // decoded the file to UTF-8.
    let file = path;
    if (kind === 'bare-gb-text-key-lineage') {
      file = `${DIR}/decoded-${process.pid}.csv`;
      await pipeline(createReadStream(path), iconv.decodeStream('gb18030'), createWriteStream(file));
    }
    const key = '"公民身份号码"';
    const keyed = `* REPLACE (gs_citizen_id_normalize(${key}) AS ${key}), gs_citizen_id_reason(${key}) AS _reason`;
    const select =
      kind === 'bare-text'
        ? '*'
        : kind === 'bare-text-key'
          ? keyed
          : `${keyed}, 'people.csv:' || (row_number() OVER () + 1) AS _source`;
    await wh.run(`CREATE TABLE t AS SELECT ${select} FROM read_csv('${file}', all_varchar = true)`);
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

function measure(kind: string, path: string, runs: number) {
  let best: { seconds: number; rows: number; maxRssMiB: number } | undefined;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--case', kind, path], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`case ${kind} failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    if (!best || m.seconds < best.seconds) best = m;
  }
  return {
    ...best!,
    rowsPerSecond: Math.round(best!.rows / best!.seconds),
    mb: Math.round(statSync(path).size / 1e6),
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--case')) return runCase(arg('--case', ''), process.argv.at(-1)!);
  const sizes = arg('--rows', '1000000,10000000').split(',').map(Number);
  const xlsxRows = Number(arg('--xlsx-rows', '100000'));
  if (process.argv.includes('--generate')) {
    for (const rows of sizes) await generate(rows);
    return;
  }
  const results: Record<string, unknown>[] = [];
  for (const rows of sizes) {
    const files = await generate(rows);
    const runs = rows > 2_000_000 ? 1 : 3;
    const floor = measure('floor', files.utf8, runs);
    const utf8 = measure('csv', files.utf8, runs);
    const gb = measure('csv', files.gb, runs);
    const bare = {
      text: measure('bare-text', files.utf8, runs),
      textKey: measure('bare-text-key', files.utf8, runs),
      textKeyLineage: measure('bare-text-key-lineage', files.utf8, runs),
      gbTextKeyLineage: measure('bare-gb-text-key-lineage', files.gb, runs),
    };
    const vs = (b: { seconds: number }) => +(b.seconds / floor.seconds).toFixed(2);
    results.push({
      rows,
      floor,
      bare: {
        note: 'lower bounds, DuckDB alone (no memory limit, like the floor): read_csv with all_varchar (gongshu keeps uncatalogued columns as text); textKey also normalises and validates the key (gs_citizen_id_normalize/_reason); textKeyLineage also numbers the rows for their file:line; gbTextKeyLineage does that after iconv-lite decoded the GB18030 file to a UTF-8 file',
        textVsFloor: vs(bare.text),
        textKeyVsFloor: vs(bare.textKey),
        textKeyLineageVsFloor: vs(bare.textKeyLineage),
        gbTextKeyLineageVsFloor: vs(bare.gbTextKeyLineage),
        ...bare,
      },
      utf8Csv: { ...utf8, vsFloor: +(utf8.seconds / floor.seconds).toFixed(2), target: 1.5 },
      gb18030Csv: { ...gb, vsFloor: +(gb.seconds / floor.seconds).toFixed(2), target: 2.5 },
    });
    process.stderr.write(
      `${rows} rows: floor ${floor.seconds.toFixed(2)} s, bare text+key+lineage ${bare.textKeyLineage.seconds.toFixed(2)} s, GB decode+text+key+lineage ${bare.gbTextKeyLineage.seconds.toFixed(2)} s, UTF-8 ${utf8.seconds.toFixed(2)} s (${(utf8.seconds / floor.seconds).toFixed(2)}×), GB18030 ${gb.seconds.toFixed(2)} s (${(gb.seconds / floor.seconds).toFixed(2)}×), peak RSS ${Math.max(utf8.maxRssMiB, gb.maxRssMiB)} MiB\n`,
    );
  }
  const xlsxPath = await generateXlsx(xlsxRows);
  const xlsx = measure('xlsx', xlsxPath, 1);
  process.stderr.write(
    `${xlsxRows} xlsx rows: ${xlsx.seconds.toFixed(2)} s (${xlsx.rowsPerSecond} rows/s)\n`,
  );
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/ingest.json', import.meta.url),
    `${JSON.stringify({ benchmark: 'ingest through the loader vs read_csv', date: new Date().toISOString(), node: process.version, duckdbMemoryLimit: MEMORY_LIMIT, csv: results, xlsx: { ...xlsx, rows: xlsxRows } }, null, 2)}\n`,
  );
}

await main();
