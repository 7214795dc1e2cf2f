/** Quality gates of models (error, warn, none, thresholds) and the thresholds of the built-in key rules. */
import { describe, expect, it } from 'vitest';
import { buildProject, theme } from '../../jobs/index.ts';
import { loadPipeline } from '../../pipelines/index.ts';
import { defineQuality, KEY_RULES_MOSTLY, keyValid, notNull, runQuality } from '../../quality/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { ids, memPipeline, projectWith } from './helpers.ts';

const KEYS = ids(200);
/** 200 rows, one with a broken check character (quarantined as key:checksum), one with an empty name. */
const rows = KEYS.map((k, i): (string | null)[] => [
  i === 7 ? `${k.slice(0, 17)}${k[17] === '0' ? '1' : '0'}` : k,
  i === 9 ? null : `人${i}`,
]);
const reg = (r: (string | null)[][]) => memPipeline('reg', ['id', 'name'], r, { writeMode: 'replace' });
const model = (name: string, gate: Parameters<typeof theme>[0]['gate']) =>
  theme({ name, ...(gate === undefined ? {} : { gate }), sql: "SELECT count(*) AS n FROM {{ ref('reg') }}" });

async function loaded() {
  const wh = await openWarehouse({ path: ':memory:' });
  await loadPipeline(wh, reg(rows));
  return wh;
}

describe('built-in key rules', () => {
  it(`pass at ${KEY_RULES_MOSTLY * 100}% by default: one quarantined row in 200 does not fail them`, async () => {
    const wh = await loaded();
    const r = await runQuality(wh, { history: false });
    const keyRules = r.datasets[0]!.rules.filter((x) => x.origin === 'builtin');
    expect(keyRules.map((x) => [x.id, x.mostly, x.status, x.failed])).toEqual([
      ['key-complete', 0.99, 'pass', 0],
      ['key-valid', 0.99, 'pass', 1],
      ['key-unique', 0.99, 'pass', 0],
    ]);
    // Per dataset: a stricter threshold and another severity; or one rule replaced by id.
    const strict = await runQuality(wh, {
      history: false,
      definitions: [defineQuality('reg', { keyRules: { mostly: 1, severity: 'warn' } })],
    });
    expect(strict.datasets[0]!.rules.find((x) => x.id === 'key-valid')).toMatchObject({
      status: 'fail',
      severity: 'warn',
      mostly: 1,
    });
    const replaced = await runQuality(wh, {
      history: false,
      definitions: [defineQuality('reg', { rules: [keyValid('id', 'citizen-id', { mostly: 0.999 })] })],
    });
    expect(replaced.datasets[0]!.rules.find((x) => x.id === 'key-valid')).toMatchObject({
      status: 'fail',
      mostly: 0.999,
    });
    wh.close();
  });
});

describe('model gates', () => {
  it('error blocks, warn builds with warnings, none builds, thresholds block below a score', async () => {
    const wh = await loaded();
    const project = projectWith([reg([])], {
      quality: [defineQuality('reg', { rules: [notNull('name', { mostly: 0.999 })] })],
      models: [
        model('gated', undefined),
        model('warned', 'warn'),
        model('open', 'none'),
        model('scored', { score: 99.9, rules: 'none' }),
        model('valid_enough', { dimensions: { validity: 99 }, rules: 'none' }),
        model('mostly', { rules: 'warn' }),
      ],
    });
    const summary = await buildProject(wh, project);
    const by = Object.fromEntries(summary.nodes.map((n) => [n.node, n]));
    expect(Object.fromEntries(summary.nodes.map((n) => [n.node, n.status]))).toEqual({
      'theme.gated': 'blocked',
      'theme.warned': 'succeeded',
      'theme.open': 'succeeded',
      'theme.scored': 'blocked',
      'theme.valid_enough': 'succeeded',
      'theme.mostly': 'blocked',
    });
    expect(summary.status).toBe('blocked');
    expect(by['theme.gated']!.blockedBy).toEqual([
      {
        dataset: 'reg',
        rule: 'not-null:name',
        message: 'reg fails error rule not-null:name (pass rate 99.50% < mostly 99.90%)',
      },
    ]);
    expect(by['theme.warned']!.warnings).toEqual([
      'quality gate (warn): upstream reg fails error rule not-null:name (pass rate 99.50% < mostly 99.90%)',
    ]);
    expect(by['theme.scored']!.blockedBy).toEqual([
      { dataset: 'reg', rule: 'score', message: expect.stringMatching(/^reg scores \d+(\.\d+)? < 99\.9$/) },
    ]);
    expect(await wh.hasTable('theme.warned')).toBe(true);
    expect(await wh.hasTable('theme.gated')).toBe(false);
    // --no-gates builds everything.
    expect((await buildProject(wh, project, { gates: false })).status).toBe('succeeded');
    wh.close();
  });
});
