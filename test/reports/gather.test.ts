/** Gathering the dashboard model from a real DuckDB warehouse (loads, quarantine, metrics, catalog, sections). */
import { afterEach, describe, expect, it } from 'vitest';
import { runQuality } from '../../quality/index.ts';
import { catalogProblems } from '../../reports/gather/catalog.ts';
import { displaySource } from '../../reports/gather/dataset-extras.ts';
import { gatherDashboard, readFoundations, readHierarchy } from '../../reports/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { buildFixture, ID } from '../quality/fixture.ts';

let wh: Warehouse | undefined;
afterEach(() => {
  wh?.close();
  wh = undefined;
});

async function twoRuns() {
  wh = await buildFixture();
  const node = { id: '110105', name: '朝阳区' };
  await runQuality(wh, { node, asOf: '2026-11-28', now: new Date('2026-11-28T10:00:00Z') });
  const report = await runQuality(wh, { node, asOf: '2026-11-29', now: new Date('2026-11-29T10:00:00Z') });
  return { wh, report };
}

describe('gatherDashboard', () => {
  it('adds history, masked quarantine keys, loads and the catalog to the report', async () => {
    const { wh, report } = await twoRuns();
    const model = await gatherDashboard(wh, report, { now: '2026-11-29T12:00:00.000Z' });
    expect(model.builtAt).toBe('2026-11-29T12:00:00.000Z');
    expect(model.runs.map((r) => r.runId)).toHaveLength(2);
    expect(model.runs.at(-1)!.runId).toBe(report.runId);
    const people = model.datasets.people!;
    expect(people.scoreTrend).toHaveLength(2);
    expect(people.scoreTrend.at(-1)!.runId).toBe(report.runId);

    // Quarantine of the assessed loads, by reason, key values masked by the key kind.
    const reasons = Object.fromEntries(people.quarantine.map((q) => [q.reason, q]));
    expect(Object.keys(reasons).sort()).toEqual(['key:checksum', 'key:missing']);
    const bad = reasons['key:checksum']!.samples[0]!;
    expect(bad.location).toMatch(/^first\.csv\W\d+$/);
    expect(bad.key).toBe(`${ID.a.slice(0, 6)}********${ID.a.slice(14, 17)}${ID.a[17] === '0' ? '1' : '0'}`);
    const json = JSON.stringify(model);
    for (const id of Object.values(ID)) expect(json).not.toContain(id);

    // Loads newest first, sources without directories.
    expect(people.loads.map((l) => l.source)).toEqual(['second.csv', 'first.csv']);
    expect(people.loads[0]!.rowsLoaded).toBe(1);

    // The catalog entry of `people` (registry has none): daily, last loaded on the 29th.
    expect(model.catalog.status).toBe('ok');
    if (model.catalog.status !== 'ok') return;
    expect(model.catalog.data.map((e) => e.dataset)).toEqual(['people']);
    expect(model.catalog.data[0]).toMatchObject({
      code: '9/99/001/0001',
      provider: '测试局',
      shareType: 'unconditional',
      updateCycle: 'daily',
      ageDays: 0,
      maxAgeDays: 1,
      problems: [],
    });
    expect(model.foundations.status).toBe('not-configured');
    expect(model.hierarchy.status).toBe('not-configured');
  });

  it('shows an older report with the history up to its own run only', async () => {
    wh = await buildFixture();
    const first = await runQuality(wh, { asOf: '2026-11-28', now: new Date('2026-11-28T10:00:00Z') });
    await runQuality(wh, { asOf: '2026-11-29', now: new Date('2026-11-29T10:00:00Z') });
    const model = await gatherDashboard(wh, first, { now: '2026-11-29T12:00:00.000Z' });
    expect(model.runs.map((r) => r.runId)).toEqual([first.runId]);
    expect(model.datasets.people!.scoreTrend).toHaveLength(1);
  });

  it('builds from the report alone when there is no warehouse, and says so', async () => {
    const { report } = await twoRuns();
    const model = await gatherDashboard(null, report, { now: '2026-11-29T12:00:00.000Z' });
    expect(model.notes[0]).toMatch(/warehouse not available/);
    expect(model.catalog.status).toBe('not-configured');
    // The report's own quarantine locations still show.
    expect(model.datasets.people!.quarantine.map((q) => q.reason).sort()).toEqual([
      'key:checksum',
      'key:missing',
    ]);
  });

  it('reads foundations (conflicts) and the hierarchy (audit) when their tables exist', async () => {
    wh = await buildFixture();
    await wh.run(
      `INSERT INTO gongshu.foundations (foundation, definition_hash, built_at, mode, rows, conflicts)
       VALUES ('population', 'h', now(), 'full', 7, 3)`,
    );
    await wh.run('CREATE SCHEMA IF NOT EXISTS foundation');
    await wh.run(`CREATE TABLE foundation.population_conflicts AS SELECT * FROM (VALUES
      ('k1', 'sex', 'people', '1', 'registry', '2'),
      ('k2', 'sex', 'people', '1', 'registry', '2'),
      ('k3', 'name', 'people', '张三', 'registry', '张叁')) AS t(key, field, source, value, other_source, other_value)`);
    const f = await readFoundations(wh);
    expect(f.status).toBe('ok');
    if (f.status === 'ok') {
      expect(f.data.conflicts).toEqual([
        { foundation: 'population', field: 'name', department: 'registry', count: 1 },
        { foundation: 'population', field: 'sex', department: 'registry', count: 2 },
      ]);
      expect(f.data.sources).toContainEqual({
        foundation: 'population',
        field: 'sex',
        source: 'people',
        department: '测试局',
      });
      expect(f.data.duplicates[0]).toMatchObject({ authoritative: '测试局' });
    }

    expect((await readHierarchy(wh)).status).toBe('not-configured');
    await wh.run('DROP TABLE IF EXISTS gongshu.audit');
    await wh.run(`CREATE TABLE gongshu.audit (seq BIGINT, recorded_at VARCHAR, node VARCHAR, action VARCHAR,
      peer VARCHAR, dataset VARCHAR, columns VARCHAR, rows BIGINT, content_hash VARCHAR, purpose VARCHAR, batch VARCHAR,
      chunk INTEGER, details VARCHAR, prev_hash VARCHAR, hash VARCHAR)`);
    const audit = (seq: number, action: string, peer: string, rows: number, batch: string) =>
      wh!.run(
        `INSERT INTO gongshu.audit (seq, recorded_at, node, action, peer, dataset, rows, batch, prev_hash, hash)
         VALUES ($1, $2, '650100', $3, $4, 'hukou', $5, $6, '', '')`,
        [seq, `2026-11-29T0${seq}:00:00.000Z`, action, peer, rows, batch],
      );
    await audit(1, 'push-received', '650102', 100, 'b1');
    await audit(2, 'push-received', '650102', 50, 'b1');
    await audit(3, 'push-received', '650102', 10, 'b2');
    await audit(4, 'backflow-served', '650102', 7, 'q1');
    await audit(5, 'rejected', '650103', 0, 'b9');
    const h = await readHierarchy(wh);
    expect(h).toEqual({
      status: 'ok',
      data: {
        pushes: [
          {
            node: '650102',
            dataset: 'hukou',
            batches: 2,
            rows: 160,
            lastAt: '2026-11-29T03:00:00.000Z',
            status: 'acknowledged',
          },
          {
            node: '650103',
            dataset: 'hukou',
            batches: 1,
            rows: 0,
            lastAt: '2026-11-29T05:00:00.000Z',
            status: 'rejected',
          },
        ],
        backflow: [
          { node: '650102', dataset: 'hukou', requests: 1, rows: 7, lastAt: '2026-11-29T04:00:00.000Z' },
        ],
      },
    });
  });
});

describe('catalog problems', () => {
  type Entry = Parameters<typeof catalogProblems>[0];
  const entry = (e: Record<string, unknown>): Entry =>
    ({
      code: 'x',
      name: 'x',
      provider: { name: 'x' },
      fields: [],
      securityGrade: 'general',
      ...e,
    }) as unknown as Entry;
  it.each([
    [{ shareType: 'unconditional', openType: 'none', updateCycle: 'daily' }, 0, 1, []],
    [{ shareType: 'unconditional', openType: 'none', updateCycle: 'daily' }, 2, 1, ['overdue']],
    [{ shareType: 'unconditional', openType: 'none', updateCycle: 'irregular' }, 900, null, []],
    [{ shareType: 'unconditional', openType: 'none', updateCycle: 'daily' }, null, 1, ['never-loaded']],
    [
      { shareType: 'conditional', openType: 'conditional', updateCycle: 'yearly' },
      10,
      366,
      ['share-condition-missing', 'legal-basis-missing', 'open-condition-missing'],
    ],
    [{ shareType: 'none', openType: 'none', updateCycle: 'yearly', legalBasis: '《…》' }, 10, 366, []],
    [
      {
        shareType: 'conditional',
        shareCondition: 'c',
        legalBasis: 'b',
        openType: 'none',
        updateCycle: 'yearly',
        reviewDueAt: '2026-01-01',
      },
      10,
      366,
      ['review-overdue'],
    ],
  ])('%j, age %s of max %s → %j', (e, age, max, expected) => {
    expect(catalogProblems(entry(e), age, max, '2026-11-29')).toEqual(expected);
  });
});

describe('displaySource', () => {
  it.each([
    ['/srv/drop/gongan/hukou.csv', 'hukou.csv'],
    ['https://user:secret@api.example.gov.cn/v1/people?token=abc#x', 'https://api.example.gov.cn/v1/people'],
    ['postgres://u:p@10.0.0.1:5432/db', 'postgres://10.0.0.1:5432/db'],
  ])('%s → %s', (source, shown) => {
    expect(displaySource(source)).toBe(shown);
  });
});
