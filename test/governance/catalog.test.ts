/**
 * The catalog lifecycle: versions submitted, approved and published; a law change answered within 15 working days
 * or flagged; conditional entries past their review date flagged; the export with the 1272 guide's columns.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approveCatalogVersion,
  CATALOG_EXPORT_COLUMNS,
  catalogProblems,
  diffCatalog,
  listCatalogVersions,
  publishCatalogVersion,
  registerCatalogTrigger,
  renderCatalogExport,
  reviewCatalogEntry,
  submitCatalogVersion,
} from '../../governance/index.ts';
import { runPipelines } from '../../pipelines/index.ts';
import { listAudit } from '../../platform/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hukouRows } from '../platform/fixture.ts';
import { contextOf, governedProject, hukouEntry, operator } from './sharing-fixture.ts';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const at = (t: string) => new Date(`${t}T10:00:00+08:00`);
const reviewer = { operator: 'li.na', department: '自治区数据局' };

async function node(catalog: ReturnType<typeof hukouEntry> | null = hukouEntry()) {
  const dir = tempDir();
  const project = governedProject({
    id: '650100',
    level: 'prefecture',
    rows: hukouRows('650102', 3),
    catalog,
  });
  const wh = await openWarehouse({ path: join(dir, 'w.duckdb') });
  closers.push(() => wh.close());
  await runPipelines(wh, project);
  return { project, wh, dir, ctx: contextOf(project, dir, wh) };
}

async function code(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'ok';
}

describe('catalog lifecycle', () => {
  it('submits, approves and publishes versions; only one pending at a time; unchanged entries are refused', async () => {
    const { ctx, wh } = await node();
    expect((await diffCatalog(ctx))[0]).toMatchObject({ state: 'new', latestVersion: null });
    expect((await catalogProblems(ctx, { at: at('2026-09-01') })).map((p) => p.problem)).toEqual([
      'unpublished',
    ]);
    expect(
      await code(() => approveCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-09-01') })),
    ).toBe('governance-wrong-state');
    const v1 = await submitCatalogVersion(ctx, {
      code: 'hukou',
      trigger: { kind: 'initial' },
      actor: operator,
      at: at('2026-09-01'),
    });
    expect(v1).toMatchObject({
      version: 1,
      status: 'submitted',
      changedFields: ['(new entry)'],
      dueDate: null,
    });
    expect(
      await code(() =>
        submitCatalogVersion(ctx, {
          code: 'hukou',
          trigger: { kind: 'routine' },
          actor: operator,
          at: at('2026-09-01'),
        }),
      ),
    ).toBe('governance-version-pending');
    expect(
      await code(() => publishCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-09-01') })),
    ).toBe('governance-wrong-state');
    await approveCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-09-02') });
    const published = await publishCatalogVersion(ctx, {
      code: '1/01/001/0001',
      actor: reviewer,
      at: at('2026-09-02'),
    });
    expect(published).toMatchObject({ version: 1, status: 'published', reviewer: 'li.na', late: false });
    expect(
      await code(() =>
        submitCatalogVersion(ctx, {
          code: 'hukou',
          trigger: { kind: 'routine' },
          actor: operator,
          at: at('2026-09-03'),
        }),
      ),
    ).toBe('governance-unchanged');
    expect((await diffCatalog(ctx))[0]).toMatchObject({ state: 'unchanged', publishedVersion: 1 });
    expect((await listAudit(wh)).map((e) => e.action)).toEqual([
      'catalog-submitted',
      'catalog-approved',
      'catalog-published',
    ]);
  });

  it('a law change is due 15 working days later; a late change is flagged overdue, then published late', async () => {
    const first = await node();
    await submitCatalogVersion(first.ctx, {
      code: 'hukou',
      trigger: { kind: 'initial' },
      actor: operator,
      at: at('2026-09-01'),
    });
    await approveCatalogVersion(first.ctx, { code: 'hukou', actor: reviewer, at: at('2026-09-01') });
    await publishCatalogVersion(first.ctx, { code: 'hukou', actor: reviewer, at: at('2026-09-01') });
    // The law changes on 2026-09-21; with National Day in between, 15 working days run to 2026-10-19.
    const trigger = await registerCatalogTrigger(first.ctx, {
      code: 'hukou',
      kind: 'law',
      date: '2026-09-21',
      reference: '新政办发〔2026〕12号',
      actor: operator,
      at: at('2026-09-22'),
    });
    expect(trigger.dueDate).toBe('2026-10-19');
    const soon = await catalogProblems(first.ctx, { at: at('2026-10-12') });
    expect(soon.filter((p) => p.problem === 'update-overdue')).toMatchObject([
      { dueDate: '2026-10-19', overdue: false },
    ]);
    const late = await catalogProblems(first.ctx, { at: at('2026-10-20') });
    expect(late.filter((p) => p.overdue).map((p) => p.problem)).toEqual(['update-overdue']);

    // The entry changes in code (the law made 联系电话 not shared); the new version answers the trigger, late.
    const base = hukouEntry();
    const changed = governedProject({
      id: '650100',
      level: 'prefecture',
      rows: hukouRows('650102', 3),
      catalog: hukouEntry({
        fields: base.fields.map((f) => (f.name === 'mobile' ? { ...f, shareType: 'none' } : f)) as never,
      }),
    });
    const ctx = contextOf(changed, first.dir, first.wh);
    expect((await diffCatalog(ctx))[0]).toMatchObject({
      state: 'changed',
      changes: ['fields.mobile.shareType'],
    });
    const v2 = await submitCatalogVersion(ctx, {
      code: 'hukou',
      trigger: { kind: 'routine' },
      actor: operator,
      at: at('2026-10-20'),
    });
    expect(v2).toMatchObject({
      version: 2,
      triggerKind: 'law',
      triggerDate: '2026-09-21',
      dueDate: '2026-10-19',
      changedFields: ['fields.mobile.shareType'],
    });
    expect(
      (await catalogProblems(ctx, { at: at('2026-10-20') })).filter((p) => p.problem === 'update-overdue'),
    ).toMatchObject([{ overdue: true, detail: expect.stringContaining('version 2 submitted') }]);
    await approveCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-10-21') });
    expect(
      (await publishCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-10-21') })).late,
    ).toBe(true);
    expect((await catalogProblems(ctx, { at: at('2026-10-21') })).map((p) => p.problem)).toEqual([]);
    expect((await listCatalogVersions(ctx.wh)).map((v) => `${v.version}:${v.status}`)).toEqual([
      '1:superseded',
      '2:published',
    ]);
  });

  it('flags law changes, reviews, missing entries and unpublished changes', async () => {
    const { ctx } = await node();
    await submitCatalogVersion(ctx, {
      code: 'hukou',
      trigger: { kind: 'initial' },
      actor: operator,
      at: at('2026-03-02'),
    });
    await approveCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-03-02') });
    await publishCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-03-02') });
    // conditional entry: reviewDueAt 2027-03-01 comes before the yearly review (2027-03-02)
    const due = await catalogProblems(ctx, { at: at('2027-03-02') });
    expect(due).toMatchObject([{ problem: 'review-overdue', dueDate: '2027-03-01', overdue: true }]);
    const review = await reviewCatalogEntry(ctx, {
      code: 'hukou',
      outcome: 'keep',
      actor: reviewer,
      at: at('2027-03-03'),
    });
    expect(review.nextDue).toBe('2028-03-03');
    expect(await catalogProblems(ctx, { at: at('2027-03-04') })).toEqual([]);
    expect(
      await code(() =>
        reviewCatalogEntry(ctx, {
          code: 'hukou',
          outcome: 'keep',
          next: '2027-01-01',
          actor: reviewer,
          at: at('2027-03-04'),
        }),
      ),
    ).toBe('governance-bad-date');
    const bare = await node(null);
    expect(await catalogProblems(bare.ctx, { at: at('2027-03-04') })).toMatchObject([
      { problem: 'not-catalogued', dataset: 'hukou', overdue: true },
    ]);
  });

  it('refuses a conditional entry without a review date, and law triggers without date or reference', async () => {
    const noReview = await node(hukouEntry({ reviewDueAt: undefined }));
    expect(
      await code(() =>
        submitCatalogVersion(noReview.ctx, {
          code: 'hukou',
          trigger: { kind: 'initial' },
          actor: operator,
          at: at('2026-09-01'),
        }),
      ),
    ).toBe('governance-review-date-missing');
    const { ctx } = await node();
    for (const trigger of [
      { kind: 'law' as const },
      { kind: 'duty' as const, date: '2026-09-01' },
      { kind: 'law' as const, date: '2026-12-01', reference: 'x' },
    ]) {
      expect(
        await code(() =>
          submitCatalogVersion(ctx, { code: 'hukou', trigger, actor: operator, at: at('2026-09-10') }),
        ),
      ).toMatch(/governance-trigger-(incomplete|in-future)/);
    }
    expect(await listCatalogVersions(ctx.wh)).toEqual([]);
    const law = await submitCatalogVersion(ctx, {
      code: 'hukou',
      trigger: { kind: 'law', date: '2026-09-21', reference: '新政办发〔2026〕12号' },
      actor: operator,
      at: at('2026-10-20'),
    });
    expect(law.dueDate).toBe('2026-10-19');
    await approveCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-10-20') });
    expect(
      (await publishCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-10-20') })).late,
    ).toBe(true);
  });

  it('exports the published catalog with the column names of the 2017 compiling guide', async () => {
    const { ctx } = await node();
    await submitCatalogVersion(ctx, {
      code: 'hukou',
      trigger: { kind: 'initial' },
      actor: operator,
      at: at('2026-09-01'),
    });
    await approveCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-09-01') });
    await publishCatalogVersion(ctx, { code: 'hukou', actor: reviewer, at: at('2026-09-01') });
    const versions = await listCatalogVersions(ctx.wh);
    const csv = (await renderCatalogExport(versions, 'csv')).toString('utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFF信息资源分类,信息资源名称,信息资源代码,信息资源提供方,信息资源提供方代码,信息资源摘要,信息资源格式,信息项信息,共享类型,共享条件,共享方式,是否向社会开放,开放条件,更新周期,发布日期,关联资源代码,版本,数据级别,个人信息',
    );
    const [row] = JSON.parse((await renderCatalogExport(versions, 'json')).toString('utf8'));
    expect(row).toMatchObject({
      信息资源代码: '1/01/001/0001',
      共享类型: '有条件共享',
      是否向社会开放: '否',
      更新周期: '每日',
      版本: '1',
    });
    const book = new ExcelJS.Workbook();
    const xlsx = await renderCatalogExport(versions, 'xlsx');
    await book.xlsx.load(
      xlsx.buffer.slice(xlsx.byteOffset, xlsx.byteOffset + xlsx.byteLength) as ArrayBuffer,
    );
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(9).value).toBe('共享属性');
    expect(sheet.getRow(2).getCell(9).value).toBe('共享类型');
    expect(sheet.getRow(2).getCell(12).value).toBe('是否向社会开放');
    expect(sheet.getRow(3).getCell(3).value).toBe('1/01/001/0001');
    expect(CATALOG_EXPORT_COLUMNS.map((c) => c.name)).toContain('信息项信息');
  });
});
