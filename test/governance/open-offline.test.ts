/**
 * Taking open resources offline (第二十四条, GOVERNANCE B) on a real DuckDB file and real folders: the live
 * version is never taken offline alone (a replaced resource stays until its successor is live); an old version
 * goes with its files and the consumers are told; retiring takes the whole resource out of the export until it
 * is reopened; every open export is an entry of the usage log; a code with `/` is one folder; a catalogued
 * foundation table is exported like a dataset.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approveCatalogVersion,
  decideRequest,
  exportOpen,
  listResourceVersions,
  listUsageEntries,
  type OfflineNotice,
  openCatalog,
  publishCatalogVersion,
  resourceFolder,
  reviewRequest,
  submitCatalogVersion,
  submitRequest,
  takeOffline,
  verifyUsage,
} from '../../governance/index.ts';
import { buildProject, defineFoundation } from '../../jobs/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hukouEntry } from './entries.ts';
import { openHukouEntry, publicHukouEntry } from './open-entries.ts';
import { operator, prefecture } from './sharing-fixture.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const at = new Date('2026-09-30T10:00:00+08:00');
const later = new Date('2026-10-09T10:00:00+08:00');
const code = openHukouEntry().code;

async function exported(versions: number) {
  const p = await prefecture({ catalog: openHukouEntry() });
  closers.push(() => p.wh.close());
  const out = tempDir();
  for (let i = 0; i < versions; i++)
    await exportOpen(p.ctx, { codes: [], outDir: out, format: 'csv', actor: operator, at });
  return { ...p, out, codeDir: join(out, resourceFolder(code)) };
}

describe('open offline (GOVERNANCE B)', () => {
  it('writes a code with "/" as one folder, never nested ones', async () => {
    expect(code).toContain('/');
    const { out } = await exported(1);
    expect(readdirSync(out)).toEqual([code.replaceAll('/', '_')]);
    expect(() => resourceFolder('../X')).toThrow(/cannot name a folder/);
  });

  it('refuses to take the live version offline alone; an old version goes with its files; consumers are told', async () => {
    const { ctx, wh, codeDir } = await exported(0);
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
    const outDir = join(codeDir, '..');
    for (let i = 0; i < 3; i++)
      await exportOpen(ctx, { codes: [], outDir, format: 'csv', actor: operator, at });
    await expect(takeOffline(ctx, { code, version: 3, actor: operator, at: later })).rejects.toThrow(
      /v3 is the live version; a replaced resource stays available until its successor is live/,
    );
    const notices: OfflineNotice[] = [];
    const one = await takeOffline(ctx, {
      code,
      version: 1,
      reason: '超过保留期',
      actor: operator,
      at: later,
      notify: (n) => notices.push(n),
    });
    expect(one).toMatchObject({ retired: false, live: 3, versions: [{ version: 1, status: 'offline' }] });
    expect(existsSync(join(codeDir, 'v1'))).toBe(false);
    expect(readdirSync(codeDir).sort()).toEqual(['latest', 'v2', 'v3']);
    expect(notices).toEqual([
      expect.objectContaining({
        versions: [1],
        live: 3,
        consumers: [{ node: '650100', department: '市民政局' }],
      }),
    ]);
    await expect(takeOffline(ctx, { code, version: 1, actor: operator, at: later })).rejects.toThrow(
      /v1 is already offline/,
    );
    const rest = await takeOffline(ctx, { code, superseded: true, actor: operator, at: later });
    expect(rest.versions.map((v) => v.version)).toEqual([2]);
    expect(readdirSync(codeDir).sort()).toEqual(['latest', 'v3']);
    expect(readlinkSync(join(codeDir, 'latest'))).toBe('v3');
    const versions = await listResourceVersions(wh, code);
    expect(versions.map((v) => [v.version, v.status, v.removedAt !== null])).toEqual([
      [3, 'live', false],
      [2, 'offline', true],
      [1, 'offline', true],
    ]);
    const audit = await wh.all<{ n: number }>(
      `SELECT count(*) AS n FROM gongshu.audit WHERE action = 'open-offline'`,
    );
    expect(Number(audit[0]!.n)).toBe(2);
  });

  it('retires the whole resource: latest removed, left out of the export until reopened', async () => {
    const { ctx, wh, out, codeDir } = await exported(2);
    const r = await takeOffline(ctx, { code, actor: operator, at: later });
    expect(r).toMatchObject({ retired: true, live: null });
    expect(r.versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'retired'],
      [1, 'offline'],
    ]);
    expect(readdirSync(codeDir)).toEqual([]);
    expect((await openCatalog(ctx))[0]).toMatchObject({ code, state: 'retired' });
    const skipped = await exportOpen(ctx, {
      codes: [],
      outDir: out,
      format: 'csv',
      actor: operator,
      at: later,
    });
    expect(skipped.resources).toEqual([]);
    expect(skipped.skipped).toEqual([expect.objectContaining({ code, state: 'retired' })]);
    await expect(takeOffline(ctx, { code, actor: operator, at: later })).rejects.toThrow(/already offline/);
    const back = await exportOpen(ctx, {
      codes: [code],
      outDir: out,
      format: 'csv',
      actor: operator,
      at: later,
      reopen: true,
    });
    expect(back.resources[0]).toMatchObject({ code, version: 3 });
    expect(readlinkSync(join(codeDir, 'latest'))).toBe('v3');
    expect((await openCatalog(ctx))[0]).toMatchObject({ code, state: 'open', liveVersion: 3 });
    expect((await listResourceVersions(wh, code)).map((v) => v.status)).toEqual([
      'live',
      'retired',
      'offline',
    ]);
  });

  it('logs every open export in the usage log, chained in the audit', async () => {
    const { ctx, wh } = await exported(2);
    const version = (u: { details: unknown }) => (u.details as { version: number }).version;
    const uses = (await listUsageEntries(wh, { kind: 'open-export' })).sort(
      (a, b) => version(a) - version(b),
    );
    expect(uses.map((u) => [u.dataset, u.rows, u.department])).toEqual([
      ['hukou', 42, openHukouEntry().provider.name],
      ['hukou', 42, openHukouEntry().provider.name],
    ]);
    expect(uses[0]!.storage).toMatch(/v1\/data\.csv$/);
    expect(uses.map(version)).toEqual([1, 2]);
    expect(await verifyUsage(ctx)).toEqual([]);
  });

  it('exports a catalogued foundation table like a dataset, with the build as its acquisition date', async () => {
    const p = await prefecture({ catalog: openHukouEntry() });
    closers.push(() => p.wh.close());
    const entry = hukouEntry({
      ...(publicHukouEntry() as object),
      code: '1/01/009/0002',
      name: '人口基础信息（开放）',
    });
    const people = defineFoundation({
      name: 'people',
      title: '人口基础库',
      key: 'citizen-id',
      fields: {
        name: { source: 'hukou', column: 'name' },
        sex: { source: 'hukou', column: 'sex' },
        birth_date: { source: 'hukou', column: 'birth_date' },
      },
      catalog: entry,
    });
    const project = { ...p.project, foundations: [people] };
    const ctx = { ...p.ctx, project };
    expect((await buildProject(p.wh, project, { gates: false })).status).toBe('succeeded');
    const actor = operator;
    await submitCatalogVersion(ctx, { code: entry.code, trigger: { kind: 'initial' }, actor, at });
    await approveCatalogVersion(ctx, { code: entry.code, actor: { operator: 'li.na' }, at });
    await publishCatalogVersion(ctx, { code: entry.code, actor: { operator: 'li.na' }, at });
    const catalog = await openCatalog(ctx);
    expect(catalog.find((r) => r.code === entry.code)).toMatchObject({
      dataset: 'foundation.people',
      layer: 'foundation',
      state: 'open',
    });
    const out = tempDir();
    const r = await exportOpen(ctx, { codes: [entry.code], outDir: out, format: 'csv', actor, at });
    expect(r.resources).toEqual([expect.objectContaining({ code: entry.code, version: 1, rows: 42 })]);
    const meta = JSON.parse(readFileSync(join(r.resources[0]!.dir, 'metadata.json'), 'utf8'));
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(meta).toMatchObject({
      sourceDataset: 'foundation.people',
      layer: 'foundation',
      acquisitionDate: today,
    });
    expect(meta.columns.map((c: { name: string }) => c.name).sort()).toEqual([
      'birth_date',
      'id_number',
      'name',
      'sex',
    ]);
    expect((await listUsageEntries(p.wh, { kind: 'open-export' }))[0]).toMatchObject({
      dataset: 'foundation.people',
      rows: 42,
    });
  });
});
