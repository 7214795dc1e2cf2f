/**
 * Taking open resources offline (第二十四条, GOVERNANCE B) on a real DuckDB file and real folders: the live
 * version is never taken offline alone (a replaced resource stays until its successor is live); an old version
 * goes with its files and the consumers are told; retiring takes the whole resource out of the export until it
 * is reopened; every open export is an entry of the usage log; a code with `/` is one folder.
 */
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decideRequest,
  exportOpen,
  listResourceVersions,
  listUsageEntries,
  type OfflineNotice,
  openCatalog,
  resourceFolder,
  reviewRequest,
  submitRequest,
  takeOffline,
  verifyUsage,
} from '../../governance/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { openHukouEntry } from './open-entries.ts';
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
});
