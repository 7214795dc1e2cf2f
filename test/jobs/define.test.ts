import { describe, expect, it } from 'vitest';
import { buildGraph, defineFoundation, defineModel, defineSchedule, theme, topic } from '../../jobs/index.ts';
import { DefinitionError } from '../../schemas/errors.ts';

const base = { name: 'population', key: 'citizen-id' as const };

describe('one data, one source (一数一源)', () => {
  it('rejects a second authoritative source of a field, naming both and the file', () => {
    const define = () =>
      defineFoundation({
        ...base,
        fields: {
          name: [
            { source: 'hukou', column: 'name' },
            { source: 'social_security', column: 'name' },
          ],
        },
      });
    expect(define).toThrow(DefinitionError);
    expect(define).toThrow(
      /test\/jobs\/define\.test\.ts: foundation population: fields\.name: two authoritative sources for the same keys: hukou\.name and social_security\.name\. .*Fix: keep one in fields\.name and move the other to others\.name/,
    );
  });

  it('allows one source per key class when the key prefixes are disjoint, not when they overlap', () => {
    const f = defineFoundation({
      name: 'legal_entity',
      key: 'uscc',
      fields: {
        org_name: [
          { source: 'enterprises', column: 'org_name', keyPrefix: ['9'] },
          { source: 'social_orgs', column: 'org_name', keyPrefix: ['5'] },
        ],
      },
    });
    expect(f.fields.org_name).toHaveLength(2);
    expect(() =>
      defineFoundation({
        name: 'legal_entity',
        key: 'uscc',
        fields: {
          org_name: [
            { source: 'enterprises', column: 'org_name', keyPrefix: ['9'] },
            { source: 'social_orgs', column: 'org_name', keyPrefix: ['91'] },
          ],
        },
      }),
    ).toThrow(
      /two authoritative sources for the same keys: enterprises\.org_name \(keys 9…\) and social_orgs\.org_name \(keys 91…\)/,
    );
  });

  it('rejects comparing a field that has no authoritative source, and a source compared with itself', () => {
    expect(() =>
      defineFoundation({
        ...base,
        fields: { name: { source: 'hukou', column: 'name' } },
        others: { sex: [{ source: 'births_deaths', column: 'sex_code' }] },
      }),
    ).toThrow(/others\.sex: expected a field of fields \(name\); got "sex"/);
    expect(() =>
      defineFoundation({
        ...base,
        fields: { name: { source: 'hukou', column: 'name' } },
        others: { name: [{ source: 'hukou', column: 'name' }] },
      }),
    ).toThrow(/hukou\.name is also the authoritative source of name/);
    expect(() => defineFoundation({ ...base, fields: { name: { source: 'hukou' } } })).toThrow(
      /fields\.name: expected exactly one of column or expr; got neither/,
    );
  });
});

describe('the build DAG', () => {
  const population = defineFoundation({ ...base, fields: { name: { source: 'hukou', column: 'name' } } });
  const a = theme({ name: 'a', sql: ({ ref }) => `SELECT * FROM ${ref('foundation.population')}` });

  it('resolves refs to foundations, models and datasets, and orders by dependency', () => {
    const b = topic({
      name: 'b',
      sql: "SELECT * FROM {{ ref('a') }} JOIN {{ ref('hukou') }} USING (id_number)",
    });
    expect(b.refs).toEqual(['a', 'hukou']);
    const g = buildGraph({ foundations: [population], models: [b, a], datasets: ['hukou'] });
    expect(g.order).toEqual(['foundation.population', 'theme.a', 'topic.b']);
    expect(g.deps.get('topic.b')).toEqual(['theme.a']);
    expect(g.datasets.get('topic.b')).toEqual(['hukou']);
  });

  it('names the model and the missing ref', () => {
    const bad = theme({ name: 'bad', sql: ({ ref }) => `SELECT * FROM ${ref('foundation.populaton')}` });
    expect(() =>
      buildGraph({
        foundations: [population],
        models: [bad],
        datasets: ['hukou'],
        file: 'gongshu.config.ts',
      }),
    ).toThrow(
      "test/jobs/define.test.ts: model theme.bad: ref('foundation.populaton') names nothing: no foundation, model or dataset of that name (known: foundation.population, theme.bad, hukou). Fix: ref one of those, e.g. ref('foundation.population')",
    );
    const unknownDataset = theme({ name: 'x', sql: "SELECT * FROM {{ ref('hukuo') }}" });
    expect(() => buildGraph({ models: [unknownDataset], datasets: ['hukou'] })).toThrow(
      /ref\('hukuo'\) names nothing/,
    );
  });

  it('names the models of a cycle', () => {
    const x = theme({ name: 'x', sql: "SELECT * FROM {{ ref('y') }}" });
    const y = theme({ name: 'y', sql: "SELECT * FROM {{ ref('z') }}" });
    const z = theme({ name: 'z', sql: "SELECT * FROM {{ ref('x') }}" });
    expect(() => buildGraph({ models: [x, y, z], file: 'gongshu.config.ts' })).toThrow(
      'gongshu.config.ts: models: theme.x → theme.y → theme.z → theme.x form a cycle; a model cannot depend on itself through refs. Fix: remove one of these ref() calls',
    );
  });

  it('rejects a theme depending on a topic, duplicate names, and foundations reading unknown datasets', () => {
    const t = topic({ name: 't', sql: 'SELECT 1' });
    const th = theme({ name: 'th', sql: "SELECT * FROM {{ ref('t') }}" });
    expect(() => buildGraph({ models: [t, th] })).toThrow(
      /a theme model cannot depend on the topic model topic\.t/,
    );
    expect(() => buildGraph({ models: [a, topic({ name: 'a', sql: 'SELECT 1' })] })).toThrow(
      /models: the name "a" is used twice/,
    );
    expect(() => buildGraph({ foundations: [population], datasets: ['marriage'] })).toThrow(
      /foundation population: source "hukou" is not a dataset of the project/,
    );
  });

  it('checks model specs and schedules when defined', () => {
    expect(() => defineModel({ name: 'Bad', layer: 'theme', sql: 'SELECT 1' })).toThrow(DefinitionError);
    expect(() =>
      defineSchedule({ name: 'nightly', cron: '0 25 * * *', run: { pipelines: ['hukou'] } }),
    ).toThrow(/schedule nightly: cron: expected a cron expression/);
    expect(() => defineSchedule({ name: 'nightly', cron: '0 2 * * *', run: {} })).toThrow(DefinitionError);
    const s = defineSchedule({ name: 'nightly', cron: '0 2 * * *', run: { build: ['*'] } });
    expect(s).toMatchObject({ timezone: 'Asia/Shanghai', overlap: 'skip' });
  });
});
