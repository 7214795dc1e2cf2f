/**
 * Quality rules on the tables the platform builds: a foundation is assessed once built (its key rules row by row,
 * the conflicts of its compared fields as consistency), a topic table when rules are declared for it, with the
 * same dimensions, scores and dashboard pages as a department's dataset.
 */
import { describe, expect, it } from 'vitest';
import { buildProject, builtTablesOf, defineFoundation, theme, topic } from '../../jobs/index.ts';
import { loadPipeline } from '../../pipelines/index.ts';
import { between, defineQuality, notNull, runQuality } from '../../quality/index.ts';
import { gatherDashboard, renderSite } from '../../reports/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { ids, memPipeline, projectWith } from '../jobs/helpers.ts';

const KEYS = ids(5);
const people = defineFoundation({
  name: 'people',
  title: '人口基础库',
  key: 'citizen-id',
  fields: { name: { source: 'reg', column: 'name' }, age: { source: 'reg', column: 'age' } },
  others: { name: [{ source: 'ss', column: 'name' }] },
});
const elderly = topic({
  name: 'elderly',
  sql: "SELECT id_number, name, TRY_CAST(age AS INTEGER) AS age FROM {{ ref('foundation.people') }}",
});
const counts = theme({ name: 'counts', sql: "SELECT count(*) AS n FROM {{ ref('foundation.people') }}" });

async function built() {
  const wh = await openWarehouse({ path: ':memory:' });
  const reg = memPipeline(
    'reg',
    ['id', 'name', 'age'],
    KEYS.map((k, i) => [k, `人${i}`, String(70 + i * 3)]),
  );
  const ss = memPipeline(
    'ss',
    ['id', 'name'],
    [
      [KEYS[0]!, '别名'],
      [KEYS[1]!, '人1'],
    ],
  );
  await loadPipeline(wh, reg);
  await loadPipeline(wh, ss);
  const quality = [defineQuality('topic.elderly', { rules: [between('age', 80, null), notNull('name')] })];
  const project = projectWith([reg, ss], { foundations: [people], models: [elderly, counts], quality });
  await buildProject(wh, project, { gates: false });
  return { wh, project, quality };
}

describe('quality on built tables', () => {
  it('assesses the foundation (key rules, conflicts) and the topic table with declared rules', async () => {
    const { wh, project, quality } = await built();
    const report = await runQuality(wh, {
      definitions: quality,
      builtTables: builtTablesOf(project),
      history: false,
    });
    // Every dataset, every foundation; a model only with declared rules (theme.counts has none).
    expect(report.datasets.map((d) => d.dataset).sort()).toEqual([
      'foundation.people',
      'reg',
      'ss',
      'topic.elderly',
    ]);
    const foundation = report.datasets.find((d) => d.dataset === 'foundation.people')!;
    const rule = (id: string) => foundation.rules.find((r) => r.id === id)!;
    expect(foundation.rules.map((r) => r.id)).toEqual([
      'key-complete',
      'key-valid',
      'key-unique',
      'conflicts:name',
    ]);
    expect([rule('key-valid').total, rule('key-valid').failed]).toEqual([5, 0]);
    // The social-security name of the first person disagrees with the register: one key of five in conflict.
    expect(rule('conflicts:name')).toMatchObject({
      dimension: 'consistency',
      severity: 'warn',
      total: 5,
      failed: 1,
      status: 'fail',
    });
    expect(rule('conflicts:name').samples[0]!.key).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(foundation.dimensions.consistency!.passRate).toBeLessThan(1);
    const elderlyResult = report.datasets.find((d) => d.dataset === 'topic.elderly')!;
    const age = elderlyResult.rules.find((r) => r.id === 'between:age')!;
    // ages 70, 73, 76, 79, 82: four are under 80
    expect([age.total, age.failed, age.status]).toEqual([5, 4, 'fail']);
    expect(elderlyResult.status).toBe('fail');
    expect(elderlyResult.score!).toBeLessThanOrEqual(90);

    // The same pages as any dataset, named by the platform rather than a department.
    const site = renderSite(await gatherDashboard(wh, report), { lang: 'zh-CN' });
    const page = site.get('dataset-topic.elderly.html')!;
    expect(page).toContain('between:age');
    expect(site.get('dataset-foundation.people.html')).toContain('conflicts:name');
    expect(site.get('index.html')).toContain('平台构建');
    wh.close();
  });

  it('accepts built-table names in defineQuality and says which table a bare foundation name means', async () => {
    expect(defineQuality('foundation.population').dataset).toBe('foundation.population');
    expect(() => defineQuality('topics.x')).toThrow(
      /defineQuality\("topic\.x", \{\.\.\.\}\) for a built table/,
    );
    const { wh, project } = await built();
    await expect(
      runQuality(wh, { datasets: ['people'], builtTables: builtTablesOf(project), history: false }),
    ).rejects.toThrow(/the built table is foundation\.people/);
    wh.close();
  });
});
