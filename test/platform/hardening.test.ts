/**
 * The hierarchy under attack and misconfiguration, in one process: a man in the middle forging acknowledgements,
 * refusals and backflow answers; a parent refusing a forwarded batch for good; unsigned bodies of 60 MiB;
 * rows of people registered in another division; a rewritten audit chain; a foundation reported two hops.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProject } from '../../jobs/index.ts';
import { entryHash } from '../../platform/audit/chain.ts';
import { requestBackflow } from '../../platform/backflow/ask.ts';
import {
  type AuditEntry,
  abandonDeadLetter,
  initCertificate,
  listAudit,
  listDeadLetters,
  retryDeadLetter,
  signRequest,
  TransportError,
  verifyAgainstParent,
  verifyAudit,
} from '../../platform/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { citizenIdIn, hukouRows } from './fixture.ts';
import { catalogAs, makeNode, population } from './network.ts';
import { RewritingProxy } from './rewriting-proxy.ts';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A prefecture 650100 serving and a county 650102 with hukou rows whose parent URL is `via(url)` (a proxy). */
async function countyAndPrefecture(
  options: {
    county?: Parameters<typeof makeNode>[3];
    prefecture?: Parameters<typeof makeNode>[3];
    via?: (prefectureUrl: string) => Promise<string>;
  } = {},
) {
  const root = tempDir();
  const prefecture = await makeNode(
    root,
    '650100',
    'prefecture',
    options.prefecture ?? { hukou: { rows: hukouRows('650102', 12, 500) } },
  );
  const county = await makeNode(
    root,
    '650102',
    'county',
    options.county ?? { hukou: { rows: hukouRows('650102', 200) } },
  );
  closers.push(
    () => prefecture.close(),
    () => county.close(),
  );
  prefecture.configure({
    listen: { port: 0 },
    children: [{ id: county.id, publicKey: county.keys.publicText }],
    entitlements: { hukou: { levels: { county: ['id_number', 'name', 'division'] } } },
  });
  const url = await prefecture.serve();
  county.configure({
    parent: {
      id: prefecture.id,
      url: options.via ? await options.via(url) : url,
      publicKey: prefecture.keys.publicText,
    },
    push: { chunkBytes: 1024, backoffMs: 5, attempts: 2 },
  });
  return { root, prefecture, county };
}

async function count(wh: Warehouse, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await wh.value<number>(sql, params)) ?? 0);
}

async function hasTable(wh: Warehouse, name: string): Promise<boolean> {
  return wh.hasTable(name);
}

describe('answers that cannot be verified', () => {
  it('move nothing forward: a forged ack marks nothing done, a forged refusal makes no dead letter, a forged backflow stores nothing', async () => {
    let proxy!: RewritingProxy;
    const scratch = await openWarehouse({ path: ':memory:' });
    closers.push(() => scratch.close());
    const { prefecture, county } = await countyAndPrefecture({
      via: async (target) => {
        proxy = new RewritingProxy(() => target, scratch, tempDir());
        closers.push(() => proxy.close());
        return proxy.listen();
      },
    });
    proxy.mode = 'forge-ack';
    await expect(county.push()).rejects.toThrow(/cannot be verified/);
    expect(proxy.forged).toBeGreaterThan(0);
    expect(await count(county.wh, 'SELECT count(*) FROM gongshu.push_acks')).toBe(0);
    expect(await count(county.wh, `SELECT count(*) FROM gongshu.push_batches WHERE status = 'done'`)).toBe(0);
    expect(await count(county.wh, `SELECT count(*) FROM gongshu.audit WHERE action = 'push-sent'`)).toBe(0);
    expect(await hasTable(prefecture.wh, 'received.hukou')).toBe(false);

    proxy.mode = 'forge-refusal';
    await expect(county.push()).rejects.toThrow(/cannot be verified/);
    expect(await listDeadLetters(county.wh)).toEqual([]);
    expect(await count(county.wh, `SELECT count(*) FROM gongshu.push_batches WHERE status = 'pending'`)).toBe(
      1,
    );

    proxy.mode = 'pass';
    const summary = await county.push();
    expect(summary.batches).toEqual([expect.objectContaining({ resumed: true, rows: 200, duplicates: 0 })]);
    expect(await count(prefecture.wh, 'SELECT count(*) FROM received.hukou')).toBe(200);
    expect(await count(prefecture.wh, 'SELECT count(DISTINCT id_number) FROM received.hukou')).toBe(200);

    proxy.mode = 'rewrite-backflow';
    const ask = () =>
      requestBackflow({
        wh: county.wh,
        node: county.ctx,
        keys: county.keys,
        dataset: 'hukou',
        columns: ['name', 'division'],
        purpose: '低保复核',
      });
    await expect(ask()).rejects.toThrow(/cannot be verified/);
    expect(proxy.forged).toBeGreaterThan(2);
    expect(await hasTable(county.wh, 'backflow.hukou')).toBe(false);
    expect(
      await count(county.wh, `SELECT count(*) FROM gongshu.audit WHERE action = 'backflow-received'`),
    ).toBe(0);

    proxy.mode = 'pass';
    expect(await ask()).toMatchObject({ rows: 12, columns: ['id_number', 'name', 'division'] });
    expect(await count(county.wh, `SELECT count(*) FROM backflow.hukou WHERE name LIKE 'made-up%'`)).toBe(0);
    expect((await verifyAudit(county.wh)).ok).toBe(true);
  });
});

describe('dead letters', () => {
  it('a batch the parent refuses for good is set aside with its reason; other datasets flow; retry and abandon work', async () => {
    const root = tempDir();
    const region = await makeNode(root, '650000', 'region', {
      hukou: { rows: [] },
      residents: { rows: [] },
    });
    const prefecture = await makeNode(root, '650100', 'prefecture', {
      hukou: { rows: hukouRows('650103', 20) },
      residents: { rows: hukouRows('650104', 15) },
      newcomers: { rows: hukouRows('650105', 5) },
    });
    const county = await makeNode(root, '650102', 'county', { hukou: { rows: hukouRows('650102', 30) } });
    closers.push(
      () => region.close(),
      () => prefecture.close(),
      () => county.close(),
    );
    // The region does not know the county yet (no descendants), and does not catalogue `newcomers`.
    const regionConfig = (descendants: string[]) => ({
      listen: { port: 0 },
      children: [{ id: prefecture.id, publicKey: prefecture.keys.publicText, descendants }],
    });
    region.configure(regionConfig([]));
    const regionUrl = await region.serve();
    prefecture.configure({
      listen: { port: 0 },
      parent: { id: region.id, url: regionUrl, publicKey: region.keys.publicText },
      children: [{ id: county.id, publicKey: county.keys.publicText }],
      push: { chunkBytes: 4096, backoffMs: 5, attempts: 2, deadAfter: 3 },
    });
    county.configure({
      parent: { id: prefecture.id, url: await prefecture.serve(), publicKey: prefecture.keys.publicText },
    });
    expect((await county.push()).batches).toHaveLength(1);
    // A row stored at the prefecture by an earlier version that checked only the division prefix.
    await prefecture.serial(() =>
      prefecture.wh.run(
        `INSERT INTO received.hukou (id_number, _origin_node, _origin_batch, _received_batch)
         SELECT '650102199001010000', '650102''; DROP TABLE hukou; --', 'poison', _received_batch FROM received.hukou LIMIT 1`,
      ),
    );

    const first = await prefecture.push();
    expect(first.failed.map((f) => [f.dataset, f.dead, f.code])).toEqual([
      ['hukou', true, 'unknown-origin'],
      ['newcomers', true, 'not-reportable'],
    ]);
    expect(first.batches.map((b) => [b.dataset, b.rows])).toEqual([['residents', 15]]);
    expect(await count(region.wh, 'SELECT count(*) FROM received.residents')).toBe(15);
    expect(await hasTable(region.wh, 'received.hukou')).toBe(false);
    const dead = await listDeadLetters(prefecture.wh);
    expect(dead.map((d) => [d.dataset, d.status, d.code])).toEqual([
      ['hukou', 403, 'unknown-origin'],
      ['newcomers', 403, 'not-reportable'],
    ]);
    expect(dead[0]!.reason).toContain('descendants');
    expect(dead[0]!.reason).not.toContain('DROP TABLE');
    // Nothing blocks: the next push neither resends nor plans the dead batches' rows again.
    const second = await prefecture.push();
    expect(second).toMatchObject({ failed: [], batches: [], deadLetters: 2 });
    expect(
      await count(prefecture.wh, `SELECT count(*) FROM gongshu.push_batches WHERE status = 'dead'`),
    ).toBe(2);

    // Fix the cause (the region learns the county), then retry: the batch is delivered, once, without the poison.
    region.configure(regionConfig([county.id]));
    await region.serve();
    expect(await retryDeadLetter(prefecture.wh, prefecture.id, dead[0]!.batch)).toBe('pending');
    const third = await prefecture.push();
    expect(third.batches.map((b) => [b.dataset, b.resumed])).toEqual([['hukou', true]]);
    expect(
      await region.wh.all(
        `SELECT _origin_node AS o, count(*) AS n FROM received.hukou GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      { o: '650100', n: 20 },
      { o: '650102', n: 30 },
    ]);
    // Abandon the other: given up, its outbox deleted, never planned again.
    await abandonDeadLetter(prefecture.wh, prefecture.id, dead[1]!.batch);
    expect(await listDeadLetters(prefecture.wh)).toEqual([]);
    const fourth = await prefecture.push();
    expect(fourth.failed).toEqual([]);
    expect(fourth.upToDate).toEqual(expect.arrayContaining(['hukou', 'newcomers', 'residents']));
    const actions = (await listAudit(prefecture.wh)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['push-dead-letter', 'push-retried', 'push-abandoned', 'push-sent']),
    );
    expect((await prefecture.serial(() => verifyAudit(prefecture.wh))).ok).toBe(true);
  });
});

describe('cheap refusal', () => {
  it('refuses unsigned and oversized bodies before reading them: memory stays flat', async () => {
    const { prefecture, county } = await countyAndPrefecture();
    const url = new URL('/v1/push?dataset=hukou&batch=b&seq=0&chunks=1', prefecture.url);
    const MiB = 1024 * 1024;
    /** Streams `total` bytes (made on demand) and reports how many the server let through before answering. */
    const stream = (headers: Record<string, string>, total: number) =>
      new Promise<{ status: number; code: string; sent: number }>((resolve, reject) => {
        let sent = 0;
        let answered: { status: number; code: string } | undefined;
        const block = Buffer.alloc(256 * 1024, 7);
        const req = http.request(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/vnd.apache.parquet',
            'content-length': String(total),
            ...headers,
          },
          agent: false,
        });
        req.on('response', (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => {
            answered = {
              status: res.statusCode ?? 0,
              code: JSON.parse(Buffer.concat(parts).toString()).error.code,
            };
            req.destroy();
            resolve({ ...answered, sent });
          });
        });
        req.on('error', (e) => (answered ? undefined : reject(e)));
        const write = () => {
          while (!answered && sent < total) {
            sent += block.length;
            if (!req.write(block)) {
              req.once('drain', write);
              return;
            }
          }
          if (sent >= total && !answered) req.end();
        };
        write();
      });
    const before = process.memoryUsage();
    const unsigned = await Promise.all(Array.from({ length: 4 }, () => stream({}, 60 * MiB)));
    const path = `${url.pathname}${url.search}`;
    const signed = signRequest({
      node: county.id,
      privateKey: county.keys.privateKey,
      method: 'POST',
      path,
      bodyHash: '0'.repeat(64),
    });
    const forged = signRequest({
      node: county.id,
      privateKey: prefecture.keys.privateKey,
      method: 'POST',
      path,
      bodyHash: '0'.repeat(64),
    });
    const oversized = await stream(signed, 100 * MiB);
    const badSignature = await stream(forged, 60 * MiB);
    const after = process.memoryUsage();
    for (const r of unsigned) expect(r).toMatchObject({ status: 401, code: 'unsigned' });
    expect(oversized).toMatchObject({ status: 413, code: 'too-large' });
    expect(badSignature).toMatchObject({ status: 401, code: 'bad-signature' });
    // Each answer came after at most a few MiB (socket buffers), never the 60 MiB body.
    for (const r of [...unsigned, oversized, badSignature]) expect(r.sent).toBeLessThan(16 * MiB);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * MiB);
    expect(await hasTable(prefecture.wh, 'received.hukou')).toBe(false);
  });
});

describe('jurisdiction', () => {
  it('scopes backflow and push by the declared column, not the ID prefix: a migrant goes where they are registered', async () => {
    const row = (id: string, name: string, division: string) => [
      id,
      name,
      '男',
      '1980-01-01',
      division,
      '13800000000',
    ];
    const issuedHereLivesThere = citizenIdIn('650102', 1); // issued in 650102, registered in 650103 now
    const issuedThereLivesHere = citizenIdIn('650105', 2); // issued in 650105, registered in 650102 now
    const { prefecture, county } = await countyAndPrefecture({
      prefecture: {
        hukou: {
          rows: [
            row(issuedHereLivesThere, '迁出者', '650103'),
            row(issuedThereLivesHere, '迁入者', '650102'),
            ...hukouRows('650102', 3, 700),
          ],
        },
      },
      county: {
        hukou: { rows: [...hukouRows('650102', 10), row(citizenIdIn('650102', 99), '外区', '650109')] },
      },
    });
    const summary = await county.push();
    expect(summary.batches[0]!.outsideJurisdiction).toBe(1);
    const received = (await listAudit(prefecture.wh, { action: 'push-received' })).map(
      (e) => JSON.parse(e.details ?? '{}').outsideJurisdiction ?? 0,
    );
    expect(received.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    const sent = (await listAudit(county.wh, { action: 'push-sent' })).map(
      (e) => JSON.parse(e.details ?? '{}').outsideJurisdiction ?? 0,
    );
    expect(sent.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    // The flagged row is kept (policy flag) and counted; it is not sent back down to this county.
    expect(await count(prefecture.wh, 'SELECT count(*) FROM received.hukou')).toBe(11);

    await requestBackflow({
      wh: county.wh,
      node: county.ctx,
      keys: county.keys,
      dataset: 'hukou',
      columns: ['name', 'division'],
      purpose: '社区服务',
    });
    const ids = (await county.wh.all<{ id: string }>('SELECT id_number AS id FROM backflow.hukou')).map(
      (r) => r.id,
    );
    expect(ids).toContain(issuedThereLivesHere);
    expect(ids).not.toContain(issuedHereLivesThere);
    expect(ids).toHaveLength(4);
  });

  it('refuses a chunk with rows outside the division where the catalog says refuse', async () => {
    const strict = catalogAs('hukou', { jurisdiction: { column: 'division', outside: 'refuse' } });
    const rows = [...hukouRows('650102', 5), ...hukouRows('650109', 1)];
    const { prefecture, county } = await countyAndPrefecture({
      prefecture: { hukou: { rows: [], catalog: strict } },
      county: { hukou: { rows, catalog: strict } },
    });
    const summary = await county.push();
    expect(summary.failed).toEqual([
      expect.objectContaining({ dataset: 'hukou', dead: true, code: 'outside-jurisdiction' }),
    ]);
    // Chunks before the refused one may be stored, but the batch never completes and the row is never stored.
    expect(await count(prefecture.wh, `SELECT count(*) FROM received.hukou WHERE division = '650109'`)).toBe(
      0,
    );
    expect(
      await count(prefecture.wh, 'SELECT count(*) FROM gongshu.push_chunks WHERE batch = $1', [
        summary.failed[0]!.batch,
      ]),
    ).toBeLessThan((await listDeadLetters(county.wh))[0]!.chunks);
  });
});

/** Edits one audit entry and re-hashes the chain after it, as someone who can write the warehouse could. */
async function rewriteChain(wh: Warehouse, seq: number): Promise<void> {
  await wh.run('UPDATE gongshu.audit SET rows = rows + 1 WHERE seq = $1', [seq]);
  const rows = await wh.all<AuditEntry>('SELECT * FROM gongshu.audit ORDER BY seq');
  let prev = '0'.repeat(64);
  for (const r of rows) {
    const { hash: _old, ...body } = {
      ...r,
      seq: Number(r.seq),
      rows: r.rows === null ? null : Number(r.rows),
      prev_hash: prev,
    };
    const hash = entryHash(body);
    await wh.run('UPDATE gongshu.audit SET prev_hash = $1, hash = $2 WHERE seq = $3', [
      prev,
      hash,
      Number(r.seq),
    ]);
    prev = hash;
  }
  const last = rows.at(-1)!;
  await wh.run(`UPDATE gongshu.meta SET value = $1 WHERE key = 'audit_head'`, [`${last.seq}:${prev}`]);
}

describe('anchored audit', () => {
  it('detects a chain rewritten and re-hashed at the child against the heads the parent recorded', async () => {
    const { prefecture, county } = await countyAndPrefecture();
    await county.push();
    const ok = await verifyAgainstParent({ wh: county.wh, node: county.ctx, keys: county.keys });
    expect(ok).toMatchObject({ ok: true, parent: '650100' });
    expect(ok.anchors).toBeGreaterThan(2);
    const anchored = (
      await prefecture.wh.all<{ d: string }>(
        `SELECT details AS d FROM gongshu.audit WHERE action = 'push-received' ORDER BY seq DESC LIMIT 1`,
      )
    )[0]!.d;
    expect(JSON.parse(anchored).senderHead).toMatch(/^\d+:[0-9a-f]{64}$/);
    await rewriteChain(county.wh, 2);
    expect((await verifyAudit(county.wh)).ok).toBe(true);
    const v = await verifyAgainstParent({ wh: county.wh, node: county.ctx, keys: county.keys });
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.problem)).toContain('rewritten');
  });
});

describe('reporting upward', () => {
  it('pushes a catalogued foundation two hops, a build being the unit', async () => {
    const root = tempDir();
    const region = await makeNode(
      root,
      '650000',
      'region',
      { hukou: { rows: [] } },
      { foundations: [population] },
    );
    const prefecture = await makeNode(
      root,
      '650100',
      'prefecture',
      { hukou: { rows: [] } },
      { foundations: [population] },
    );
    const county = await makeNode(
      root,
      '650102',
      'county',
      { hukou: { rows: hukouRows('650102', 40) } },
      { foundations: [population] },
    );
    closers.push(
      () => region.close(),
      () => prefecture.close(),
      () => county.close(),
    );
    region.configure({
      listen: { port: 0 },
      children: [{ id: prefecture.id, publicKey: prefecture.keys.publicText, descendants: [county.id] }],
    });
    prefecture.configure({
      listen: { port: 0 },
      parent: { id: region.id, url: await region.serve(), publicKey: region.keys.publicText },
      children: [{ id: county.id, publicKey: county.keys.publicText }],
    });
    county.configure({
      parent: { id: prefecture.id, url: await prefecture.serve(), publicKey: prefecture.keys.publicText },
    });
    const built = await buildProject(county.wh, county.project);
    expect(built.status).toBe('succeeded');
    const up = await county.push();
    expect(up.batches.map((b) => [b.dataset, b.rows]).sort()).toEqual([
      ['foundation.population', 40],
      ['hukou', 40],
    ]);
    expect((await county.push()).upToDate).toEqual(
      expect.arrayContaining(['foundation.population', 'hukou']),
    );
    await prefecture.push();
    // The prefecture forwarded the county's chunk files as they came (no second write): the same bytes.
    const hashes = async (action: string) =>
      (
        await prefecture.wh.all<{ h: string }>(
          `SELECT content_hash AS h FROM gongshu.audit WHERE action = $1 AND dataset = 'hukou' ORDER BY h`,
          [action],
        )
      ).map((r) => r.h);
    expect(await hashes('push-sent')).toEqual(await hashes('push-received'));
    const atRegion = () =>
      region.wh.all(
        `SELECT _origin_node AS o, count(*) AS n, count(DISTINCT _origin_batch) AS units FROM received_foundation.population GROUP BY 1`,
      );
    expect(await atRegion()).toEqual([{ o: '650102', n: 40, units: 1 }]);
    // A build that changes the table is a new unit; the old one is withdrawn at both parents.
    await county.wh.run(
      `UPDATE foundation.population SET name = name || '·' WHERE id_number = (SELECT min(id_number) FROM foundation.population)`,
    );
    await county.push();
    await prefecture.push();
    expect(await atRegion()).toEqual([{ o: '650102', n: 40, units: 1 }]);
    expect(
      await count(region.wh, `SELECT count(*) FROM received_foundation.population WHERE name LIKE '%·'`),
    ).toBe(1);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('TLS', () => {
  it('pushes over mutual TLS with pinned self-signed node certificates, and refuses a child without one', async () => {
    const { root, prefecture, county } = await countyAndPrefecture();
    const p = initCertificate(join(root, 'tls-p'), {
      node: prefecture.id,
      hosts: ['127.0.0.1', 'localhost'],
    });
    const c = initCertificate(join(root, 'tls-c'), { node: county.id, hosts: ['localhost'] });
    prefecture.configure({
      listen: { host: '127.0.0.1', port: 0 },
      children: [{ id: county.id, publicKey: county.keys.publicText }],
      tls: { cert: p.cert, key: p.key, ca: c.cert, requireClientCertificate: true },
    });
    const url = await prefecture.serve();
    expect(url).toMatch(/^https:/);
    county.configure({
      parent: { id: prefecture.id, url, publicKey: prefecture.keys.publicText, tls: { ca: p.cert } },
      push: { chunkBytes: 1024, backoffMs: 5, attempts: 2 },
    });
    await expect(county.push()).rejects.toThrow(TransportError);
    expect(await hasTable(prefecture.wh, 'received.hukou')).toBe(false);
    county.configure({
      parent: {
        id: prefecture.id,
        url,
        publicKey: prefecture.keys.publicText,
        tls: { ca: p.cert, cert: c.cert, key: c.key },
      },
      push: { chunkBytes: 1024, backoffMs: 5, attempts: 2 },
    });
    const summary = await county.push();
    expect(summary.batches[0]!.resumed).toBe(true);
    expect(await count(prefecture.wh, 'SELECT count(*) FROM received.hukou')).toBe(200);
  });
});
