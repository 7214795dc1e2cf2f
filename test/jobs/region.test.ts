import { beforeAll, describe, expect, it } from 'vitest';
import { xinjiangFoundations } from '../../examples/xinjiang/foundations.ts';
import { generateRegion, type Manifest } from '../../examples/xinjiang/generate/index.ts';
import { xinjiangModels } from '../../examples/xinjiang/models.ts';
import { xinjiangPipelines } from '../../examples/xinjiang/pipelines.ts';
import { buildProject, duplicateCollection } from '../../jobs/index.ts';
import { runPipelines } from '../../pipelines/index.ts';
import { listRuns, openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { projectWith } from './helpers.ts';
import { tempDirOnce } from './tmp.ts';

const [population, legalEntity] = xinjiangFoundations as [
  (typeof xinjiangFoundations)[0],
  (typeof xinjiangFoundations)[1],
];

describe('example region foundations against the generator manifest', () => {
  let wh: Warehouse;
  let manifest: Manifest;
  const dir = tempDirOnce();

  beforeAll(async () => {
    manifest = await generateRegion({ outDir: dir(), people: 20000, seed: 11, asOf: '2026-06-30' });
    const project = projectWith(xinjiangPipelines(dir()), {
      foundations: xinjiangFoundations,
      models: xinjiangModels(),
    });
    wh = await openWarehouse({ path: ':memory:' });
    const run = await runPipelines(wh, project);
    expect(run.status).toBe('succeeded');
    const build = await buildProject(wh, project, { gates: false });
    expect(build.nodes.map((n) => [n.node, n.status])).toEqual([
      ['foundation.legal_entity', 'succeeded'],
      ['foundation.population', 'succeeded'],
      ['theme.health_by_county', 'succeeded'],
      ['topic.elderly_subsidy_2026', 'succeeded'],
    ]);
  });

  const keysOf = async (sql: string) => new Set((await wh.all<{ k: string }>(sql)).map((r) => r.k));
  const defectKeys = (file: string, kind: string) =>
    new Set(
      (manifest.files[file]!.defects as Record<string, { rows: { key: string; exact?: boolean }[] }>)[
        kind
      ]?.rows.map((r) => r.key) ?? [],
    );
  const conflicts = async (field: string, other: string) =>
    (
      await wh.all<{ k: string }>(
        `SELECT key AS k FROM foundation.population_conflicts WHERE field = $1 AND other_source = $2 ORDER BY 1`,
        [field, other],
      )
    ).map((r) => r.k);

  it('records a sex conflict exactly where one of 公安 and 卫健 has a sex-mismatch row', async () => {
    const inHukou = await keysOf('SELECT DISTINCT id_number AS k FROM hukou');
    const inBd = await keysOf('SELECT DISTINCT id_number AS k FROM births_deaths');
    const h = defectKeys('gongan_hukou.csv', 'sex-mismatch');
    const b = defectKeys('weijian_births_deaths.csv', 'sex-mismatch');
    const expected = [...new Set([...h, ...b])]
      .filter((k) => inHukou.has(k) && inBd.has(k) && h.has(k) !== b.has(k))
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(await conflicts('sex', 'births_deaths')).toEqual(expected);
  });

  it('records a birth-date conflict exactly for 公安 birth-date-mismatch rows of people with a 卫健 birth record', async () => {
    const born = await keysOf(`SELECT DISTINCT id_number AS k FROM births_deaths WHERE record_type = '出生'`);
    const inHukou = await keysOf('SELECT DISTINCT id_number AS k FROM hukou');
    const expected = [...defectKeys('gongan_hukou.csv', 'birth-date-mismatch')]
      .filter((k) => born.has(k) && inHukou.has(k))
      .sort();
    expect(await conflicts('birth_date', 'births_deaths')).toEqual(expected);
  });

  it('records a name conflict exactly for each renamed duplicate row in 人社 and 卫健', async () => {
    const inHukou = await keysOf('SELECT DISTINCT id_number AS k FROM hukou');
    for (const [file, dataset] of [
      ['renshe_social_security.csv', 'social_security'],
      ['weijian_births_deaths.csv', 'births_deaths'],
    ] as const) {
      const renamed = manifest.files[file]!.defects['duplicate-key']!.rows.filter((r) => r.exact === false);
      const expected = renamed
        .map((r) => r.key)
        .filter((k) => inHukou.has(k))
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect({ dataset, keys: await conflicts('name', dataset) }).toEqual({ dataset, keys: expected });
    }
  });

  it('finds no marital-status conflict (the generator keeps 公安 and 民政 consistent) and no false ones elsewhere', async () => {
    expect(await conflicts('marital_status', 'hukou')).toEqual([]);
    const byField = await wh.all<{ field: string }>(
      'SELECT DISTINCT field FROM foundation.population_conflicts ORDER BY 1',
    );
    expect(byField.map((r) => r.field)).toEqual(['birth_date', 'name', 'sex']);
  });

  it('takes each field from its one source and keys persons by the normalised ID', async () => {
    const [row] = await wh.all<{ n: number; hukou: number; dead: number }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE division IS NOT NULL) AS hukou,
              count(*) FILTER (WHERE died_on IS NOT NULL) AS dead FROM foundation.population`,
    );
    expect(row!.hukou).toBe(await wh.value<number>('SELECT count(DISTINCT id_number) FROM hukou'));
    expect(row!.dead).toBe(
      await wh.value<number>(
        `SELECT count(DISTINCT id_number) FROM births_deaths WHERE record_type = '死亡'`,
      ),
    );
    // every fifteen-digit hukou key is in the foundation under its 18-character form
    for (const r of manifest.files['gongan_hukou.csv']!.normalisable['fifteen-digit']!.rows.slice(0, 10)) {
      expect(
        await wh.value<number>('SELECT count(*) FROM foundation.population WHERE id_number = $1', [
          r.normalised,
        ]),
      ).toBe(1);
    }
    const le = await wh.all<{ prefix: string; n: number }>(
      `SELECT left(uscc, 1) AS prefix, count(*) AS n FROM foundation.legal_entity WHERE org_name IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    expect(le.map((r) => r.prefix)).toEqual(['1', '5', '9']);
    expect(legalEntity.fields.org_name).toHaveLength(3);
  });

  it('reports duplicate collection per field and department (article 13)', async () => {
    const report = await duplicateCollection(wh, population);
    const ss = report.find((r) => r.field === 'name' && r.source === 'social_security')!;
    expect(ss.department).toBe('新疆维吾尔自治区人力资源和社会保障厅');
    expect(ss.keys).toBeGreaterThan(1000);
    expect(ss.disagreeing).toBe((await conflicts('name', 'social_security')).length);
    const marital = report.find((r) => r.field === 'marital_status')!;
    expect(marital).toMatchObject({ authoritative: ['marriage'], source: 'hukou', disagreeing: 0 });
    expect(marital.keys).toBeGreaterThan(0);
  });

  it('builds the health theme and the 2026 elderly-subsidy topic, and records every run', async () => {
    const topicRows = await wh.all<{ age: number; dead: number; unregistered: number }>(
      `SELECT min(age_2026) AS age, count(*) FILTER (WHERE id_number IN (SELECT id_number FROM foundation.population WHERE died_on IS NOT NULL)) AS dead,
              count(*) FILTER (WHERE division IS NULL) AS unregistered FROM topic.elderly_subsidy_2026`,
    );
    expect(topicRows[0]).toEqual({ age: 80, dead: 0, unregistered: 0 });
    const deaths = await wh.value<number>('SELECT sum(deaths) FROM theme.health_by_county');
    expect(deaths).toBe(
      await wh.value<number>('SELECT count(*) FROM foundation.population WHERE died_on IS NOT NULL'),
    );
    const runs = await listRuns(wh, { kind: 'build' });
    expect(runs.map((r) => `${r.target}:${r.status}`).sort()).toEqual([
      'foundation.legal_entity:succeeded',
      'foundation.population:succeeded',
      'theme.health_by_county:succeeded',
      'topic.elderly_subsidy_2026:succeeded',
    ]);
  });
});
