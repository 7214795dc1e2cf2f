/** Definition errors found when a project is defined: schedules' targets, defineQuality datasets. */
import { describe, expect, it } from 'vitest';
import { memory } from '../../connectors/index.ts';
import { defineFoundation, defineSchedule, nextFirings, type ScheduleSpec, theme } from '../../jobs/index.ts';
import { citizenId, definePipeline } from '../../pipelines/index.ts';
import { defineProject } from '../../project/index.ts';
import { defineQuality } from '../../quality/index.ts';
import { DefinitionError } from '../../schemas/index.ts';

const pipeline = (name: string, dataset: Record<string, unknown> = {}) =>
  definePipeline({
    name,
    source: memory({ name, columns: ['id', 'name', 'day'], rows: [] }),
    dataset: { name, key: citizenId('id'), ...dataset },
  });
const project = (extra: Record<string, unknown>) => () =>
  defineProject({
    name: 'defs',
    node: { id: '650102', level: 'county', name: '天山区' },
    pipelines: [
      pipeline('hukou'),
      pipeline('events', { writeMode: 'merge', incremental: { column: 'day' } }),
    ],
    foundations: [
      defineFoundation({
        name: 'people',
        key: 'citizen-id',
        fields: { name: { source: 'hukou', column: 'name' } },
      }),
    ],
    models: [theme({ name: 'by_name', sql: "SELECT name FROM {{ ref('foundation.people') }}" })],
    ...extra,
  });
const withSchedule = (run: ScheduleSpec['run']) =>
  project({ schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', run })] });
const FILE = 'test/project/definitions.test.ts';

describe('schedules are checked when the project is defined', () => {
  it.each([
    [{ pipelines: ['hukuo'] }, 'run.pipelines: no pipeline named "hukuo" (known: hukou, events)'],
    [
      { build: ['+theme.nope'] },
      'run.build: no foundation or model named "theme.nope" (known: foundation.people, theme.by_name)',
    ],
    [
      { quality: ['nope'] },
      'run.quality: no dataset named "nope" (known: hukou, events, foundation.people, theme.by_name)',
    ],
    [{ push: ['nope'] }, 'run.push: no dataset named "nope" (known: hukou, events)'],
    [
      { backfill: [{ pipeline: 'nope', days: 7 }] },
      'run.backfill: no pipeline named "nope" (known: hukou, events)',
    ],
    [
      { backfill: [{ pipeline: 'hukou', days: 7 }] },
      'run.backfill: pipeline "hukou" cannot be backfilled: it needs dataset.incremental and writeMode "merge" or "append" (known: events)',
    ],
  ])('%j', (run, message) => {
    const error = (() => {
      try {
        withSchedule(run)();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as Error).message).toMatch(new RegExp(`^${FILE}: schedule nightly: `));
    expect((error as Error).message).toContain(message);
    expect((error as DefinitionError).details).toMatchObject({ schedule: 'nightly', file: FILE });
  });

  it('accepts every step, and says when each schedule fires next in Asia/Shanghai', () => {
    const p = withSchedule({
      pipelines: ['hukou'],
      backfill: [{ pipeline: 'events', days: 3 }],
      quality: true,
      build: ['+theme.by_name'],
      report: true,
      push: ['hukou'],
    })();
    const next = nextFirings(p.schedules[0]!, 2);
    expect(next).toHaveLength(2);
    expect(next[1]!.getTime() - next[0]!.getTime()).toBe(86_400_000);
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', timeStyle: 'short' }).format(next[0]!),
    ).toBe('02:00');
    expect(() => defineSchedule({ name: 'empty', cron: '0 2 * * *', run: {} })).toThrow(/at least one step/);
  });
});

describe('defineQuality', () => {
  it('names a dataset of the project', () => {
    expect(project({ quality: [defineQuality('hukuo')] })).toThrow(
      `${FILE}: defineQuality("hukuo"): dataset "hukuo" is not a dataset of project defs (datasets: hukou, events; built tables: foundation.people, theme.by_name). Fix: name a dataset a pipeline loads (its dataset.name) or a built table (foundation.x, theme.x, topic.x), or remove this defineQuality`,
    );
    expect(project({ quality: [defineQuality('hukou'), defineQuality('hukou')] })).toThrow(/appears twice/);
  });

  it('unknown model refs are definition errors when the project is defined, not at build', () => {
    expect(
      project({ models: [theme({ name: 'x', sql: "SELECT * FROM {{ ref('foundation.nope') }}" })] }),
    ).toThrow(/model theme\.x: ref\('foundation\.nope'\) names nothing/);
  });
});
