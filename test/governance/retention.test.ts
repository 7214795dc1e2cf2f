/**
 * The usage log and its retention: entries with every art. 15 field, an edited entry detected, destruction, the
 * 3-year minimum refused below, and archiving into signed segments that `verify` spans (deleting only entries
 * both archived and older than the retention).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  archiveAudit,
  destroyDataset,
  drainUsageSpool,
  listUsage,
  recordUsage,
  recordUsageEffect,
  spoolUsage,
  verifyAuditAndArchives,
} from '../../governance/index.ts';
import { appendAudit, initKeys, listAudit } from '../../platform/index.ts';
import { defineProject } from '../../project/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { operator, prefecture } from './sharing-fixture.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('usage log', () => {
  it('records every art. 15 field, the effect later, and a destruction; an edited entry or effect is detected', async () => {
    const p = await prefecture({ publish: false });
    closers.push(() => p.wh.close());
    const use = await recordUsage(p.ctx, {
      kind: 'sql-read',
      dataset: 'hukou',
      actor: { operator: 'zhao.lei', department: '市民政局' },
      scenario: '低保资格复核',
      intendedUse: '核对户籍',
      storage: 'warehouse main.hukou',
      encryption: 'none',
      rows: 42,
      queryHash: 'a'.repeat(64),
      at: new Date('2026-10-12T10:00:00+08:00'),
    });
    await recordUsageEffect(p.ctx, { id: use.id, text: '复核 42 户', actor: operator, at: new Date() });
    const destroyed = await destroyDataset(p.ctx, {
      dataset: 'hukou',
      method: '删除数据表',
      reason: '使用期满',
      actor: operator,
      at: new Date('2026-12-01T10:00:00+08:00'),
    });
    expect(destroyed).toMatchObject({ tables: ['main.hukou'], rows: 42 });
    expect(await p.wh.value(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'hukou'`)).toBe(0);
    const [read, destruction] = await listUsage(p.ctx);
    expect(read).toEqual({
      id: use.id,
      at: '2026-10-12T10:00:00+08:00',
      kind: 'sql-read',
      grantId: null,
      requestId: null,
      dataset: 'hukou',
      department: '市民政局',
      operator: 'zhao.lei',
      scenario: '低保资格复核',
      use: '核对户籍',
      storage: 'warehouse main.hukou',
      encryption: 'none',
      rows: 42,
      effect: '复核 42 户',
      destruction: { at: '2026-12-01T10:00:00+08:00', method: '删除数据表', operator: 'zhang.wei' },
    });
    expect(destruction).toMatchObject({ kind: 'destruction', rows: 42, storage: 'main.hukou' });
    expect((await verifyAuditAndArchives(p.ctx)).ok).toBe(true);
    await p.wh.run(`UPDATE gongshu.usage SET scenario = '其他用途' WHERE id = $1`, [use.id]);
    expect((await verifyAuditAndArchives(p.ctx)).usage).toMatchObject([{ id: use.id, problem: 'edited' }]);
    await p.wh.run(
      `UPDATE gongshu.usage SET scenario = '低保资格复核', effect = '复核 420 户' WHERE id = $1`,
      [use.id],
    );
    expect((await verifyAuditAndArchives(p.ctx)).usage).toMatchObject([
      { id: use.id, problem: 'effect-edited' },
    ]);
    await expect(
      destroyDataset(p.ctx, { dataset: 'hukou', method: 'x', reason: 'y', actor: operator, at: new Date() }),
    ).rejects.toThrow(/holds no table/);
  });

  it('a use spooled while the warehouse was held is logged, with its time, by the next writer', async () => {
    const p = await prefecture({ publish: false });
    closers.push(() => p.wh.close());
    const at = new Date('2026-10-12T10:00:00+08:00');
    spoolUsage(p.ctx.config.dir, {
      kind: 'sql-read',
      actor: { operator: 'zhao.lei' },
      rows: 3,
      queryHash: 'b'.repeat(64),
      at,
    });
    expect(await drainUsageSpool(p.ctx)).toBe(1);
    expect(await drainUsageSpool(p.ctx)).toBe(0);
    expect(await listUsage(p.ctx)).toMatchObject([
      { kind: 'sql-read', at: '2026-10-12T10:00:00+08:00', rows: 3, operator: 'zhao.lei' },
    ]);
    expect((await verifyAuditAndArchives(p.ctx)).ok).toBe(true);
  });

  it('refuses a retention under three years in the project', () => {
    const define = (retentionYears: number) => () =>
      defineProject({
        name: 'p',
        node: { id: '650100', level: 'prefecture', name: 'p' },
        audit: { retentionYears },
      });
    expect(define(2)).toThrow(/audit.*retentionYears.*at least 3|at least three years/s);
    expect(define(3)).not.toThrow();
  });
});

describe('audit archive', () => {
  it('archives into signed segments, deletes only archived entries past retention, and verify spans the archive', async () => {
    const p = await prefecture({ publish: false });
    closers.push(() => p.wh.close());
    const keys = initKeys(join(tempDir(), 'keys'));
    // Ten entries from 2021–2022 (past the 3-year retention), then current ones.
    for (let i = 0; i < 10; i++) {
      await appendAudit(
        p.wh,
        '650100',
        { action: 'push-received', peer: '650102', dataset: 'hukou', rows: i },
        new Date(Date.UTC(2021, i, 15)),
      );
    }
    await recordUsage(p.ctx, { kind: 'export', dataset: 'hukou', actor: operator, rows: 5, at: new Date() });
    const before = (await listAudit(p.wh)).length;
    expect(before).toBe(11);

    const first = await archiveAudit(p.ctx, { before: '2022-01-01', keys });
    expect(first).toMatchObject({ archived: 10, deleted: 10 });
    expect(first.segment).toMatchObject({
      first: { seq: 1 },
      last: { seq: 10 },
      entries: 10,
      publicKey: keys.publicText,
    });
    expect((await listAudit(p.wh)).map((e) => e.seq)).toEqual([11, 12]); // the usage export and the archive run
    const v = await verifyAuditAndArchives(p.ctx);
    expect(v).toMatchObject({ ok: true, archive: { segments: 1, entries: 10, problems: [] }, usage: [] });

    // A recent entry is archived but kept: it is within the retention.
    const second = await archiveAudit(p.ctx, { before: '2099-01-01', keys });
    expect(second).toMatchObject({ archived: 2, deleted: 0 });
    expect((await listAudit(p.wh)).map((e) => e.seq)).toEqual([11, 12, 13]);
    expect((await verifyAuditAndArchives(p.ctx)).ok).toBe(true);

    // Tampering with a segment is detected; restoring it makes the archive verify again.
    const dir = p.ctx.config.audit.archivePath;
    const segment = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
    const text = readFileSync(join(dir, segment), 'utf8');
    writeFileSync(join(dir, segment), text.replace('"rows":3', '"rows":4'));
    const tampered = await verifyAuditAndArchives(p.ctx);
    expect(tampered.ok).toBe(false);
    expect(tampered.archive.problems.join('\n')).toMatch(
      /SM3 differs.*\n?.*entry 4 does not match its hash/s,
    );
    writeFileSync(join(dir, segment), text);
    expect((await verifyAuditAndArchives(p.ctx)).ok).toBe(true);
    await expect(archiveAudit({ ...p.ctx }, { before: 'soon', keys })).rejects.toThrow(
      /--before: expected a date/,
    );
  });
});
