/**
 * Open data and objections (GOVERNANCE B, C) on a real DuckDB file and real files: the open export holds no
 * valid clear citizen ID and no column the catalog does not open; its metadata cites the source department and
 * the acquisition date with an SM3 per file; a new version is written beside the old one and `latest` moves only
 * when it is complete; objections are due on the working-day calendar, never block the data, count against
 * accuracy once confirmed, and a suspended resource leaves the open export until it is corrected.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decideRequest,
  exportOpen,
  governanceConfig,
  listResourceVersions,
  OPEN_API_PREFIX,
  objectionRoutes,
  openCatalog,
  openDataRoutes,
  type ResourceNotice,
  raiseObjection,
  resolveObjection,
  resourceFolder,
  reviewRequest,
  submitRequest,
} from '../../governance/index.ts';
import {
  createNodeServer,
  createSerial,
  initKeys,
  listen,
  nodeContext,
  signedRequest,
} from '../../platform/index.ts';
import { runQuality } from '../../quality/index.ts';
import { parseCitizenId } from '../../schemas/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hukouEntry } from './entries.ts';
import { openHukouEntry } from './open-entries.ts';
import { logger, operator, prefecture } from './sharing-fixture.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function openNode() {
  const p = await prefecture({ catalog: openHukouEntry() });
  closers.push(() => p.wh.close());
  return p;
}

/** Every valid 18-character citizen ID in a text. */
const validIds = (text: string) => (text.match(/\d{17}[\dXx]/g) ?? []).filter((s) => parseCitizenId(s).valid);

const at = new Date('2026-09-30T10:00:00+08:00');

describe('open export (GOVERNANCE B)', () => {
  it('writes only the opened columns, masked, with no valid clear citizen ID, in every format', async () => {
    const { ctx, wh } = await openNode();
    // The source really holds valid IDs in clear.
    const ids = await wh.all<{ id: string }>('SELECT id_number AS id FROM main.hukou');
    expect(ids.length).toBe(42);
    expect(validIds(ids.map((r) => r.id).join('\n')).length).toBe(42);
    const out = tempDir();
    for (const [i, format] of (['csv', 'json', 'parquet'] as const).entries()) {
      const r = await exportOpen(ctx, { codes: [], outDir: join(out, format), format, actor: operator, at });
      expect(r.resources).toHaveLength(1);
      const [res] = r.resources;
      // Versions count per resource on the node, whatever the folder.
      expect(res).toMatchObject({ code: openHukouEntry().code, version: i + 1, rows: 42 });
      const file = res!.files[0]!;
      expect(file).toBe(join(res!.dir, `data.${format}`));
      const rows =
        format === 'parquet'
          ? await wh.all<Record<string, unknown>>(`SELECT * FROM read_parquet('${file}')`)
          : format === 'json'
            ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[])
            : await wh.all<Record<string, unknown>>(`SELECT * FROM read_csv('${file}', all_varchar = true)`);
      expect(rows).toHaveLength(42);
      // Only the unconditionally open items: not the division (not open) nor the phone (conditional).
      expect(Object.keys(rows[0]!).sort()).toEqual(['birth_date', 'id_number', 'name', 'sex']);
      expect(validIds(readFileSync(file).toString('latin1'))).toEqual([]);
      expect(validIds(JSON.stringify(rows))).toEqual([]);
      expect(String(rows[0]!.name)).toMatch(/^居\*+$/);
    }
  });

  it('metadata cites the source department and acquisition date, with an SM3 per file', async () => {
    const { ctx } = await openNode();
    const out = tempDir();
    const r = await exportOpen(ctx, { codes: ['hukou'], outDir: out, format: 'csv', actor: operator, at });
    const dir = r.resources[0]!.dir;
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'));
    const entry = openHukouEntry();
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(meta).toMatchObject({
      code: entry.code,
      name: entry.name,
      provider: { name: entry.provider.name },
      updateCycle: entry.updateCycle,
      version: 1,
      sourceDataset: 'hukou',
      acquisitionDate: today, // the hukou rows were loaded by this test
      records: 42,
      format: 'csv',
    });
    expect(meta.columns.map((c: { name: string }) => c.name).sort()).toEqual([
      'birth_date',
      'id_number',
      'name',
      'sex',
    ]);
    expect(meta.columns.find((c: { name: string }) => c.name === 'id_number').masking).toBe('citizen-id');
    expect(meta.citation).toContain(entry.provider.name);
    expect(meta.citation).toContain(`获取日期 ${today}`);
    expect(meta.terms).toContain('第三十二条');
    const sm3 = createHash('sm3')
      .update(readFileSync(join(dir, 'data.csv')))
      .digest('hex');
    expect(meta.files).toEqual([
      { name: 'data.csv', sm3, bytes: readFileSync(join(dir, 'data.csv')).length },
    ]);
  });

  it('a new version goes beside the old; latest moves to it only when it is complete; the old one stays', async () => {
    const { ctx, wh } = await openNode();
    const out = tempDir();
    const code = openHukouEntry().code;
    const first = await exportOpen(ctx, { codes: [], outDir: out, format: 'csv', actor: operator, at });
    const codeDir = join(out, resourceFolder(code));
    expect(readlinkSync(join(codeDir, 'latest'))).toBe('v1');
    await wh.run(`DELETE FROM main.hukou WHERE "division" = '650102'`);
    const second = await exportOpen(ctx, {
      codes: [],
      outDir: out,
      format: 'csv',
      actor: operator,
      at: new Date('2026-10-09T10:00:00+08:00'),
    });
    expect(second.resources[0]).toMatchObject({ version: 2, rows: 30 });
    expect(readlinkSync(join(codeDir, 'latest'))).toBe('v2');
    expect(readdirSync(codeDir).sort()).toEqual(['latest', 'v1', 'v2']);
    expect(readFileSync(join(first.resources[0]!.dir, 'data.csv'), 'utf8').trim().split('\n')).toHaveLength(
      43,
    );
    const versions = await listResourceVersions(wh, code);
    expect(versions.map((v) => [v.version, v.status, v.rows])).toEqual([
      [2, 'live', 30],
      [1, 'superseded', 42],
    ]);
    expect(versions[1]!.offlineAt).toBe(versions[0]!.liveFrom);
  });

  it('refuses to publish a column that still holds valid citizen IDs in clear (an item not marked sensitive)', async () => {
    const entry = openHukouEntry();
    const careless = hukouEntry({
      ...(entry as object),
      fields: entry.fields.map((f) =>
        f.name === 'id_number' ? { ...f, sensitive: false, masking: 'none' } : f,
      ) as never,
    });
    const p = await prefecture({ catalog: careless });
    closers.push(() => p.wh.close());
    const out = tempDir();
    await expect(
      exportOpen(p.ctx, { codes: [], outDir: out, format: 'csv', actor: operator, at }),
    ).rejects.toThrow(
      /column id_number holds valid citizen identity numbers in clear; nothing was published/,
    );
    expect(readdirSync(join(out, resourceFolder(entry.code)))).toEqual([]);
    expect(await listResourceVersions(p.wh)).toEqual([]);
  });

  it('tells the consumers recorded for a resource (the grantees of its dataset) of each new version', async () => {
    const { ctx, wh } = await openNode();
    const r = await submitRequest(ctx, {
      dataset: 'hukou',
      columns: ['name', 'sex'],
      purpose: '低保资格复核',
      basis: '《社会救助暂行办法》第十一条',
      requester: { node: '650100', department: '市民政局', operator: 'wang.fang' },
      at,
    });
    await reviewRequest(ctx, { id: r.id, conform: true, actor: operator, at });
    await decideRequest(ctx, { id: r.id, grant: { validUntil: '2027-12-31' }, actor: operator, at });
    const notices: ResourceNotice[] = [];
    const out = tempDir();
    const first = await exportOpen(ctx, {
      codes: [],
      outDir: out,
      format: 'csv',
      actor: operator,
      at,
      notify: (n) => notices.push(n),
    });
    const second = await exportOpen(ctx, {
      codes: [],
      outDir: out,
      format: 'csv',
      actor: operator,
      at,
      notify: (n) => notices.push(n),
    });
    const consumers = [{ node: '650100', department: '市民政局' }];
    expect(notices.map((n) => [n.version, n.previous, n.consumers])).toEqual([
      [1, null, consumers],
      [2, 1, consumers],
    ]);
    expect(first.notified).toEqual([{ code: openHukouEntry().code, version: 1, consumers }]);
    expect(second.notified[0]!.version).toBe(2);
    const versions = await listResourceVersions(wh);
    expect(versions.map((v) => [v.version, v.consumers, v.notifiedAt !== null])).toEqual([
      [2, consumers, true],
      [1, consumers, true],
    ]);
  });

  it('refuses a resource graded important, and a name outside the open catalog', async () => {
    const p = await prefecture();
    closers.push(() => p.wh.close());
    expect(await openCatalog(p.ctx)).toEqual([]); // the example hukou entry is not open
    await expect(
      exportOpen(p.ctx, { codes: ['hukou'], outDir: tempDir(), format: 'csv', actor: operator, at }),
    ).rejects.toThrow(/hukou is not in the open catalog/);
  });
});

describe('objections (GOVERNANCE C)', () => {
  it('is due 5 working days later on the holiday calendar (a leak the same day) and never blocks the data', async () => {
    const { ctx, wh } = await openNode();
    const id = (await wh.all<{ id: string }>('SELECT id_number AS id FROM main.hukou LIMIT 1'))[0]!.id;
    const r = await raiseObjection(ctx, {
      dataset: 'hukou',
      key: id!,
      columns: ['name'],
      claim: `姓名登记有误，身份证 ${id} 的姓名应为另一写法`,
      actor: operator,
      at,
    });
    // 2026-09-30 + 5 working days: Oct 1–7 are the National Day holiday, Oct 10 (Sat) is a working day.
    expect(r).toMatchObject({ status: 'open', dueDate: '2026-10-13', dueAt: '2026-10-13T15:59:59.999Z' });
    const leak = await raiseObjection(ctx, {
      dataset: 'hukou',
      key: id!,
      columns: ['mobile'],
      claim: '电话号码被泄露',
      type: 'leak',
      actor: operator,
      at,
    });
    expect(leak.dueDate).toBe('2026-09-30');
    // The data stays in use: exporting it still works and the row is there.
    const e = await exportOpen(ctx, { codes: [], outDir: tempDir(), format: 'json', actor: operator, at });
    expect(e.resources[0]!.rows).toBe(42);
    // No clear ID in what is shown or audited.
    const { listObjectionViews } = await import('../../governance/index.ts');
    const views = await listObjectionViews(ctx, { now: new Date('2026-10-14T09:00:00+08:00') });
    expect(views.map((v) => v.overdue)).toEqual([true, true]);
    expect(validIds(JSON.stringify(views))).toEqual([]);
    const audit = await wh.all<{ d: string }>(
      `SELECT CAST(details AS VARCHAR) AS d FROM gongshu.audit WHERE action LIKE 'objection-%'`,
    );
    expect(audit).toHaveLength(2);
    expect(validIds(JSON.stringify(audit))).toEqual([]);
  });

  it('stores the claim, evidence and note with IDs, mobile numbers and personal names masked', async () => {
    const { ctx, wh } = await openNode();
    const [row] = await wh.all<{ id: string; name: string }>(
      'SELECT id_number AS id, name FROM main.hukou ORDER BY 1 LIMIT 1',
    );
    const { id, name } = row!;
    expect(name.length).toBeGreaterThanOrEqual(2);
    const o = await raiseObjection(ctx, {
      dataset: 'hukou',
      key: id,
      columns: ['name'],
      claim: `${name}（身份证 ${id}，电话 13912345678）的姓名应为王小芳，户主：李建国`,
      evidence: `${name}本人提供户口簿，联系人${name}`,
      actor: operator,
      at,
    });
    await resolveObjection(ctx, {
      id: o.id,
      outcome: 'corrected',
      note: `已与${name}核实，姓名更正为王小芳`,
      actor: operator,
      at,
    });
    const [stored] = await wh.all<{ claim: string; evidence: string; note: string }>(
      'SELECT claim, evidence, note FROM gongshu.objections WHERE id = $1',
      [o.id],
    );
    const text = JSON.stringify(stored);
    for (const clear of [name, id, '13912345678', '王小芳', '李建国']) expect(text).not.toContain(clear);
    expect(validIds(text)).toEqual([]);
    expect(stored!.claim).toContain(
      `${name[0]}${'*'.repeat(Array.from(name).length - 1)}（身份证 ${id.slice(0, 6)}********${id.slice(14)}`,
    );
    expect(stored!.claim).toContain('电话 139****5678');
    expect(stored!.claim).toContain('姓名应为王**');
    expect(stored!.claim).toContain('户主：李**');
    expect(stored!.note).toContain('姓名更正为王**');
  });

  it('a confirmed error counts against the accuracy score; a record verified as right does not', async () => {
    const { ctx, wh } = await openNode();
    const keys = (
      await wh.all<{ id: string }>('SELECT id_number AS id FROM main.hukou ORDER BY 1 LIMIT 3')
    ).map((r) => r.id);
    const accuracy = async () => {
      const report = await runQuality(wh, { datasets: ['hukou'], history: false });
      const d = report.datasets[0]!;
      return {
        dim: d.dimensions.accuracy,
        score: d.score,
        rule: d.rules.find((r) => r.id === 'confirmed-errors'),
      };
    };
    const before = await accuracy();
    expect(before.rule).toBeUndefined();
    const raise = (key: string) =>
      raiseObjection(ctx, {
        dataset: 'hukou',
        key,
        columns: ['sex'],
        claim: '性别有误',
        actor: operator,
        at,
      });
    const a = await raise(keys[0]!);
    const b = await raise(keys[1]!);
    const c = await raise(keys[2]!);
    // Open objections do not count.
    expect((await accuracy()).rule).toBeUndefined();
    const later = new Date('2026-10-08T10:00:00+08:00');
    await resolveObjection(ctx, {
      id: a.id,
      outcome: 'corrected',
      note: '已更正',
      actor: operator,
      at: later,
    });
    await resolveObjection(ctx, {
      id: b.id,
      outcome: 'confirmed',
      note: '确有错误，待更正',
      actor: operator,
      at: later,
    });
    await resolveObjection(ctx, {
      id: c.id,
      outcome: 'continued',
      note: '核实无误，继续开放',
      actor: operator,
      at: later,
    });
    const after = await accuracy();
    expect(after.rule).toMatchObject({ dimension: 'accuracy', total: 42, failed: 2, status: 'fail' });
    expect(after.dim?.score).toBeCloseTo((100 * 40) / 42, 2);
    if (before.score !== null) expect(after.score!).toBeLessThan(before.score);
  });

  it('a suspended resource leaves the open export (latest removed) until the objection is resolved as corrected', async () => {
    const { ctx, wh } = await openNode();
    const out = tempDir();
    const code = openHukouEntry().code;
    await exportOpen(ctx, { codes: [], outDir: out, format: 'csv', actor: operator, at });
    const key = (await wh.all<{ id: string }>('SELECT id_number AS id FROM main.hukou LIMIT 1'))[0]!.id;
    const o = await raiseObjection(ctx, {
      dataset: 'hukou',
      key: key!,
      columns: ['name'],
      claim: '侵害个人权益',
      type: 'infringement',
      actor: operator,
      at,
    });
    await resolveObjection(ctx, {
      id: o.id,
      outcome: 'suspended',
      note: '中止开放，核查中',
      actor: operator,
      at,
    });
    expect(existsSync(join(out, resourceFolder(code), 'latest'))).toBe(false);
    expect(existsSync(join(out, resourceFolder(code), 'v1', 'data.csv'))).toBe(true); // kept for the record, not pointed to
    expect((await listResourceVersions(wh, code)).map((v) => v.status)).toEqual(['suspended']);
    expect((await openCatalog(ctx))[0]).toMatchObject({ code, state: 'suspended' });
    const skipped = await exportOpen(ctx, { codes: [], outDir: out, format: 'csv', actor: operator, at });
    expect(skipped.resources).toEqual([]);
    expect(skipped.skipped).toEqual([expect.objectContaining({ code, state: 'suspended' })]);
    expect(readdirSync(join(out, resourceFolder(code))).filter((n) => !n.startsWith('.'))).toEqual(['v1']);

    await resolveObjection(ctx, {
      id: o.id,
      outcome: 'corrected',
      note: '依法处理后开放',
      actor: operator,
      at,
    });
    const back = await exportOpen(ctx, { codes: [], outDir: out, format: 'csv', actor: operator, at });
    expect(back.resources[0]).toMatchObject({ code, version: 2 });
    expect(readlinkSync(join(out, resourceFolder(code), 'latest'))).toBe('v2');
  });
});

describe('open data and objections over HTTP (serve)', () => {
  it('POST /v1/objections raises a signed objection; GET /v1/open/resources drops a suspended resource', async () => {
    const root = tempDir();
    const kc = initKeys(join(root, 'c/.gongshu/keys'));
    const kp = initKeys(join(root, 'p/.gongshu/keys'));
    const p = await prefecture({
      catalog: openHukouEntry(),
      platform: { listen: { port: 0 }, children: [{ id: '650102', publicKey: kc.publicText }] },
    });
    closers.push(() => p.wh.close());
    const node = nodeContext(p.project, join(root, 'p'));
    const ctx = { ...p.ctx, node, config: governanceConfig(p.project, join(root, 'p')) };
    const app = createNodeServer({
      node,
      project: p.project,
      wh: p.wh,
      logger,
      serial: createSerial(),
      extend: (server, tools) => {
        objectionRoutes(ctx, kp)(server, tools);
        openDataRoutes(ctx, kp)(server, tools);
      },
      publicReads: [OPEN_API_PREFIX],
    });
    const url = await listen(app, node, 0);
    closers.push(() => app.close());
    await exportOpen(ctx, { codes: [], outDir: join(root, 'open'), format: 'csv', actor: operator, at });
    const call = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      signedRequest({
        baseUrl: url,
        node: '650102',
        keys: kc,
        method,
        path,
        ...(body ? { body: Buffer.from(JSON.stringify(body)), contentType: 'application/json' } : {}),
        timeoutMs: 10_000,
      });
    const listed = await call('GET', '/v1/open/resources');
    expect(listed.status).toBe(200);
    const resources = listed.json<{
      resources: { code: string; version: number; metadata: { citation: string } }[];
    }>().resources;
    expect(resources).toHaveLength(1);
    expect(resources[0]).toMatchObject({ code: openHukouEntry().code, version: 1 });
    expect(resources[0]!.metadata.citation).toContain('获取日期');

    const key = (await p.wh.all<{ id: string }>('SELECT id_number AS id FROM main.hukou LIMIT 1'))[0]!.id;
    const raised = await call('POST', '/v1/objections', {
      dataset: 'hukou',
      key,
      columns: ['name'],
      claim: '姓名有误',
      department: '天山区民政局',
      operator: 'wang.fang',
    });
    expect(raised.status, raised.body.toString()).toBe(201);
    const o = raised.json<{ id: string; status: string; dueAt: string }>();
    expect(o.status).toBe('open');
    await expect(
      call('POST', '/v1/objections', {
        dataset: 'hukou',
        key,
        columns: ['nope'],
        claim: 'x',
        department: 'd',
        operator: 'o',
      }),
    ).rejects.toThrow(/400 unknown-columns/);

    await resolveObjection(ctx, { id: o.id, outcome: 'suspended', note: '中止开放', actor: operator, at });
    const after = await call('GET', '/v1/open/resources');
    expect(after.json<{ resources: unknown[] }>().resources).toEqual([]);
  });
});
