/**
 * Benchmark of the platform push: N rows (default 1,000,000) of a population dataset pushed county 650102 →
 * prefecture 650100 (one hop) and county → prefecture → region 650000 (two hops, the prefecture forwarding on
 * its own), each node a process of its own (bench/push-node.ts) with its own warehouse, over loopback HTTP with
 * signed requests and answers, exactly-once bookkeeping and audit on every node. Against the floor measured in
 * the same run: the county's DuckDB `COPY … TO … (FORMAT parquet)` of the same rows plus a parent's
 * `INSERT … FROM read_parquet` of that file in one transaction. Records each node's peak RSS. Writes
 * `bench/results/push.json`.
 *
 * Run: `npx tsx bench/push.ts [--rows N] [--chunk-mib N]` (on a quiet machine: it reports the load average).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hukouCatalog } from '../examples/xinjiang/catalog/population.ts';
import {
  initKeys,
  type NodeKeys,
  parsePublicKey,
  reportedColumns,
  signedRequest,
} from '../platform/index.ts';
import { openWarehouse } from '../warehouse/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg('--rows', 1_000_000);
const CHUNK_MIB = arg('--chunk-mib', 48);
const IDS = { county: '650102', prefecture: '650100', region: '650000' } as const;
type Level = keyof typeof IDS;
/**
 * What travels, for the floor to move the same bytes as the push: the catalog's reported items (every shareable
 * field, `mobile` included), the lineage the table holds, and the two provenance columns the push adds.
 */
const TRAVELLING = [
  ...reportedColumns(hukouCatalog),
  '_load_id',
  '_source',
  '_ingested_at',
  '_key_original',
  `'${IDS.county}' AS _origin_node`,
  `'hukou-bench-load' AS _origin_batch`,
].join(', ');

/** Fills the county's hukou table (as a load would leave it: catalog fields + lineage) and registers it. */
async function fill(path: string): Promise<void> {
  const wh = await openWarehouse({ path });
  await wh.run(`CREATE TABLE hukou AS
    SELECT '650102' || strftime(DATE '1950-01-01' + CAST(i % 25000 AS INTEGER), '%Y%m%d') || lpad(CAST(i % 1000 AS VARCHAR), 3, '0') || 'X' AS id_number,
      '居民' || i AS name, CASE WHEN i % 2 = 0 THEN '男' ELSE '女' END AS sex, '汉族' AS ethnicity,
      DATE '1950-01-01' + CAST(i % 25000 AS INTEGER) AS birth_date, '650102' || lpad(CAST(i // 4 AS VARCHAR), 6, '0') AS household_no,
      '子' AS relation, '新疆维吾尔自治区乌鲁木齐市天山区幸福路' || (i % 900) || '号' AS address, '650102' AS division,
      DATE '2020-01-01' + CAST(i % 1500 AS INTEGER) AS registered_on, '已婚' AS marital_status, '138' || lpad(CAST(i AS VARCHAR), 8, '0') AS mobile,
      'hukou-bench-load' AS _load_id, 'gongan_hukou.csv:' || (i + 2) AS _source, TIMESTAMPTZ '2026-06-30 08:00:00+08' AS _ingested_at,
      NULL::VARCHAR AS _key_original
    FROM range(${ROWS}) t(i)`);
  await wh.run(
    `INSERT INTO gongshu.datasets VALUES ('hukou', 'hukou', 'citizen-id', 'id_number', '公民身份号码', $1, now())`,
    [JSON.stringify(hukouCatalog)],
  );
  await wh.run('CHECKPOINT');
  wh.close();
}

/** Writes a node's project: a hukou dataset catalogued like the county's, and its platform section. */
function project(dir: string, level: Level, platform: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'gongshu.config.ts'),
    `import { memory } from '${repo}/connectors/index.ts';
import { hukouCatalog } from '${repo}/examples/xinjiang/catalog/population.ts';
import { citizenId, definePipeline } from '${repo}/pipelines/index.ts';
import { defineProject } from '${repo}/project/index.ts';
const hukou = definePipeline({
  name: 'hukou',
  source: memory({ name: 'hukou', columns: ['公民身份号码'], rows: [] }),
  dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog: hukouCatalog },
});
const project = defineProject({ name: 'bench_${IDS[level]}', node: { id: '${IDS[level]}', level: '${level}', name: '${level}' }, pipelines: [hukou] });
export default Object.freeze({ ...project, platform: ${JSON.stringify(platform)} });
`,
  );
}

/** A bench node process with its output lines. */
interface NodeProc {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

function startNode(mode: 'serve' | 'push', dir: string): NodeProc {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'push-node.ts'), mode, dir], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout!.on('data', (d) => {
    buffer += d;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
  });
  return { child, lines, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function until<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  ms = 600_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

async function serveNode(dir: string): Promise<{ proc: NodeProc; url: string }> {
  const proc = startNode('serve', dir);
  const url = await until(`${dir} to listen`, () => {
    if (proc.child.exitCode !== null) throw new Error(`bench: ${dir} exited`);
    return proc.lines.find((l) => 'listening' in l)?.listening as string | undefined;
  });
  return { proc, url };
}

/** Peak RSS of a running process (VmHWM), MiB. */
function peakRssMiB(pid: number | undefined): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

async function stopNode(p: NodeProc): Promise<number> {
  p.child.kill('SIGTERM');
  await p.exited;
  return Number(p.lines.find((l) => 'maxRssMiB' in l)?.maxRssMiB ?? Number.NaN);
}

async function count(path: string, sql: string): Promise<number> {
  const wh = await openWarehouse({ path, readOnly: true });
  try {
    return Number((await wh.value<number>(sql)) ?? 0);
  } finally {
    wh.close();
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const root = mkdtempSync(join(tmpdir(), 'gongshu-bench-push-'));
  const warehouse = (dir: string) => join(dir, '.gongshu/warehouse.duckdb');
  try {
    const dirs = (run: string) =>
      Object.fromEntries((Object.keys(IDS) as Level[]).map((l) => [l, join(root, run, l)])) as Record<
        Level,
        string
      >;
    const one = dirs('one-hop');
    const two = dirs('two-hops');
    const keys = {} as Record<Level, NodeKeys>;
    for (const l of Object.keys(IDS) as Level[]) {
      keys[l] = initKeys(join(one[l], '.gongshu/keys'));
      for (const f of ['node.key', 'node.pub']) {
        mkdirSync(join(two[l], '.gongshu/keys'), { recursive: true, mode: 0o700 });
        copyFileSync(join(one[l], '.gongshu/keys', f), join(two[l], '.gongshu/keys', f));
        chmodSync(join(two[l], '.gongshu/keys', f), f === 'node.key' ? 0o600 : 0o644);
      }
    }
    const push = { chunkBytes: CHUNK_MIB * 1024 * 1024 };
    mkdirSync(dirname(warehouse(one.county)), { recursive: true });
    await fill(warehouse(one.county));
    mkdirSync(dirname(warehouse(two.county)), { recursive: true });
    copyFileSync(warehouse(one.county), warehouse(two.county));

    // The floor: the county writes the travelling rows to Parquet, a parent inserts them in one transaction.
    const parquet = join(root, 'floor.parquet');
    const cwh = await openWarehouse({ path: warehouse(one.county), readOnly: true });
    const f0 = performance.now();
    await cwh.run(`COPY (SELECT ${TRAVELLING} FROM hukou) TO '${parquet}' (FORMAT parquet)`);
    const copySeconds = (performance.now() - f0) / 1000;
    cwh.close();
    const fwh = await openWarehouse({ path: join(root, 'floor.duckdb') });
    const i0 = performance.now();
    await fwh.transaction(() => fwh.run(`CREATE TABLE hukou AS SELECT * FROM read_parquet('${parquet}')`));
    const insertSeconds = (performance.now() - i0) / 1000;
    fwh.close();
    const floorSeconds = copySeconds + insertSeconds;

    // One hop: county → prefecture (not forwarding).
    project(one.prefecture, 'prefecture', {
      children: [{ id: IDS.county, publicKey: keys.county.publicText }],
      push: { forward: false },
      maxBodyBytes: 256 * 1024 * 1024,
    });
    const p1 = await serveNode(one.prefecture);
    project(one.county, 'county', {
      parent: { id: IDS.prefecture, url: p1.url, publicKey: keys.prefecture.publicText },
      push,
    });
    const c1 = startNode('push', one.county);
    await c1.exited;
    const hop = c1.lines.find((l) => 'seconds' in l) as {
      seconds: number;
      rows: number;
      chunks: number;
      failed: number;
      rssBeforeMiB: number;
      maxRssMiB: number;
    };
    const prefectureRss1 = peakRssMiB(p1.proc.child.pid);
    await stopNode(p1.proc);
    const got1 = await count(warehouse(one.prefecture), 'SELECT count(*) FROM received.hukou');
    if (got1 !== ROWS || hop.failed)
      throw new Error(`bench: the prefecture holds ${got1} rows, expected ${ROWS}`);

    // Two hops: county → prefecture → region, the prefecture forwarding when the county's batch completes.
    project(two.region, 'region', {
      children: [{ id: IDS.prefecture, publicKey: keys.prefecture.publicText, descendants: [IDS.county] }],
      maxBodyBytes: 256 * 1024 * 1024,
    });
    const r2 = await serveNode(two.region);
    project(two.prefecture, 'prefecture', {
      children: [{ id: IDS.county, publicKey: keys.county.publicText }],
      parent: { id: IDS.region, url: r2.url, publicKey: keys.region.publicText },
      push,
      maxBodyBytes: 256 * 1024 * 1024,
    });
    const p2 = await serveNode(two.prefecture);
    project(two.county, 'county', {
      parent: { id: IDS.prefecture, url: p2.url, publicKey: keys.prefecture.publicText },
      push,
    });
    const c2 = startNode('push', two.county);
    const start = await until(
      'the county push to start',
      () => c2.lines.find((l) => 'start' in l)?.start as number,
    );
    const health = async () =>
      (
        await signedRequest({
          baseUrl: p2.url,
          node: IDS.county,
          keys: keys.county,
          method: 'GET',
          path: '/v1/health',
          answerFrom: { id: IDS.prefecture, publicKey: parsePublicKey(keys.prefecture.publicText) },
        })
      ).json<{ pushesDone: number; pushesPending: number; forwarding: boolean }>();
    await c2.exited;
    const end = await until('the prefecture to forward', async () => {
      const h = await health();
      return h.pushesDone >= 1 && h.pushesPending === 0 && !h.forwarding ? Date.now() : undefined;
    });
    const twoHops = (end - start) / 1000;
    const county2 = c2.lines.find((l) => 'seconds' in l) as { maxRssMiB: number };
    const prefectureRss2 = peakRssMiB(p2.proc.child.pid);
    const regionRss = peakRssMiB(r2.proc.child.pid);
    await stopNode(p2.proc);
    await stopNode(r2.proc);
    const got2 = await count(
      warehouse(two.region),
      `SELECT count(*) FROM received.hukou WHERE _origin_node = '${IDS.county}'`,
    );
    if (got2 !== ROWS) throw new Error(`bench: the region holds ${got2} rows, expected ${ROWS}`);

    const result = {
      benchmark: 'push',
      rows: ROWS,
      chunkMiB: CHUNK_MIB,
      chunks: hop.chunks,
      floor: {
        what: "the county's DuckDB COPY of the travelling rows and columns (the catalog's reported items, lineage, provenance) to a Parquet file + a parent's INSERT (CREATE TABLE AS) from read_parquet of it, in one transaction; same run",
        seconds: +floorSeconds.toFixed(3),
        copySeconds: +copySeconds.toFixed(3),
        insertSeconds: +insertSeconds.toFixed(3),
        parquetBytes: statSync(parquet).size,
      },
      oneHop: {
        what: 'county → prefecture: gongshu push in its own process until every chunk is acknowledged (committed at the parent)',
        seconds: +hop.seconds.toFixed(3),
        vsFloor: +(hop.seconds / floorSeconds).toFixed(2),
        target: 1.5,
        rowsPerSecond: Math.round(ROWS / hop.seconds),
      },
      twoHops: {
        what: 'county → prefecture → region: from the county push starting until the prefecture has forwarded every row (its upward batch acknowledged by the region)',
        seconds: +twoHops.toFixed(3),
        vsFloor: +(twoHops / floorSeconds).toFixed(2),
        target: 2.5,
      },
      peakRssMiB: {
        target: 600,
        county: hop.maxRssMiB,
        countyBeforePush: hop.rssBeforeMiB,
        countyTwoHops: county2.maxRssMiB,
        prefecture: prefectureRss1,
        prefectureForwarding: prefectureRss2,
        region: regionRss,
      },
      note: 'each node a separate Node process (bench/push-node.ts) with its own DuckDB file, over loopback HTTP (no TLS). The push plans the batch with one DuckDB COPY (PRESERVE_ORDER false: the rows are a set) to a Parquet outbox file, which is the chunk when it is at most chunkMiB (else it is split by row ranges); the prefecture forwards the county chunk files it stored unchanged (hard links, SM3 known from receipt); each chunk is hashed (SM3) over its Parquet bytes and signed (ed25519) on both sides, streamed to disk at the parent under the size limit, checked with DuckDB (footer, origins, jurisdiction) and inserted from read_parquet in the transaction that records the chunk and its audit entry; every answer is signed and verified. Includes planning (units of change, outbox) and process-internal timing only (no process start-up). Peak RSS: VmHWM of the serving processes, getrusage maxRSS of the pushing one (which also opens its warehouse; countyBeforePush: its RSS once the warehouse is open). Machine: 1-minute load average when the run started and when it ended (the machine may be shared)',
      machine: {
        cpus: cpus().length,
        loadAverage1mAtStart: +loadAtStart.toFixed(2),
        loadAverage1m: +loadavg()[0]!.toFixed(2),
      },
      node: process.version,
      measuredAt: new Date().toISOString(),
    };
    const out = join(here, 'results/push.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
    renameSync(`${out}.tmp`, out);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
