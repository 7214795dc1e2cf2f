import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runPipelines } from '../../pipelines/index.ts';
import { requestBackflow } from '../../platform/backflow/ask.ts';
import {
  appendAudit,
  type BackflowProgress,
  createNodeServer,
  createSerial,
  initKeys,
  listen,
  loadKeys,
  nodeContext,
  type PushProgress,
  parsePublicKey,
  publicKeyText,
  signRequest,
  verifyAudit,
  verifyRequest,
} from '../../platform/index.ts';
import { pushUpward } from '../../platform/push/send.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hukouRows, makeChunk, nodeProject, pushPath } from './fixture.ts';

const logger = pino({ level: 'silent' });
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('node keys', () => {
  it('creates a 0600 private key, shows the same public key, and refuses a world-readable key', () => {
    const dir = join(tempDir(), 'keys');
    const k = initKeys(dir);
    expect(k.created).toBe(true);
    expect(statSync(join(dir, 'node.key')).mode & 0o777).toBe(0o600);
    expect(k.publicText).toMatch(/^ed25519:[A-Za-z0-9+/]{43}=$/);
    expect(loadKeys(dir).publicText).toBe(k.publicText);
    expect(initKeys(dir).created).toBe(false);
    expect(publicKeyText(parsePublicKey(k.publicText))).toBe(k.publicText);
    chmodSync(join(dir, 'node.key'), 0o644);
    expect(() => loadKeys(dir)).toThrow(/readable by others.*chmod 600/);
    expect(() => parsePublicKey('ed25519:AAAA')).toThrow(/not an ed25519 public key/);
  });
});

describe('request signatures', () => {
  const dir = () => join(tempDir(), 'k');
  it('verifies a signed request and refuses tampering, staleness and unknown nodes', () => {
    const k = initKeys(dir());
    const body = Buffer.from('chunk');
    const headers = signRequest({
      node: '650102',
      privateKey: k.privateKey,
      method: 'POST',
      path: '/v1/push',
      body,
    });
    const base = {
      method: 'POST',
      path: '/v1/push',
      headers,
      body,
      keyOf: () => k.publicKey,
      maxSkewSeconds: 300,
    };
    expect(verifyRequest(base).node).toBe('650102');
    const code = (f: () => unknown) => {
      try {
        f();
        return 'ok';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(() => verifyRequest({ ...base, body: Buffer.from('chunk!') }))).toBe(
      'platform-body-hash-mismatch',
    );
    const { 'x-gongshu-content-sm3': _declared, ...undeclared } = headers;
    expect(code(() => verifyRequest({ ...base, headers: undeclared, body: Buffer.from('chunk!') }))).toBe(
      'platform-bad-signature',
    );
    // Without the body (checked before it is read): the signature covers the declared hash.
    const { body: _body, ...headersOnly } = base;
    expect(verifyRequest(headersOnly).node).toBe('650102');
    expect(
      code(() =>
        verifyRequest({ ...headersOnly, headers: { ...headers, 'x-gongshu-content-sm3': '0'.repeat(64) } }),
      ),
    ).toBe('platform-bad-signature');
    expect(code(() => verifyRequest({ ...base, path: '/v1/push?x=1' }))).toBe('platform-bad-signature');
    expect(code(() => verifyRequest({ ...base, now: Date.now() + 301_000 }))).toBe(
      'platform-stale-timestamp',
    );
    expect(code(() => verifyRequest({ ...base, keyOf: () => undefined }))).toBe('platform-unknown-node');
    expect(code(() => verifyRequest({ ...base, headers: {} }))).toBe('platform-unsigned');
    const other = initKeys(dir());
    expect(code(() => verifyRequest({ ...base, keyOf: () => other.publicKey }))).toBe(
      'platform-bad-signature',
    );
  });
});

describe('audit chain', () => {
  it('verifies, and detects an edited, a deleted and a truncated entry', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    closers.push(() => wh.close());
    for (let i = 0; i < 4; i++) {
      await appendAudit(wh, '650100', {
        action: 'push-received',
        peer: '650102',
        dataset: 'hukou',
        rows: i,
        columns: ['a'],
      });
    }
    expect((await verifyAudit(wh)).ok).toBe(true);
    await wh.run('UPDATE gongshu.audit SET rows = 99 WHERE seq = 2');
    expect((await verifyAudit(wh)).problems.map((p) => [p.seq, p.problem])).toEqual([[2, 'edited']]);
    await wh.run('UPDATE gongshu.audit SET rows = 1 WHERE seq = 2');
    await wh.run('DELETE FROM gongshu.audit WHERE seq = 3');
    expect((await verifyAudit(wh)).problems.map((p) => p.problem)).toEqual(['deleted', 'broken-link']);
    const wh2 = await openWarehouse({ path: ':memory:' });
    closers.push(() => wh2.close());
    for (let i = 0; i < 3; i++) await appendAudit(wh2, '650100', { action: 'push-sent', rows: i });
    await wh2.run('DELETE FROM gongshu.audit WHERE seq = 3');
    expect((await verifyAudit(wh2)).problems.map((p) => p.problem)).toEqual(['truncated']);
  });
});

/** A prefecture serving on loopback and a county pushing to it, in one process. */
async function pair(options: { countyRows?: number; chunkBytes?: number; maxBodyBytes?: number } = {}) {
  const root = tempDir();
  const kc = initKeys(join(root, 'c/.gongshu/keys'));
  const kp = initKeys(join(root, 'p/.gongshu/keys'));
  const pproj = nodeProject(
    '650100',
    'prefecture',
    [...hukouRows('650103', 30), ...hukouRows('650102', 12, 500)],
    {
      listen: { port: 0 },
      children: [{ id: '650102', publicKey: kc.publicText }],
      entitlements: { hukou: { levels: { county: ['id_number', 'name', 'division'] } } },
      ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    },
  );
  const pnode = nodeContext(pproj, join(root, 'p'));
  const pwh = await openWarehouse({ path: join(root, 'p.duckdb') });
  await runPipelines(pwh, pproj);
  // The server's serial: tests read the parent's warehouse through it (a refusal is audited after its answer).
  const serial = createSerial();
  const app = createNodeServer({ node: pnode, project: pproj, wh: pwh, logger, keys: kp, serial });
  const url = await listen(app, pnode, 0);
  closers.push(() => pwh.close());
  closers.push(() => app.close());
  const cproj = nodeProject('650102', 'county', hukouRows('650102', options.countyRows ?? 200), {
    parent: { id: '650100', url, publicKey: kp.publicText },
    push: { chunkBytes: options.chunkBytes ?? 1024, backoffMs: 10, attempts: 3 },
  });
  const cnode = nodeContext(cproj, join(root, 'c'));
  const cwh = await openWarehouse({ path: join(root, 'c.duckdb') });
  closers.push(() => cwh.close());
  await runPipelines(cwh, cproj);
  return {
    app,
    url,
    serial,
    pwh,
    cwh,
    cproj,
    cnode,
    kc,
    kp,
    pnode,
    push: () => pushUpward({ wh: cwh, node: cnode, project: cproj, keys: kc, logger }),
  };
}

async function received(wh: Warehouse) {
  return wh.all<{ o: string; n: number; d: number }>(
    `SELECT _origin_node AS o, count(*) AS n, count(DISTINCT id_number) AS d FROM received.hukou GROUP BY 1 ORDER BY 1`,
  );
}

describe('push to the parent', () => {
  it('sends only shareable columns, exactly once, and is up to date afterwards', async () => {
    const p = await pair();
    const first = await p.push();
    expect(first.batches[0]!.chunks).toBeGreaterThan(3);
    expect(await received(p.pwh)).toEqual([{ o: '650102', n: 200, d: 200 }]);
    const cols = (
      await p.pwh.all<{ c: string }>(`SELECT column_name AS c FROM (DESCRIBE received.hukou)`)
    ).map((r) => r.c);
    expect(cols).not.toContain('mobile');
    expect(cols).toEqual(
      expect.arrayContaining(['id_number', 'name', '_origin_node', '_origin_batch', '_load_id']),
    );
    const again = await p.push();
    expect(again).toMatchObject({ batches: [], upToDate: ['hukou'] });
    expect((await p.serial(() => verifyAudit(p.pwh))).ok).toBe(true);
    expect((await verifyAudit(p.cwh)).ok).toBe(true);
    const sent = await p.cwh.value<number>(`SELECT count(*) FROM gongshu.audit WHERE action = 'push-sent'`);
    const got = await p.pwh.value<number>(
      `SELECT count(*) FROM gongshu.audit WHERE action = 'push-received'`,
    );
    expect(sent).toBe(first.batches[0]!.chunks);
    expect(got).toBe(sent);
  });

  it('reports its progress: planning, then the rows sent, by acknowledged chunks and by bytes on the way', async () => {
    // Several small chunks: the rows sent rise chunk by chunk to the batch's rows.
    const p = await pair();
    const events: PushProgress[] = [];
    const first = await pushUpward({
      wh: p.cwh,
      node: p.cnode,
      project: p.cproj,
      keys: p.kc,
      logger,
      onProgress: (e) => events.push(e),
    });
    expect(events[0]).toEqual({ phase: 'plan', dataset: 'hukou' });
    const sends = events.filter((e) => e.phase === 'send');
    expect(sends.every((e) => e.batch === first.batches[0]!.batch && e.rows === 200)).toBe(true);
    const sent = sends.map((e) => e.rowsSent);
    expect(sent[0]).toBe(0);
    expect(sent.at(-1)).toBe(200);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(new Set(sent).size).toBeGreaterThan(first.batches[0]!.chunks);
    // One chunk of several hundred KB: the rows sent move while it is on its way (before the parent's ack).
    const big = await pair({ countyRows: 10_000, chunkBytes: 48 * 1024 * 1024 });
    const during: number[] = [];
    const one = await pushUpward({
      wh: big.cwh,
      node: big.cnode,
      project: big.cproj,
      keys: big.kc,
      logger,
      onProgress: (e) => {
        if (e.phase === 'send') during.push(e.rowsSent);
      },
    });
    expect(one.batches[0]!.chunks).toBe(1);
    expect(during.some((n) => n > 0 && n < 10_000)).toBe(true);
    expect(during.at(-1)).toBe(10_000);
  });

  it('resumes after the child stops mid-batch, and a re-sent chunk is acknowledged without a second insert', async () => {
    const p = await pair();
    let n = 0;
    await expect(
      pushUpward({
        wh: p.cwh,
        node: p.cnode,
        project: p.cproj,
        keys: p.kc,
        logger,
        onChunk: () => {
          if (++n === 3) throw new Error('crash after 3 chunks');
        },
      }),
    ).rejects.toThrow(/crash/);
    // Forget the last acknowledgement, as if the child died after the parent committed but before recording it.
    await p.cwh.run('DELETE FROM gongshu.push_acks WHERE seq = 2');
    const resumed = await p.push();
    expect(resumed.batches[0]).toMatchObject({ resumed: true, duplicates: 1 });
    expect(resumed.batches[0]!.sent).toBe(resumed.batches[0]!.chunks - 2);
    expect(await received(p.pwh)).toEqual([{ o: '650102', n: 200, d: 200 }]);
  });

  it('withdraws a replaced load at the parent when the new batch completes', async () => {
    const p = await pair();
    await p.push();
    await runPipelines(p.cwh, p.cproj); // replace: a new load of the same rows
    const second = await p.push();
    expect(second.batches).toHaveLength(1);
    expect(await received(p.pwh)).toEqual([{ o: '650102', n: 200, d: 200 }]);
  });

  it('refuses bad requests with a clear 4xx and stores nothing', async () => {
    const p = await pair({ maxBodyBytes: 64 * 1024 });
    const dir = tempDir();
    let n = 0;
    const chunk = (
      columns: { name: string; type: string }[],
      values: (string | null)[][],
      header: Record<string, unknown> = {},
    ) =>
      makeChunk(
        p.pwh,
        join(dir, `c${++n}.parquet`),
        { v: 2, dataset: 'hukou', batch: 'b1', live: {}, purpose: 'test', ...header },
        columns,
        values,
      );
    const PROVENANCE = [
      { name: '_origin_node', type: 'VARCHAR' },
      { name: '_origin_batch', type: 'VARCHAR' },
    ];
    const good = await chunk(
      [
        { name: 'id_number', type: 'VARCHAR' },
        { name: 'birth_date', type: 'DATE' },
        { name: 'division', type: 'VARCHAR' },
        ...PROVENANCE,
      ],
      [['650102198001010011'], ['1980-01-01'], ['650102'], ['650102'], ['u1']],
    );
    /** Posts what `gongshu push` posts for a chunk: the batch's manifest, then the chunk (signed alike). */
    const send = async (
      body: Buffer,
      opts: {
        key?: typeof p.kc;
        node?: string;
        now?: number;
        headers?: Record<string, string>;
        path?: string;
        noManifest?: boolean;
      } = {},
    ) => {
      const path = opts.path ?? pushPath('hukou', 'b1');
      const sign = (what: string, payload: Buffer) =>
        signRequest({
          node: opts.node ?? '650102',
          privateKey: (opts.key ?? p.kc).privateKey,
          method: 'POST',
          path: what,
          body: payload,
          ...(opts.now ? { now: opts.now } : {}),
        });
      const post = async (url: string, headers: Record<string, string>, payload: Buffer, type: string) => {
        const res = await p.app.inject({
          method: 'POST',
          url,
          headers: { ...headers, 'content-type': type },
          payload,
        });
        const error = (res.json() as { error?: { code: string; message: string } }).error;
        return { status: res.statusCode, code: error?.code, message: error?.message };
      };
      if (!opts.headers && !opts.noManifest) {
        const query = new URL(path, 'http://x').searchParams;
        query.delete('seq');
        const manifest = Buffer.from(JSON.stringify({ v: 2, live: {}, purpose: 'test', planned: 0 }));
        const at = `/v1/push/manifest?${query}`;
        const m = await post(at, sign(at, manifest), manifest, 'application/json');
        if (m.status !== 200) return { ...m, headers: {} };
      }
      const headers = opts.headers ?? sign(path, body);
      return { ...(await post(path, headers, body, 'application/vnd.apache.parquet')), headers };
    };
    const replayed = await send(good);
    expect(replayed.status).toBe(200);
    await p.pwh.run('DELETE FROM received.hukou');
    await p.pwh.run('DELETE FROM gongshu.push_chunks');
    const cases: [
      string,
      () => Promise<{ status: number; code: string | undefined; message: string | undefined }>,
      number,
      string,
    ][] = [
      ['replay', () => send(good, { headers: replayed.headers }), 409, 'replayed'],
      ['forged', () => send(good, { key: p.kp }), 401, 'bad-signature'],
      ['unknown node', () => send(good, { node: '650103' }), 403, 'unknown-node'],
      ['not a node id', () => send(good, { node: "650102'; DROP TABLE x; --" }), 403, 'unknown-node'],
      ['stale', () => send(good, { now: Date.now() - 6 * 60_000 }), 401, 'stale-timestamp'],
      ['oversized', () => send(Buffer.alloc(70 * 1024, 1)), 413, 'too-large'],
      ['malformed', () => send(Buffer.from('not parquet at all')), 400, 'malformed-parquet'],
      [
        'bad query',
        () => send(good, { path: '/v1/push?dataset=hukou&batch=b1&seq=1&chunks=1' }),
        400,
        'malformed-query',
      ],
      [
        'a batch never announced',
        () => send(good, { path: pushPath('hukou', 'b9'), noManifest: true }),
        409,
        'no-manifest',
      ],
      [
        'not reportable',
        async () =>
          send(await chunk(PROVENANCE, [['650102'], ['u']], { dataset: 'secret', batch: 'b2' }), {
            path: pushPath('secret', 'b2'),
          }),
        403,
        'not-reportable',
      ],
      [
        'unshared column',
        async () =>
          send(
            await chunk([{ name: 'mobile', type: 'VARCHAR' }, ...PROVENANCE], [['138'], ['650102'], ['u']], {
              batch: 'b3',
            }),
            {
              path: pushPath('hukou', 'b3'),
            },
          ),
        403,
        'column-not-shared',
      ],
      [
        'other origin',
        async () =>
          send(
            await chunk([{ name: 'id_number', type: 'VARCHAR' }, ...PROVENANCE], [['x'], ['650103'], ['u']], {
              batch: 'b4',
            }),
            { path: pushPath('hukou', 'b4') },
          ),
        403,
        'unknown-origin',
      ],
      [
        'an origin under the division that is not a configured node',
        async () =>
          send(
            await chunk(
              [{ name: 'id_number', type: 'VARCHAR' }, ...PROVENANCE],
              [
                ['x', 'y', 'z'],
                ['650102', '650102', "650102'; DROP TABLE hukou; --"],
                ['u', 'u', 'u'],
              ],
              { batch: 'b6' },
            ),
            { path: pushPath('hukou', 'b6') },
          ),
        403,
        'unknown-origin',
      ],
      [
        'bad value',
        async () =>
          send(
            await chunk(
              [{ name: 'birth_date', type: 'VARCHAR' }, { name: 'division', type: 'VARCHAR' }, ...PROVENANCE],
              [['not a date'], ['650102'], ['650102'], ['u']],
              { batch: 'b5' },
            ),
            { path: pushPath('hukou', 'b5') },
          ),
        400,
        'bad-value',
      ],
    ];
    for (const [what, pending, status, code] of cases) {
      const answer = { what, ...(await pending()) };
      expect(answer).toMatchObject({ what, status, code });
      // A value that does not convert names its column, never the value (it may be personal data).
      if (code === 'bad-value') {
        expect(answer.message).toContain('column "birth_date": a value does not convert to DATE');
        expect(answer.message).not.toContain('not a date');
      }
      expect(answer.message).not.toContain('DROP TABLE hukou');
    }
    expect(await p.pwh.value('SELECT count(*) FROM received.hukou')).toBe(0);
    expect(await p.pwh.value('SELECT count(*) FROM gongshu.push_chunks')).toBe(0);
    expect(await p.pwh.value(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'secret'`)).toBe(0);
    // Every refusal is audited, with values cut and the chain intact.
    await until('the refusals to be audited', async () => (await refusals(p.pwh)) >= cases.length);
    const audited = await p.pwh.all<{ details: string; peer: string | null }>(
      `SELECT details, peer FROM gongshu.audit WHERE action = 'rejected'`,
    );
    expect(audited.map((a) => JSON.parse(a.details).code)).toEqual(
      expect.arrayContaining([
        'replayed',
        'bad-signature',
        'unknown-node',
        'too-large',
        'unknown-origin',
        'bad-value',
      ]),
    );
    expect(audited.every((a) => a.peer === null || /^\d{6}$/.test(a.peer))).toBe(true);
    expect(audited.map((a) => a.details).join('\n')).not.toContain('DROP TABLE x');
    expect((await p.serial(() => verifyAudit(p.pwh))).ok).toBe(true);
  });
});

async function refusals(wh: Warehouse): Promise<number> {
  return (await wh.value<number>(`SELECT count(*) FROM gongshu.audit WHERE action = 'rejected'`)) ?? 0;
}

/** Waits (bounded) until `check` is true. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('backflow', () => {
  it("returns the rows under the child's division, only entitled columns, and refuses others", async () => {
    const p = await pair();
    await p.push();
    const progress: BackflowProgress[] = [];
    const r = await requestBackflow({
      wh: p.cwh,
      node: p.cnode,
      keys: p.kc,
      dataset: 'hukou',
      columns: ['name', 'division'],
      purpose: '测试',
      onProgress: (e) => progress.push(e),
    });
    expect(r).toMatchObject({ rows: 12, columns: ['id_number', 'name', 'division'] });
    // The answer's bytes as they arrive, of its declared length, then storing it.
    const receiving = progress.filter((e) => e.phase === 'receive');
    expect(receiving.length).toBeGreaterThan(0);
    expect(receiving.at(-1)!.bytes).toBe(receiving.at(-1)!.total);
    expect(progress.at(-1)).toEqual({ phase: 'store' });
    const rows = await p.cwh.all<{ d: string; o: string; n: number }>(
      'SELECT division AS d, _origin_node AS o, count(*) AS n FROM backflow.hukou GROUP BY ALL',
    );
    expect(rows).toEqual([{ d: '650102', o: '650100', n: 12 }]);
    await expect(
      requestBackflow({
        wh: p.cwh,
        node: p.cnode,
        keys: p.kc,
        dataset: 'hukou',
        columns: ['birth_date'],
        purpose: '测试',
      }),
    ).rejects.toThrow(/403 not-entitled.*birth_date/);
    expect((await p.serial(() => verifyAudit(p.pwh))).ok).toBe(true);
    expect(await p.pwh.value(`SELECT count(*) FROM gongshu.audit WHERE action = 'backflow-served'`)).toBe(1);
  });
});
