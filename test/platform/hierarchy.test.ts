/**
 * Three real `gongshu` processes on loopback — county 650102 → prefecture 650100 → region 650000 — each with its
 * own warehouse. The county pushes with `gongshu push`; the prefecture and region run `gongshu serve`, and the
 * prefecture forwards upward on its own (multi-hop). Faults: the parent killed mid-push, the child killed
 * mid-push, dropped connections, a duplicate chunk, a forged signature, a replay, a stale timestamp, an oversized
 * and a malformed body. After each, the region must hold every row exactly once. Every wait is bounded.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRegion } from '../../examples/xinjiang/generate/index.ts';
import { initKeys, type NodeKeys, parsePublicKey, signedRequest, signRequest } from '../../platform/index.ts';
import { quoteIdent as q } from '../../schemas/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { makeChunk, pushPath } from './fixture.ts';
import { FaultProxy, freePort, type Proc, serve, start, stop, until } from './processes.ts';

const IDS = { county: '650102', prefecture: '650100', region: '650000' } as const;
type Level = keyof typeof IDS;
/** Columns compared between a source table and the region (shared catalog fields and lineage). */
const COMPARED = [
  'id_number',
  'name',
  'sex',
  'ethnicity',
  'birth_date',
  'household_no',
  'relation',
  'address',
  'division',
  'registered_on',
  'marital_status',
  '_load_id',
  '_key_original',
];

let root: string;
const dirs = {} as Record<Level, string>;
const keys = {} as Record<Level, NodeKeys>;
const ports = {} as Record<'prefecture' | 'region', number>;
const procs: Partial<Record<'prefecture' | 'region', Proc>> = {};
let proxy: FaultProxy;
const expected = {} as Record<'county' | 'prefecture', { n: number; h: string }>;
/** Rows of the prefecture's own hukou under 650102 (by key): what backflow must return to the county. */
let expectedBackflow = 0;

function config(level: Level, dataFile: string, platform: unknown): string {
  const id = IDS[level];
  return `import { csv } from '${REPO_ROOT}connectors/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
import { hukouFullTestCatalog } from '${REPO_ROOT}test/platform/fixture.ts';
const hukou = definePipeline({
  name: 'hukou',
  source: csv({ path: ${JSON.stringify(dataFile)} }),
  dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog: hukouFullTestCatalog },
});
const project = defineProject({ name: 'node_${id}', node: { id: '${id}', level: '${level}', name: '${level} ${id}' }, pipelines: [hukou] });
// Backflow here is served by platform.entitlements (this test is about transport); grants are tested in test/governance.
export default Object.freeze({ ...project, platform: ${JSON.stringify(platform)}, sharing: { backflow: 'entitlements' } });
`;
}

function hashSql(table: string, where = ''): string {
  const row = COMPARED.map((c) => `coalesce(CAST(${q(c)} AS VARCHAR), '∅')`).join(", '|', ");
  return `SELECT count(*) AS n, md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) AS h
          FROM (SELECT concat(${row}) AS r FROM ${table} ${where})`;
}

async function tableHash(level: Level, table: string, where = ''): Promise<{ n: number; h: string }> {
  const wh = await openWarehouse({ path: join(dirs[level], '.gongshu/warehouse.duckdb'), readOnly: true });
  try {
    const [r] = await wh.all<{ n: number; h: string }>(hashSql(table, where));
    return r!;
  } finally {
    wh.close();
  }
}

async function health(level: 'prefecture' | 'region', as: Level): Promise<Record<string, unknown>> {
  const res = await signedRequest({
    baseUrl: `http://127.0.0.1:${ports[level]}`,
    node: IDS[as],
    keys: keys[as],
    method: 'GET',
    path: '/v1/health',
    timeoutMs: 5000,
    answerFrom: { id: IDS[level], publicKey: parsePublicKey(keys[level].publicText) },
  });
  return res.json();
}

/** Waits until the prefecture has nothing pending upward and is not forwarding. */
async function quiescent(): Promise<void> {
  await until(
    'the prefecture to finish forwarding',
    async () => {
      try {
        const h = await health('prefecture', 'county');
        return h.pushesPending === 0 && h.forwarding === false;
      } catch {
        return false;
      }
    },
    90_000,
  );
}

/** Stops the region, checks it holds each source's rows exactly once, and starts it again. */
async function expectRegionExact(also?: (wh: Warehouse) => Promise<void>): Promise<void> {
  await quiescent();
  await stop(procs.region!);
  expect(await tableHash('region', 'received.hukou', `WHERE _origin_node = '${IDS.county}'`)).toEqual(
    expected.county,
  );
  expect(await tableHash('region', 'received.hukou', `WHERE _origin_node = '${IDS.prefecture}'`)).toEqual(
    expected.prefecture,
  );
  const wh = await openWarehouse({ path: join(dirs.region, '.gongshu/warehouse.duckdb'), readOnly: true });
  try {
    expect(
      await wh.value(`SELECT count(*) FROM received.hukou WHERE _origin_node NOT IN ('650102', '650100')`),
    ).toBe(0);
    const cols = (await wh.all<{ c: string }>('SELECT column_name AS c FROM (DESCRIBE received.hukou)')).map(
      (r) => r.c,
    );
    expect(cols).not.toContain('mobile');
    await also?.(wh);
  } finally {
    wh.close();
  }
  procs.region = await serve(dirs.region, ports.region);
}

/** Runs a command in the background (the fault proxy lives in this process: spawnSync would block it). */
async function run(args: string[]) {
  const p = start(args);
  const code = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr, lines: p.stdout.split('\n').filter(Boolean) };
}

async function countyPush(extra: string[] = []): Promise<Proc> {
  return start(['push', '--project', dirs.county, '--json', ...extra]);
}

async function reloadCounty(): Promise<void> {
  const r = gongshu(['run', '--project', dirs.county, '--json']);
  expect(r.stderr + r.code).toMatch(/0$/);
  expected.county = await tableHash('county', 'hukou');
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'gongshu-hierarchy-'));
  const gen = join(root, 'generated');
  await generateRegion({ outDir: gen, people: 20_000, seed: 11, asOf: '2026-06-30' });
  const text = iconv.decode(readFileSync(join(gen, 'gongan_hukou.csv')), 'gb18030');
  const [header, ...lines] = text.split(/\r?\n/).filter(Boolean);
  const at = header!.split(',').indexOf('行政区划代码');
  const county: string[] = [];
  const prefecture: string[] = [];
  let i = 0;
  for (const line of lines) {
    const division = line.split(',')[at] ?? '';
    if (division === IDS.county) {
      if (i++ % 5 === 0) prefecture.push(line);
      else county.push(line);
    } else if (division.startsWith('6501')) prefecture.push(line);
  }
  for (const level of Object.keys(IDS) as Level[]) {
    dirs[level] = join(root, level);
    mkdirSync(dirs[level], { recursive: true });
  }
  // keys: the county's through the CLI, the others through the library
  const init = gongshu(['keys', 'init', '--project', dirs.county, '--json']);
  expect(init.code).toBe(0);
  keys.county = initKeys(join(dirs.county, '.gongshu/keys'));
  expect(JSON.parse(init.lines[0]!).publicKey).toBe(keys.county.publicText);
  keys.prefecture = initKeys(join(dirs.prefecture, '.gongshu/keys'));
  keys.region = initKeys(join(dirs.region, '.gongshu/keys'));
  ports.prefecture = await freePort();
  ports.region = await freePort();
  proxy = new FaultProxy(() => ports.prefecture);
  const proxyPort = await proxy.listen();
  const data = (level: Level, rows: string[]) => {
    const file = join(dirs[level], 'hukou.csv');
    writeFileSync(file, [header, ...rows].join('\n'));
    return file;
  };
  const retry = { backoffMs: 100, attempts: 10 };
  writeFileSync(
    join(dirs.county, 'gongshu.config.ts'),
    config('county', data('county', county), {
      parent: {
        id: IDS.prefecture,
        url: `http://127.0.0.1:${proxyPort}`,
        publicKey: keys.prefecture.publicText,
      },
      push: { chunkBytes: 1024, ...retry },
    }),
  );
  writeFileSync(
    join(dirs.prefecture, 'gongshu.config.ts'),
    config('prefecture', data('prefecture', prefecture), {
      listen: { port: ports.prefecture },
      parent: { id: IDS.region, url: `http://127.0.0.1:${ports.region}`, publicKey: keys.region.publicText },
      children: [{ id: IDS.county, publicKey: keys.county.publicText }],
      entitlements: { hukou: { levels: { county: ['id_number', 'name', 'division'] } } },
      push: { chunkBytes: 8 * 1024, ...retry },
      maxBodyBytes: 1024 * 1024,
    }),
  );
  writeFileSync(
    join(dirs.region, 'gongshu.config.ts'),
    config('region', data('region', []), {
      listen: { port: ports.region },
      children: [{ id: IDS.prefecture, publicKey: keys.prefecture.publicText, descendants: [IDS.county] }],
    }),
  );
  await reloadCounty();
  expect(gongshu(['run', '--project', dirs.prefecture, '--json']).code).toBe(0);
  expected.prefecture = await tableHash('prefecture', 'hukou');
  const pwh = await openWarehouse({
    path: join(dirs.prefecture, '.gongshu/warehouse.duckdb'),
    readOnly: true,
  });
  expectedBackflow = (await pwh.value<number>(`SELECT count(*) FROM hukou WHERE division = '650102'`)) ?? 0;
  pwh.close();
  expect(expectedBackflow).toBeGreaterThan(10);
  expect(expected.county.n).toBeGreaterThan(500);
  procs.region = await serve(dirs.region, ports.region);
  procs.prefecture = await serve(dirs.prefecture, ports.prefecture);
}, 240_000);

afterAll(async () => {
  for (const p of Object.values(procs)) if (p) await stop(p);
  await proxy?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('county → prefecture → region over loopback', { timeout: 240_000 }, () => {
  it('pushes up two hops: the region holds every row once, with provenance', async () => {
    const p = await countyPush();
    expect(await p.exited).toBe(0);
    const summary = JSON.parse(p.stdout.trim().split('\n').at(-1)!);
    expect(summary.batches[0].rows).toBe(expected.county.n);
    expect(summary.batches[0].chunks).toBeGreaterThan(10);
    await expectRegionExact();
  });

  it('survives the parent being killed mid-push and restarted', async () => {
    await reloadCounty();
    const p = await countyPush(['--log-level', 'debug']);
    await until('5 acknowledged chunks', () => (p.stderr.match(/acked/g)?.length ?? 0) >= 5);
    procs.prefecture!.child.kill('SIGKILL');
    await procs.prefecture!.exited;
    await new Promise((r) => setTimeout(r, 300));
    procs.prefecture = await serve(dirs.prefecture, ports.prefecture);
    expect(await p.exited).toBe(0);
    await expectRegionExact();
  });

  it('resumes after the child is killed mid-push', async () => {
    await reloadCounty();
    const p = await countyPush(['--log-level', 'debug']);
    await until('5 acknowledged chunks', () => (p.stderr.match(/acked/g)?.length ?? 0) >= 5);
    p.child.kill('SIGKILL');
    await p.exited;
    const again = await countyPush();
    expect(await again.exited).toBe(0);
    const summary = JSON.parse(again.stdout.trim().split('\n').at(-1)!);
    expect(summary.batches[0]).toMatchObject({ resumed: true });
    expect(summary.batches[0].sent).toBeLessThan(summary.batches[0].chunks);
    await expectRegionExact();
  });

  it('survives dropped connections (lost requests and lost acknowledgements)', async () => {
    await reloadCounty();
    proxy.every = 4;
    proxy.mode = 'drop-response';
    const p = await countyPush();
    expect(await p.exited).toBe(0);
    proxy.mode = 'refuse';
    await reloadCounty();
    const p2 = await countyPush();
    expect(await p2.exited).toBe(0);
    proxy.mode = 'pass';
    expect(proxy.dropped).toBeGreaterThan(3);
    const summary = JSON.parse(p.stdout.trim().split('\n').at(-1)!);
    expect(summary.batches[0].duplicates).toBeGreaterThan(0);
    await expectRegionExact();
  });

  it('acknowledges a duplicate chunk without storing it, and refuses forged, replayed, stale, oversized and malformed requests', async () => {
    const wh = await openWarehouse({ path: join(dirs.county, '.gongshu/warehouse.duckdb'), readOnly: true });
    const [acked] = await wh.all<{ batch: string; seq: number; chunks: number }>(
      'SELECT a.batch, a.seq, b.chunks FROM gongshu.push_acks a JOIN gongshu.push_batches b USING (batch) ORDER BY a.acked_at DESC LIMIT 1',
    );
    wh.close();
    const base = `http://127.0.0.1:${ports.prefecture}`;
    const post = async (body: Buffer, headers: Record<string, string>, path: string) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        body,
        headers: { ...headers, 'content-type': 'application/vnd.apache.parquet' },
      });
      return {
        status: res.status,
        body: (await res.json()) as { duplicate?: boolean; error?: { code: string; message: string } },
      };
    };
    const sign = (body: Buffer, path: string, key = keys.county, now?: number) =>
      signRequest({
        node: IDS.county,
        privateKey: key.privateKey,
        method: 'POST',
        path,
        body,
        ...(now ? { now } : {}),
      });
    // A chunk re-using an acknowledged (batch, seq) but carrying a row the county never had: acknowledged, not stored.
    const intruder = '650102199001010000';
    const scratch = await openWarehouse({ path: ':memory:' });
    const columns = [
      { name: 'id_number', type: 'VARCHAR' },
      { name: 'division', type: 'VARCHAR' },
      { name: '_origin_node', type: 'VARCHAR' },
      { name: '_origin_batch', type: 'VARCHAR' },
    ];
    const values = [[intruder], [IDS.county], [IDS.county], ['intruder']];
    const dup = await makeChunk(
      scratch,
      join(root, 'dup.parquet'),
      { v: 2, dataset: 'hukou', batch: acked!.batch, live: {}, purpose: 'test' },
      columns,
      values,
    );
    const dupPath = pushPath('hukou', acked!.batch, acked!.seq, acked!.chunks);
    const dupHeaders = sign(dup, dupPath);
    const first = await post(dup, dupHeaders, dupPath);
    expect(first).toMatchObject({ status: 200, body: { duplicate: true } });
    const fresh = await makeChunk(
      scratch,
      join(root, 'fresh.parquet'),
      { v: 2, dataset: 'hukou', batch: 'forged-batch', live: {}, purpose: 'test' },
      columns,
      values,
    );
    scratch.close();
    const freshPath = pushPath('hukou', 'forged-batch');
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    const refusals = [
      ['replay', await post(dup, dupHeaders, dupPath), 409, 'replayed'],
      [
        'forged signature',
        await post(fresh, sign(fresh, freshPath, keys.region), freshPath),
        401,
        'bad-signature',
      ],
      [
        'stale timestamp',
        await post(fresh, sign(fresh, freshPath, keys.county, Date.now() - 6 * 60_000), freshPath),
        401,
        'stale-timestamp',
      ],
      ['oversized', await post(big, sign(big, freshPath), freshPath), 413, 'too-large'],
      [
        'malformed',
        await post(Buffer.from('garbage'), sign(Buffer.from('garbage'), dupPath), dupPath),
        400,
        'malformed-parquet',
      ],
    ] as const;
    for (const [what, res, status, code] of refusals) {
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status, code });
      expect(res.body.error!.message.length).toBeGreaterThan(20);
    }
    await expectRegionExact(async (region) => {
      expect(
        await region.value('SELECT count(*) FROM received.hukou WHERE id_number = $1 OR _origin_batch = $2', [
          intruder,
          'intruder',
        ]),
      ).toBe(0);
    });
  });

  it("backflow returns exactly the county's rows held by the prefecture, only entitled columns", async () => {
    const r = await run([
      'backflow',
      'hukou',
      '--columns',
      'name,division',
      '--purpose',
      '低保资格复核',
      '--project',
      dirs.county,
      '--json',
    ]);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(r.lines.at(-1)!)).toMatchObject({
      rows: expectedBackflow,
      columns: ['id_number', 'name', 'division'],
    });
    const wh = await openWarehouse({ path: join(dirs.county, '.gongshu/warehouse.duckdb'), readOnly: true });
    try {
      const cols = (
        await wh.all<{ c: string }>('SELECT column_name AS c FROM (DESCRIBE backflow.hukou)')
      ).map((x) => x.c);
      expect(cols).toEqual(['id_number', 'name', 'division', '_origin_node', '_received_at']);
      const rows = await wh.all<{ o: string; d: string; n: number }>(
        `SELECT _origin_node AS o, division AS d, count(*) AS n FROM backflow.hukou GROUP BY ALL`,
      );
      expect(rows.map((x) => [x.o, x.d])).toEqual([[IDS.prefecture, IDS.county]]);
      expect(rows[0]!.n).toBe(expectedBackflow);
    } finally {
      wh.close();
    }
    const refused = await run([
      'backflow',
      'hukou',
      '--columns',
      'address',
      '--purpose',
      'x',
      '--project',
      dirs.county,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/403 not-entitled.*address/);
  });

  it("a child's audit verifies against the heads its parent recorded, and there are no dead letters", async () => {
    for (const level of ['county', 'prefecture'] as const) {
      // A serving node holds its warehouse: the prefecture is stopped (its parent keeps serving).
      if (level === 'prefecture') await stop(procs.prefecture!);
      const v = await run(['audit', 'verify', '--against-parent', '--project', dirs[level], '--json']);
      expect({ level, code: v.code, stderr: v.stderr.slice(0, 300) }).toMatchObject({ level, code: 0 });
      const out = JSON.parse(v.lines.at(-1)!);
      expect(out).toMatchObject({ ok: true, parent: level === 'county' ? IDS.prefecture : IDS.region });
      expect(out.anchors).toBeGreaterThan(0);
      const dead = await run(['push', 'dead-letters', '--project', dirs[level], '--json']);
      expect({ code: dead.code, lines: dead.lines }).toEqual({ code: 0, lines: [] });
    }
  });

  it('the audit chains verify on every node, and an edited entry is detected', async () => {
    await stop(procs.prefecture!);
    await stop(procs.region!);
    for (const level of Object.keys(IDS) as Level[]) {
      const v = gongshu(['audit', 'verify', '--project', dirs[level], '--json']);
      expect({ level, code: v.code }).toEqual({ level, code: 0 });
      expect(JSON.parse(v.lines[0]!).entries).toBeGreaterThan(0);
    }
    const list = gongshu(['audit', 'list', '--project', dirs.region, '--json', '--limit', '3']);
    expect(list.lines.map((l) => JSON.parse(l).action)).toContain('push-received');
    const wh = await openWarehouse({ path: join(dirs.region, '.gongshu/warehouse.duckdb') });
    await wh.run(`UPDATE gongshu.audit SET rows = rows + 1 WHERE seq = 2`);
    wh.close();
    const v = gongshu(['audit', 'verify', '--project', dirs.region, '--json']);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.lines[0]!).problems).toEqual([
      expect.objectContaining({ seq: 2, problem: 'edited' }),
    ]);
  });
});
