/**
 * One data, one source across the catalog (GOVERNANCE.md H) and the yearly evaluation (I) on the example region,
 * with figures checked against the generator's manifest; and a region folding a child's evaluation received with
 * a real signed push.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_UNPUBLISHED, demoOpenData } from '../../cli/demo-open-data.ts';
import { department } from '../../examples/xinjiang/catalog/departments.ts';
import { xinjiangFoundations } from '../../examples/xinjiang/foundations.ts';
import { generateRegion } from '../../examples/xinjiang/generate/index.ts';
import { xinjiangPipelines } from '../../examples/xinjiang/pipelines.ts';
import {
  EVALUATION_SUMMARY,
  evaluateYear,
  evaluationSummary,
  evaluationToSend,
  isEvaluation,
  markEvaluationSent,
  oneSourceReport,
  oneSourceWarnings,
} from '../../governance/index.ts';
import { buildProject } from '../../jobs/index.ts';
import { runPipelines } from '../../pipelines/index.ts';
import { listReceivedSummaries, pushUpward } from '../../platform/index.ts';
import { defineProject } from '../../project/index.ts';
import { runQuality } from '../../quality/index.ts';
import { evaluationReader, gatherDashboard, renderSite } from '../../reports/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hierarchy, logger } from './sharing-fixture.ts';

const CITIZEN_ID = /\b\d{17}[\dX]\b/;
const now = new Date();
const year = Number(
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(now),
);
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);

async function exampleRegion() {
  const dir = tempDir();
  const manifest = await generateRegion({ outDir: dir, people: 1500, seed: 11, asOf: today });
  const project = defineProject({
    name: 'xinjiang',
    node: { id: '650000', level: 'region', name: '新疆维吾尔自治区' },
    pipelines: xinjiangPipelines(dir),
    foundations: xinjiangFoundations,
  });
  const wh = await openWarehouse({ path: join(dir, 'w.duckdb') });
  const run = await runPipelines(wh, project);
  expect(run.status).toBe('succeeded');
  return { dir, manifest, project, wh };
}

describe('one data, one source across the catalog (H)', () => {
  it('lists each dataset collecting an element held by another department, with department and overlap', async () => {
    const { project, wh } = await exampleRegion();
    try {
      // Before the foundations are built: listed, without figures.
      const before = await oneSourceReport(wh, project);
      expect(before.duplicates.length).toBeGreaterThan(0);
      expect(before.duplicates.every((d) => d.overlap === null)).toBe(true);

      await buildProject(wh, project, { gates: false });
      const report = await oneSourceReport(wh, project);
      const gongan = department('gongan').name;
      const lines = report.duplicates.map((d) => [d.dataset, d.element, d.department, d.declaredBy]);
      expect(lines).toEqual(
        expect.arrayContaining([
          // Declared by a catalog item: 民政厅's marriage register holds the husband's name (公安厅's element).
          ['marriage', 'person.name', department('minzheng').name, 'catalog'],
          // Compared by the population foundation.
          ['social_security', 'person.name', department('renshe').name, 'foundation'],
          ['births_deaths', 'person.name', department('weijian').name, 'foundation'],
          ['births_deaths', 'person.sex', department('weijian').name, 'foundation'],
          ['births_deaths', 'person.birth_date', department('weijian').name, 'foundation'],
          ['hukou', 'person.marital_status', gongan, 'foundation'],
        ]),
      );
      expect(report.duplicates).toHaveLength(6);
      for (const d of report.duplicates) {
        expect(d.authoritative.every((a) => a.department !== d.department)).toBe(true);
        expect(d.overlap).toBeGreaterThan(0);
        expect(d.disagreeing).toBeGreaterThanOrEqual(0);
        expect(d.disagreeing).toBeLessThanOrEqual(d.overlap!);
      }
      const marriage = report.duplicates.find((d) => d.dataset === 'marriage')!;
      expect(marriage.authoritative).toEqual([{ dataset: 'hukou', department: gongan }]);
      // The overlap is the husbands both registers know: every marriage row's husband is a resident.
      const husbands = await wh.value<bigint>(
        `SELECT count(DISTINCT m.husband_id) FROM marriage m JOIN foundation.population p ON p.id_number = m.husband_id
         WHERE m.husband_name IS NOT NULL AND p.name IS NOT NULL`,
      );
      expect(marriage.overlap).toBe(Number(husbands));
      const warnings = oneSourceWarnings(report);
      expect(warnings).toHaveLength(6);
      expect(warnings.join('\n')).not.toMatch(CITIZEN_ID);
    } finally {
      wh.close();
    }
  });
});

describe('yearly evaluation (I)', () => {
  it(`evaluates the example region per department, figures matching the generator's manifest`, async () => {
    const { manifest, project, wh } = await exampleRegion();
    try {
      const assessed = await runQuality(wh, {
        definitions: project.quality,
        node: { id: '650000', name: '新疆维吾尔自治区' },
      });
      await buildProject(wh, project, { gates: false });
      const e = await evaluateYear({ wh, project }, { year, node: project.node });
      expect(e.year).toBe(year);
      expect(e.children).toEqual([]);

      const byDepartment = new Map<string, { read: number; loaded: number; quarantined: number }>();
      for (const f of Object.values(manifest.files)) {
        const name = department(f.department).name;
        const d = byDepartment.get(name) ?? { read: 0, loaded: 0, quarantined: 0 };
        d.read += f.dataRows;
        d.loaded += f.expected.keyValid;
        d.quarantined += Object.values(f.expected.keyInvalid).reduce((a, n) => a + n, 0);
        byDepartment.set(name, d);
      }
      expect(e.departments.map((d) => d.department).sort()).toEqual([...byDepartment.keys()].sort());
      for (const d of e.departments) {
        const m = byDepartment.get(d.department!)!;
        expect({ department: d.department, ...d.collected, loads: undefined }).toEqual({
          department: d.department,
          rowsRead: m.read,
          rowsLoaded: m.loaded,
          rowsQuarantined: m.quarantined,
          loads: undefined,
        });
        // Nothing of the example catalog is published yet: every entry is missing (art. 44).
        expect(d.catalog.entries).toBe(d.datasets.length);
        expect(d.failures.missingCatalogEntries).toBe(d.datasets.length);
        expect(d.quality.runs).toBe(1);
        // The mean of the department's dataset scores in the run (a score may be 0 under the deduction formula).
        const scores = assessed.datasets
          .filter((x) => x.layer === null && x.department?.name === d.department && x.score !== null)
          .map((x) => x.score!);
        expect(scores.length).toBeGreaterThan(0);
        const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
        expect(Math.abs(d.quality.score! - mean)).toBeLessThanOrEqual(0.05 + 1e-9); // rounded to one decimal
        // Objections are recorded on this node (gongshu.objections); none was raised in this run.
        expect(d.objections).toEqual({
          raised: 0,
          resolved: 0,
          resolvedOnTime: 0,
          unresolved: 0,
          overdue: 0,
        });
        expect(d.failures.unresolvedObjections).toBe(0);
      }
      const repeated = Object.fromEntries(
        e.departments.map((d) => [d.department, d.failures.repeatedCollection]),
      );
      expect(repeated).toEqual({
        [department('gongan').name]: 1,
        [department('minzheng').name]: 1,
        [department('weijian').name]: 3,
        [department('renshe').name]: 1,
        [department('shichang').name]: 0,
        [department('bianban').name]: 0,
      });
      expect(e.failures.repeatedCollection).toBe(6);
      expect(JSON.stringify(e)).not.toMatch(CITIZEN_ID);

      // The dashboard: the article-44 section lists exactly the five failures per department, one page each.
      const report = await runQuality(wh, {
        definitions: project.quality,
        node: { id: '650000', name: '新疆维吾尔自治区' },
      });
      const model = await gatherDashboard(wh, report, {
        evaluation: evaluationReader({ year, at: now, project, node: project.node }),
      });
      for (const lang of ['zh-CN', 'en'] as const) {
        const files = renderSite(model, { lang });
        const html = files.get('evaluation.html')!;
        const section = html.slice(html.indexOf('id="article-44"'), html.indexOf('id="departments"'));
        const heads = [...section.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
        expect(JSON.stringify(model.evaluation)).not.toMatch(CITIZEN_ID);
        expect(heads).toEqual(
          lang === 'en'
            ? [
                'Department',
                'Missing catalog entries',
                'Repeated collection',
                'Overdue requests',
                'Overdue catalog updates',
                'Unresolved objections',
              ]
            : ['部门', '目录缺失或未发布', '重复采集', '共享申请逾期', '目录逾期未更新', '异议未处理'],
        );
        for (const d of e.departments) expect(section).toContain(d.department!);
        expect(html).toContain('person.marital_status');
        for (let n = 1; n <= e.departments.length; n++) expect(files.has(`evaluation-${n}.html`)).toBe(true);
        for (const [name, text] of files)
          if (name.startsWith('evaluation')) expect(text).not.toMatch(CITIZEN_ID);
      }
    } finally {
      wh.close();
    }
  });
});

describe('the demo of the example region (npm start)', () => {
  it('publishes every catalog entry but a deliberate two, reviews them, opens enterprises: the evaluation shows it', async () => {
    const { dir, project, wh } = await exampleRegion();
    try {
      const r = await demoOpenData(wh, { project, dir, file: join(dir, 'gongshu.config.ts') });
      expect(r.exported.map((x) => x.code)).toEqual(['1/02/001/0001']);
      const e = await evaluateYear({ wh, project }, { year, node: project.node, backups: null });
      const missing = Object.fromEntries(
        e.departments.map((d) => [d.department, d.failures.missingCatalogEntries]),
      );
      expect(missing).toEqual({
        [department('gongan').name]: 0,
        [department('minzheng').name]: 1, // social_orgs
        [department('weijian').name]: 1, // births_deaths
        [department('renshe').name]: 0,
        [department('shichang').name]: 0,
        [department('bianban').name]: 0,
      });
      expect(DEMO_UNPUBLISHED).toEqual(['births_deaths', 'social_orgs']);
      for (const d of e.departments) {
        expect(d.catalog.published).toBe(d.catalog.entries - d.catalog.missing);
        expect(d.security).toMatchObject({
          graded: d.datasets.length,
          gradeCoverage: 100,
          reviewed: d.catalog.published,
          lastAssessment: d.catalog.published ? today : null,
          backup: null,
        });
      }
      const shichang = e.departments.find((d) => d.department === department('shichang').name)!;
      expect(shichang.provided.rowsOpened).toBe(r.exported[0]!.rows);
      expect(e.failures.missingCatalogEntries).toBe(2);
      expect(e.failures.unresolvedObjections).toBe(1);
    } finally {
      wh.close();
    }
  });
});

describe('a region folds in its children', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  it('keeps the evaluation a child sent with its push and folds it into its own', async () => {
    const h = await hierarchy(closers);
    await runPipelines(h.c.wh, h.c.project);
    const childEvaluation = await evaluateYear(
      { wh: h.c.wh, project: h.c.project },
      { year, node: h.c.node },
    );
    const pushed = await pushUpward({
      wh: h.c.wh,
      node: h.c.node,
      project: h.c.project,
      keys: h.kc,
      logger,
      summaries: [evaluationSummary(childEvaluation)],
    });
    expect(pushed.rows).toBe(5);

    const stored = await listReceivedSummaries(h.p.wh, { kind: EVALUATION_SUMMARY });
    expect(stored.map((s) => [s.node, s.period])).toEqual([['650102', String(year)]]);
    const parent = await evaluateYear({ wh: h.p.wh, project: h.p.project }, { year, node: h.p.node });
    expect(parent.children).toHaveLength(1);
    const child = parent.children[0]!;
    expect(child.node).toBe('650102');
    expect(child.evaluation).toEqual(JSON.parse(JSON.stringify(childEvaluation)));
    expect(child.evaluation.departments[0]!.collected.rowsLoaded).toBe(5);
    // Only summaries of the evaluation's shape are folded in (a child's summary is its own statement).
    expect(isEvaluation(child.evaluation as unknown as Record<string, unknown>, year)).toBe(true);
    expect(isEvaluation({ ...childEvaluation, departments: [{ department: 'x' }] }, year)).toBe(false);
    expect(isEvaluation({ ...childEvaluation }, year - 1)).toBe(false);
    // The child counts the rows it pushed only in its next evaluation; the parent's own figures are its own.
    expect(parent.departments[0]!.collected.rowsLoaded).toBe(42);
  });

  it('sends a changed evaluation on its own when no data is new; an unchanged one is neither recomputed nor resent', async () => {
    const h = await hierarchy(closers);
    await runPipelines(h.c.wh, h.c.project);
    const at = new Date();
    const options = { year, at, node: h.c.node };
    const ctx = { wh: h.c.wh, project: h.c.project };
    const push = async (sendSummaries: boolean) => {
      const own = await evaluationToSend(ctx, options);
      const pushed = await pushUpward({
        wh: h.c.wh,
        node: h.c.node,
        project: h.c.project,
        keys: h.kc,
        logger,
        summaries: [own.summary],
        sendSummaries: sendSummaries && own.changed,
      });
      if (pushed.summariesSent) await markEvaluationSent(h.c.wh, year, own.hash);
      return { own, pushed };
    };
    const received = async () => (await listReceivedSummaries(h.p.wh, { kind: EVALUATION_SUMMARY }))[0]!;
    const first = await push(true);
    expect(first.own).toMatchObject({ cached: false, changed: true });
    expect(first.pushed).toMatchObject({ rows: 5, summariesSent: true });
    // The push changed the child's figures (rows pushed): recomputed, changed, sent alone (no data is new).
    const second = await push(true);
    expect(second.own).toMatchObject({ cached: false, changed: true });
    expect(second.pushed).toMatchObject({ rows: 0, batches: [], summariesSent: true });
    const alone = await received();
    expect(alone.batch).toMatch(/^summaries-/);
    const body = alone.body as unknown as { departments: { provided: { rowsPushed: number } }[] };
    expect(body.departments[0]!.provided.rowsPushed).toBe(5);
    // Nothing changed since: the cached evaluation, not sent again.
    const third = await push(true);
    expect(third.own).toMatchObject({ cached: true, changed: false });
    expect(third.pushed.summariesSent).toBe(false);
    expect((await received()).receivedAt).toBe(alone.receivedAt);
    // The cache is the evaluation: the same figures as computing it again.
    const fresh = await evaluateYear(ctx, options);
    expect(third.own.summary.body).toEqual(JSON.parse(JSON.stringify(fresh)));
  });
});
