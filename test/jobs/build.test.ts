import { describe, expect, it } from 'vitest';
import {
  BuildError,
  buildFoundation,
  buildProject,
  defineFoundation,
  theme,
  topic,
} from '../../jobs/index.ts';
import { loadPipeline } from '../../pipelines/index.ts';
import { defineQuality, notNull } from '../../quality/index.ts';
import { listRuns, openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { ids, memPipeline, projectWith } from './helpers.ts';

const KEYS = ids(6);
const people = defineFoundation({
  name: 'people',
  key: 'citizen-id',
  fields: { name: { source: 'reg', column: 'name' }, town: { source: 'reg', column: 'town' } },
  others: { name: [{ source: 'ss', column: 'name' }] },
});
const reg = (rows: (string | null)[][]) => memPipeline('reg', ['id', 'name', 'town'], rows);
const ss = (rows: (string | null)[][]) => memPipeline('ss', ['id', 'name'], rows);
const byTown = theme({
  name: 'by_town',
  sql: ({ ref }) => `SELECT town, count(*) AS n FROM ${ref('foundation.people')} GROUP BY town`,
});
const bigTowns = topic({ name: 'big_towns', sql: "SELECT * FROM {{ ref('by_town') }} WHERE n >= 2" });

async function loaded(): Promise<Warehouse> {
  const wh = await openWarehouse({ path: ':memory:' });
  await loadPipeline(wh, reg(KEYS.map((k, i) => [k, `人${i}`, i % 2 ? 'A' : 'B'])));
  await loadPipeline(wh, ss([[KEYS[0]!, '别名']]));
  return wh;
}

const state = async (wh: Warehouse) => ({
  rows: await wh.all('SELECT * FROM foundation.people ORDER BY ALL'),
  conflicts: await wh.all('SELECT * FROM foundation.people_conflicts ORDER BY ALL'),
  history: await wh.all('SELECT * FROM foundation.people_history ORDER BY ALL'),
  consumed: await wh.all('SELECT load_id FROM gongshu.foundation_loads ORDER BY ALL'),
  leftovers: await wh.all(
    `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%__building' OR table_name LIKE '__gs_%'`,
  ),
});

describe('atomic builds', () => {
  for (const step of ['picks', 'assemble', 'conflicts', 'history', 'swap'] as const) {
    for (const full of [true, false]) {
      it(`keeps the previous tables when a ${full ? 'full' : 'incremental'} build fails after "${step}"`, async () => {
        const wh = await loaded();
        await buildFoundation(wh, people, { now: new Date('2026-01-01T00:00:00Z') });
        const before = await state(wh);
        expect(before.rows).toHaveLength(KEYS.length);
        await loadPipeline(wh, reg([[KEYS[1]!, '新名', 'C']]));
        const failing = buildFoundation(wh, people, {
          fullRefresh: full,
          now: new Date('2026-01-02T00:00:00Z'),
          onStep: (s) => {
            if (s === step) throw new Error(`injected failure after ${s}`);
          },
        });
        await expect(failing).rejects.toThrow(BuildError);
        await expect(failing).rejects.toThrow(
          new RegExp(
            `foundation people: ${full ? 'full' : 'incremental'} build failed, previous tables kept: injected failure after ${step}`,
          ),
        );
        expect(await state(wh)).toEqual(before);
        // the next build picks the load up
        const ok = await buildFoundation(wh, people, { now: new Date('2026-01-03T00:00:00Z') });
        expect(ok.mode).toBe('incremental');
        expect(await wh.value('SELECT town FROM foundation.people WHERE id_number = $1', [KEYS[1]])).toBe(
          'C',
        );
        wh.close();
      });
    }
  }

  it('keeps the previous model table when its SQL fails mid-build, and skips what depends on it', async () => {
    const wh = await loaded();
    const project = projectWith([reg([]), ss([])], { foundations: [people], models: [byTown, bigTowns] });
    const first = await buildProject(wh, project, { now: new Date('2026-01-01T00:00:00Z') });
    expect(first.status).toBe('succeeded');
    const before = await wh.all('SELECT * FROM theme.by_town ORDER BY ALL');
    const broken = theme({
      name: 'by_town',
      sql: ({ ref }) =>
        `SELECT town, CASE WHEN count(*) > 0 THEN error('boom in by_town') END AS n FROM ${ref('foundation.people')} GROUP BY town`,
    });
    const second = await buildProject(
      wh,
      projectWith([reg([]), ss([])], { foundations: [people], models: [broken, bigTowns] }),
    );
    expect(second.status).toBe('failed');
    expect(second.nodes.map((n) => [n.node, n.status])).toEqual([
      ['foundation.people', 'succeeded'],
      ['theme.by_town', 'failed'],
      ['topic.big_towns', 'skipped'],
    ]);
    expect(second.nodes[1]!.reason).toMatch(/boom in by_town/);
    expect(second.nodes[2]!.reason).toBe('upstream theme.by_town failed; previous table kept');
    expect(await wh.all('SELECT * FROM theme.by_town ORDER BY ALL')).toEqual(before);
    expect(await wh.hasTable('theme.by_town__building')).toBe(false);
    wh.close();
  });
});

describe('quality gates', () => {
  it('skips a model whose upstream dataset fails an error-severity rule, with the reason in its run record', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(
      wh,
      reg([
        [KEYS[0]!, null, 'A'],
        [KEYS[1]!, '乙', 'A'],
      ]),
    );
    await loadPipeline(wh, ss([[KEYS[0]!, '甲']]));
    const quality = [defineQuality('reg', { rules: [notNull('name', { severity: 'error' })] })];
    const direct = theme({ name: 'direct', sql: "SELECT count(*) AS n FROM {{ ref('reg') }}" });
    const ungated = theme({
      name: 'ungated',
      gate: 'none',
      sql: "SELECT count(*) AS n FROM {{ ref('foundation.people') }}",
    });
    const project = projectWith([reg([]), ss([])], {
      foundations: [people],
      models: [byTown, bigTowns, direct, ungated],
      quality,
    });
    const summary = await buildProject(wh, project);
    const status = Object.fromEntries(summary.nodes.map((n) => [n.node, n.status]));
    expect(status).toEqual({
      'foundation.people': 'succeeded',
      'theme.by_town': 'skipped',
      'theme.direct': 'skipped',
      'theme.ungated': 'succeeded',
      'topic.big_towns': 'skipped',
    });
    const runs = await listRuns(wh, { kind: 'build' });
    const byTownRun = runs.find((r) => r.target === 'theme.by_town')!;
    expect(byTownRun.status).toBe('skipped');
    expect(byTownRun.error).toBe(
      'quality gate: upstream reg fails error rule not-null:name; previous table kept',
    );
    expect(runs.find((r) => r.target === 'topic.big_towns')!.error).toBe(
      'upstream theme.by_town skipped; previous table kept',
    );
    expect(await wh.hasTable('theme.by_town')).toBe(false);
    // --no-gates builds it
    const forced = await buildProject(wh, project, { gates: false, select: ['+big_towns'] });
    expect(forced.nodes.map((n) => [n.node, n.status])).toEqual([
      ['foundation.people', 'succeeded'],
      ['theme.by_town', 'succeeded'],
      ['topic.big_towns', 'succeeded'],
    ]);
    wh.close();
  });

  it('runs nodes in dependency order at any concurrency, and selects with +x / x+', async () => {
    const wh = await loaded();
    const project = projectWith([reg([]), ss([])], { foundations: [people], models: [bigTowns, byTown] });
    const order: string[] = [];
    const s = await buildProject(wh, project, {
      concurrency: 3,
      onStep: (n, st) => void (st === 'swap' || st === 'model' ? order.push(n) : 0),
    });
    expect(order).toEqual(['foundation.people', 'theme.by_town', 'topic.big_towns']);
    expect(s.status).toBe('succeeded');
    expect((await buildProject(wh, project, { select: ['by_town'] })).nodes.map((n) => n.node)).toEqual([
      'theme.by_town',
    ]);
    expect((await buildProject(wh, project, { select: ['by_town+'] })).nodes.map((n) => n.node)).toEqual([
      'theme.by_town',
      'topic.big_towns',
    ]);
    await expect(buildProject(wh, project, { select: ['nope'] })).rejects.toThrow(
      /no foundation or model named "nope"/,
    );
    wh.close();
  });
});
