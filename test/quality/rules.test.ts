import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agreesWithKey,
  between,
  datasetFreshness,
  dateParses,
  defineQuality,
  freshness,
  inCodeTable,
  inSet,
  lag,
  length,
  matches,
  matchesSource,
  notNull,
  periods,
  type QualityReport,
  references,
  runQuality,
  sameAs,
  sqlPredicate,
  unique,
  validCitizenId,
} from '../../quality/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { buildFixture } from './fixture.ts';

const ASOF = '2026-11-29'; // a Sunday

const RULES = [
  notNull('name', { blankValues: ['无'] }),
  notNull('name', { id: 'not-null:name:plain' }),
  matches('mobile', /^1[3-9]\d{9}$/),
  length('mobile', { min: 11, max: 11 }),
  between('score', 0, 75),
  between('birth_date', '1965-01-01', '2026-01-01'),
  inSet('sex', ['男', '女']),
  inCodeTable('ethnicity', 'ethnicity'),
  inCodeTable('sex', 'sex'),
  dateParses('event_text'),
  validCitizenId('id_number'),
  sqlPredicate('score-even', 'score % 20 = 0', { column: 'score' }),
  freshness('updated_on', { maxAgeDays: 30 }),
  freshness('updated_on', { workingDays: 3 }, { id: 'freshness:updated_on:wd' }),
  lag('updated_on', { maxDays: 5 }),
  periods('event_text', 'month'),
  agreesWithKey('sex', 'sex'),
  agreesWithKey('birth_date', 'birth-date'),
  unique(['id_number']),
  unique(['name', 'sex']),
  references('id_number', { dataset: 'registry', column: '公民身份号码' }),
  sameAs('sex', { dataset: 'registry', compareAs: 'sex' }),
  matchesSource('name', { dataset: 'registry' }),
  notNull('name', { id: 'scoped:where', where: "sex = '男'", blankValues: ['无'] }),
  notNull('name', {
    id: 'scoped:partition',
    partition: { column: 'ethnicity', value: '汉族' },
    blankValues: ['无'],
  }),
  notNull('name', { id: 'scoped:latest-load', scope: 'latest-load' }),
];

let wh: Warehouse;
let report: QualityReport;
const people = () => report.datasets.find((d) => d.dataset === 'people')!;
const rule = (id: string) => people().rules.find((r) => r.id === id)!;

beforeAll(async () => {
  wh = await buildFixture();
  report = await runQuality(wh, {
    datasets: ['people'],
    definitions: [defineQuality('people', { rules: RULES, defaults: false })],
    asOf: ASOF,
    history: false,
  });
});
afterAll(() => wh.close());

describe('rule families (people: 9 rows loaded, 10 + 1 read)', () => {
  it.each([
    // id, total, failed
    ['key-complete', 11, 1],
    ['key-valid', 10, 1],
    ['key-unique', 9, 1],
    ['not-null:name', 9, 2],
    ['not-null:name:plain', 9, 1],
    ['matches:mobile', 9, 1],
    ['length:mobile', 9, 1],
    ['between:score', 9, 2],
    ['between:birth_date', 9, 1],
    ['in-set:sex', 9, 1],
    ['code-table:ethnicity', 9, 1],
    ['code-table:sex', 9, 0],
    ['parses:event_text', 9, 1],
    ['citizen-id:id_number', 9, 0],
    ['sql:score-even', 9, 5],
    ['freshness:updated_on', 9, 1],
    ['freshness:updated_on:wd', 9, 6],
    ['lag:updated_on', 9, 5],
    ['periods:event_text', 9, 1],
    ['agrees-with-key:sex', 9, 1],
    ['agrees-with-key:birth_date', 9, 1],
    ['unique:id_number', 9, 1],
    ['unique:name+sex', 8, 1],
    ['references:id_number', 9, 6],
    ['same-as:sex', 3, 0],
    ['matches-source:name', 3, 1],
    ['scoped:where', 5, 1],
    ['scoped:partition', 5, 0],
    ['scoped:latest-load', 1, 0],
  ])('%s: total %i, failed %i', (id, total, failed) => {
    const r = rule(id);
    expect({ id, status: r.status, error: r.error, total: r.total, failed: r.failed }).toEqual({
      id,
      status: failed === 0 ? 'pass' : 'fail',
      error: null,
      total,
      failed,
    });
  });

  it('puts each rule in its dimension and states the observed value of aggregate rules', () => {
    expect(rule('matches-source:name').dimension).toBe('accuracy');
    expect(rule('same-as:sex').dimension).toBe('consistency');
    expect(rule('periods:event_text').observed).toBe('missing months: 2024-03-01');
    expect(rule('freshness:updated_on').severity).toBe('warn');
    expect(rule('not-null:name').description).toBe('name is filled in (blank values: 无)');
    expect(rule('scoped:where').scope).toBe("(sex = '男')");
    expect(rule('scoped:latest-load').scope).toMatch(/^_load_id = 'people-/);
  });

  it('compiles all row rules into one scan plus one query per join, gap search and uniqueness', () => {
    // aggregates: 1 gap search + 3 uniqueness counts (key-unique, unique on id_number, unique on name + sex)
    expect(people().queries).toMatchObject({ scans: 1, joins: 3, aggregates: 4, fallback: 0 });
  });

  it('masks samples with the catalog masking and gives a reproducing SQL that finds the rows', async () => {
    expect(rule('not-null:name').samples.map((s) => s.value)).toEqual(['*', '']);
    expect(rule('matches:mobile').samples).toEqual([
      { key: '110105********0072', source: 'first.csv#8', value: '***' },
    ]);
    const rows = await wh.all<{ _source: string; value: string }>(rule('agrees-with-key:sex').sql!);
    expect(rows.map((r) => r._source)).toEqual(['first.csv#3']);
    const dup = await wh.all<{ _source: string }>(rule('key-unique').sql!);
    expect(dup.map((r) => r._source)).toEqual(['first.csv#7']);
    // the uniqueness query's own samples: the repeating row, key masked
    expect(rule('key-unique').samples).toEqual([
      {
        key: expect.stringMatching(/^\d{6}\*{8}[\dX]{4}$/),
        source: 'first.csv#7',
        value: expect.stringContaining('********'),
      },
    ]);
  });

  it('scores: row-weighted dimensions, mean over present dimensions', () => {
    const d = people();
    for (const dim of Object.values(d.dimensions)) {
      expect(dim!.score).toBeCloseTo((100 * dim!.weightedPassed) / dim!.weightedTotal, 2);
    }
    const scores = Object.values(d.dimensions).map((x) => x!.score!);
    expect(d.score).toBeCloseTo(scores.reduce((s, x) => s + x, 0) / scores.length, 1);
    expect(Object.keys(d.dimensions).sort()).toEqual([
      'accuracy',
      'completeness',
      'consistency',
      'timeliness',
      'validity',
    ]);
  });
});

describe('dataset freshness', () => {
  it('measures the age of the newest load against the update cycle', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const later = new Date(Date.parse(today) + 10 * 86_400_000).toISOString().slice(0, 10);
    const def = [
      defineQuality('registry', {
        rules: [
          datasetFreshness({ cycle: 'daily' }),
          datasetFreshness({ maxAgeDays: 30 }, { id: 'fresh:30' }),
        ],
        defaults: false,
      }),
    ];
    const r = await runQuality(wh, { datasets: ['registry'], definitions: def, asOf: later, history: false });
    const daily = r.datasets[0]!.rules.find((x) => x.id === 'dataset-freshness')!;
    expect(daily).toMatchObject({ status: 'fail', total: 1, failed: 1, severity: 'warn' });
    expect(daily.observed).toBe(`last load ${today}: 10 days old (allowed 1)`);
    expect(r.datasets[0]!.rules.find((x) => x.id === 'fresh:30')!.status).toBe('pass');
    expect(r.status).toBe('pass'); // registry's key rules pass; a warn rule does not fail the run at --fail-on error
    const strict = await runQuality(wh, {
      datasets: ['registry'],
      definitions: def,
      asOf: later,
      history: false,
      failOn: 'warn',
    });
    expect(strict.status).toBe('fail');
  });
});

describe('failure handling', () => {
  it('falls back rule by rule when the combined scan fails, and reports the broken rule', async () => {
    const r = await runQuality(wh, {
      datasets: ['people'],
      definitions: [
        defineQuality('people', {
          rules: [...RULES, sqlPredicate('broken', 'CAST(name AS INTEGER) > 1')],
          defaults: false,
        }),
      ],
      asOf: ASOF,
      history: false,
    });
    const d = r.datasets[0]!;
    const broken = d.rules.find((x) => x.id === 'sql:broken')!;
    expect(broken.status).toBe('error');
    expect(broken.error).toMatch(/Conversion Error|Could not convert/i);
    for (const x of d.rules.filter((y) => y.id !== 'sql:broken')) {
      expect({ id: x.id, failed: x.failed }).toEqual({ id: x.id, failed: rule(x.id).failed });
    }
    expect(d.queries.fallback).toBeGreaterThan(0);
    expect(r.findings.map((f) => f.kind)).toContain('fallback');
  });

  it('reports a rule on a missing column without breaking the scan', async () => {
    const r = await runQuality(wh, {
      datasets: ['people'],
      definitions: [defineQuality('people', { rules: [notNull('nope'), notNull('name')], defaults: false })],
      asOf: ASOF,
      history: false,
    });
    const d = r.datasets[0]!;
    expect(d.rules.find((x) => x.id === 'not-null:nope')!.error).toMatch(
      /column "nope" is not in table people/,
    );
    expect(d.queries.fallback).toBe(0);
  });

  it('refuses working days in years the holiday calendar does not cover', async () => {
    const r = await runQuality(wh, {
      datasets: ['people'],
      definitions: [
        defineQuality('people', { rules: [freshness('updated_on', { workingDays: 3 })], defaults: false }),
      ],
      asOf: '2027-03-01',
      history: false,
    });
    expect(r.datasets[0]!.rules.find((x) => x.id === 'freshness:updated_on')!.error).toMatch(
      /2027, which the holiday calendar \(chinese-days, 2004–2026\) does not cover/,
    );
  });

  it('validates factory arguments when the rule is defined', () => {
    expect(() => matches('x', '(?=a)b')).toThrow(/look-around/);
    expect(() => freshness('x', { maxAge: '3 fortnights' })).toThrow(
      /freshness\(…\): maxAge: expected text matching/,
    );
    expect(() => between('x', null, null)).toThrow(/min or max/);
    expect(() => inCodeTable('x', 'religion' as 'sex')).toThrow(/quality rule inCodeTable/);
    expect(() => notNull('name', { mostly: 2 })).toThrow(/mostly/);
    expect(() => defineQuality('people', { rules: [notNull('a'), notNull('a')] })).toThrow(/used twice/);
  });
});

describe('defaults and absence', () => {
  it('derives rules from the catalog and the key', async () => {
    const r = await runQuality(wh, { datasets: ['people'], asOf: ASOF, history: false });
    const ids = r.datasets[0]!.rules.map((x) => `${x.origin}:${x.id}`).sort();
    expect(ids).toEqual(
      [
        'builtin:key-complete',
        'builtin:key-unique',
        'builtin:key-valid',
        'default:agrees-with-key:birth_date',
        'default:agrees-with-key:sex',
        'default:code-table:ethnicity',
        'default:code-table:sex',
        'default:dataset-freshness',
        'default:not-null:birth_date',
        'default:not-null:name',
        'default:not-null:sex',
        'default:parses:birth_date',
        'default:parses:score',
        'default:parses:updated_on',
      ].sort(),
    );
  });

  it('leaves a dimension without rules absent, and the dataset score is over the present ones only', async () => {
    await wh.run(`CREATE TABLE adhoc AS SELECT * FROM (VALUES ('x'), (NULL), ('y'), ('z')) t(v)`);
    await wh.run(
      `INSERT INTO gongshu.datasets (dataset, table_name, updated_at) VALUES ('adhoc', 'adhoc', now())`,
    );
    const r = await runQuality(wh, {
      datasets: ['adhoc'],
      definitions: [defineQuality('adhoc', { rules: [notNull('v')] })],
      asOf: ASOF,
      history: false,
    });
    const d = r.datasets[0]!;
    expect(Object.keys(d.dimensions)).toEqual(['completeness']);
    expect(d.dimensions.completeness!.score).toBe(75);
    expect(d.score).toBe(75);
  });
});

describe('history', () => {
  it('keeps metrics, shows trends and raises a warn finding on an anomalous row count', async () => {
    const def = [defineQuality('people', { rules: [notNull('name')], defaults: false })];
    for (let i = 0; i < 8; i++) await runQuality(wh, { datasets: ['people'], definitions: def, asOf: ASOF });
    const quiet = await runQuality(wh, { datasets: ['people'], definitions: def, asOf: ASOF });
    expect(quiet.findings.filter((f) => f.kind === 'anomaly')).toEqual([]);
    expect(quiet.datasets[0]!.rules[0]!.trend).toHaveLength(8);
    await wh.run(`DELETE FROM people WHERE sex = '男'`);
    const after = await runQuality(wh, { datasets: ['people'], definitions: def, asOf: ASOF });
    const rows = after.findings.find((f) => f.metric === 'rows')!;
    expect(rows).toMatchObject({ level: 'warn', kind: 'anomaly', value: 4, expected: 9, history: 9 });
    expect(rows.message).toMatch(/people rows: 4 against an expected 9/);
    expect(await wh.value(`SELECT count(DISTINCT run_id) FROM gongshu.quality_runs`)).toBe(10);
  });
});
