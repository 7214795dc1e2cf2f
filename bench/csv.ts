/**
 * CSV connector throughput: 1,000,000 rows × 8 columns of GB18030 text, extracted with `csv()`,
 * against DuckDB's `read_csv` on the same data pre-converted to UTF-8 (the floor).
 * Run: `npx tsx bench/csv.ts`. Writes bench/results/csv.json.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import iconv from 'iconv-lite';
import { csv } from '../connectors/index.ts';

const ROWS = 1_000_000;
const DIR = '/tmp/gongshu-bench';
const GB_PATH = `${DIR}/csv-1m-gb18030.csv`;
const UTF8_PATH = `${DIR}/csv-1m-utf8.csv`;

const SURNAMES = ['艾合买提', '古丽娜尔', '买买提', '阿依古丽', '张', '李', '王', '热依拉'];
const NATIONS = ['维吾尔族', '汉族', '哈萨克族', '回族', '柯尔克孜族', '蒙古族'];
const STREETS = ['天山区解放南路', '沙依巴克区友好北路', '新市区北京南路', '水磨沟区南湖东路'];

function row(i: number): string {
  const name = `${SURNAMES[i % SURNAMES.length]}·${SURNAMES[(i * 7) % SURNAMES.length]}`;
  const note = i % 10 === 0 ? `"备注,含逗号 ""${i}"""` : i % 97 === 0 ? '𠀀生僻字' : '';
  return [
    `6501021990${String(i % 1_000_000).padStart(8, '0')}`,
    name,
    NATIONS[i % NATIONS.length],
    `乌鲁木齐市${STREETS[i % STREETS.length]}${i % 500}号`,
    `138${String(i).padStart(8, '0')}`,
    `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    ((i * 37) % 100_000).toFixed(2),
    note,
  ].join(',');
}

async function generate(): Promise<void> {
  await mkdir(DIR, { recursive: true });
  const gb = createWriteStream(GB_PATH);
  const utf8 = createWriteStream(UTF8_PATH);
  const header = '身份号码,姓名,民族,地址,电话,登记日期,金额,备注\n';
  gb.write(iconv.encode(header, 'gb18030'));
  utf8.write(header);
  for (let start = 0; start < ROWS; start += 10_000) {
    let text = '';
    for (let i = start; i < start + 10_000; i++) text += `${row(i)}\n`;
    const gbReady = gb.write(iconv.encode(text, 'gb18030'));
    const utf8Ready = utf8.write(text);
    await Promise.all([gbReady || drain(gb), utf8Ready || drain(utf8)]);
  }
  await Promise.all([close(gb), close(utf8)]);
}

const drain = (s: NodeJS.WritableStream) => new Promise<void>((done) => s.once('drain', () => done()));
const close = (s: NodeJS.WritableStream) => new Promise<void>((done) => s.end(() => done()));

async function timeConnector(path: string): Promise<{ rows: number; seconds: number; batches: number }> {
  const started = process.hrtime.bigint();
  let rows = 0;
  let batches = 0;
  for await (const batch of csv({ path }).extract()) {
    rows += batch.rows.length;
    batches++;
  }
  return { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9, batches };
}

async function timeDuckDb(path: string): Promise<{ rows: number; seconds: number; threads: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const started = process.hrtime.bigint();
    await connection.run(
      `CREATE TABLE t AS SELECT * FROM read_csv('${path}', header = true, all_varchar = true, delim = ',', quote = '"')`,
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const count = (await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM t')).getRowObjects()[0];
    const threads = (
      await connection.runAndReadAll("SELECT current_setting('threads')::INTEGER AS n")
    ).getRowObjects()[0];
    return { rows: Number(count?.n), seconds, threads: Number(threads?.n) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function figures(rows: number, seconds: number, bytes: number) {
  return {
    rows,
    seconds: Number(seconds.toFixed(3)),
    rowsPerSecond: Math.round(rows / seconds),
    mbPerSecond: Number((bytes / 1024 / 1024 / seconds).toFixed(1)),
  };
}

await generate();
const gbBytes = (await stat(GB_PATH)).size;
const utf8Bytes = (await stat(UTF8_PATH)).size;

// Warm the file cache and the JIT once, then measure the best of three.
await timeConnector(GB_PATH);
const best = async <T extends { seconds: number }>(run: () => Promise<T>): Promise<T> => {
  const runs = [await run(), await run(), await run()];
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
};
const gb = await best(() => timeConnector(GB_PATH));
const utf8 = await best(() => timeConnector(UTF8_PATH));
const duck = await best(() => timeDuckDb(UTF8_PATH));

const result = {
  benchmark: 'csv connector: 1,000,000 rows × 8 columns',
  node: process.version,
  cpus: cpus().length,
  files: { gb18030Bytes: gbBytes, utf8Bytes },
  connectorGb18030: { ...figures(gb.rows, gb.seconds, gbBytes), batches: gb.batches },
  connectorUtf8: { ...figures(utf8.rows, utf8.seconds, utf8Bytes), batches: utf8.batches },
  duckdbReadCsvUtf8Floor: { ...figures(duck.rows, duck.seconds, utf8Bytes), threads: duck.threads },
  ratioVsFloor: {
    gb18030: Number((gb.seconds / duck.seconds).toFixed(2)),
    utf8: Number((utf8.seconds / duck.seconds).toFixed(2)),
  },
  note: 'best of 3 after one warm-up; DuckDB materialises all columns as VARCHAR into an in-memory table',
};
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/csv.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
