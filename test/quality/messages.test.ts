/**
 * The quality engine's message catalogs (quality/messages/zh-CN.ts, en.ts): every check has a summary and a rule
 * description in every language, and the Chinese texts are Chinese — after taking out what a rule names (its
 * columns, datasets, SQL, patterns, values) and standard designations (GB/T 2261.1, RE2), no English word is left.
 */
import { describe, expect, it } from 'vitest';
import {
  agreesWithKey,
  between,
  datasetFreshness,
  foundationConflicts,
  freshness,
  inCodeTable,
  inSet,
  keyComplete,
  keyUnique,
  keyValid,
  lag,
  length,
  matches,
  matchesSource,
  notNull,
  parses,
  periods,
  QUALITY_CHECKS,
  QUALITY_MESSAGES,
  type QualityMessages,
  type Rule,
  recordCount,
  references,
  sameAs,
  sqlPredicate,
  unique,
  validCitizenId,
  validUscc,
} from '../../quality/index.ts';

/** Rules of every check, through every branch of their descriptions. */
const SAMPLES: readonly Rule[] = [
  notNull('name'),
  notNull('name', { blankValues: ['无', '-', 'NULL'] }),
  recordCount({ expected: 1000 }),
  recordCount({ dataset: 'hukou', where: "record_type = 'birth'" }, { tolerance: 0.05 }),
  recordCount({ previousLoad: true }),
  keyComplete('id_number'),
  keyComplete('id_number', { built: true }),
  matches('phone', /^1\d{10}$/),
  length('household_no', { min: 9, max: 9 }),
  length('address', { max: 200 }),
  between('age', 0, 120),
  between('birth_date', '1900-01-01', null),
  inSet('status', ['active', 'closed']),
  ...(['sex', 'marital', 'ethnicity', 'division'] as const).map((t) => inCodeTable('code', t)),
  ...(['date', 'timestamp', 'integer', 'decimal', 'boolean'] as const).map((t) => parses('value', t)),
  validCitizenId('legal_rep_id'),
  validUscc('employer_uscc'),
  sqlPredicate('adult', "age >= 18 AND status <> 'closed'", { column: 'age' }),
  keyValid('id_number', 'citizen-id'),
  keyValid('uscc', 'uscc', { built: true }),
  freshness('registered_on', { maxAge: '3 years' }),
  freshness('registered_on', { maxAge: '6 months' }),
  freshness('registered_on', { maxAgeDays: 30 }),
  freshness('registered_on', { workingDays: 5 }),
  datasetFreshness({ cycle: 'daily' }),
  datasetFreshness({ maxAgeDays: 7 }),
  datasetFreshness({ workingDays: 3 }),
  lag('event_date', { maxDays: 30 }),
  periods('event_date', 'month', { from: '2024-01-01' }),
  periods('event_date', 'quarter'),
  agreesWithKey('birth_date', 'birth-date'),
  agreesWithKey('sex', 'sex'),
  agreesWithKey('division', 'division', { level: 'county' }),
  unique('certificate_no'),
  unique(['household_no', 'relation']),
  keyUnique('id_number'),
  references('employer_uscc', { dataset: 'enterprises', column: 'uscc' }),
  sameAs('name', { dataset: 'hukou' }),
  sameAs('sex_code', { dataset: 'hukou', column: 'sex', compareAs: 'sex' }),
  foundationConflicts('name'),
  matchesSource('name', { dataset: 'hukou' }),
  matchesSource('birth_date', { dataset: 'health', column: 'birth', compareAs: 'date' }),
];

/** Designations that stay as they are in Chinese text: standards, the regex dialect, SQL, date patterns. */
const KEPT = /GB\/T|GB|RE2|SQL|YYYY|MM|DD|NULL/g;

/** Every string a rule names (column, arguments), longest first. */
function named(rule: Rule): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(rule.column);
  walk(rule.args);
  return [...out].sort((a, b) => b.length - a.length);
}

/** Latin words left in a Chinese text once the named strings and kept designations are taken out. */
function english(text: string, names: readonly string[] = []): string[] {
  let rest = text;
  for (const n of names) rest = rest.replaceAll(n, ' ');
  return rest.replace(KEPT, ' ').match(/[A-Za-z]{2,}/g) ?? [];
}

const CJK = /[\u4e00-\u9fff]/;

describe('message catalogs of the quality engine', () => {
  it('cover every check kind with a sample here', () => {
    expect(new Set(SAMPLES.map((r) => r.check))).toEqual(new Set(Object.keys(QUALITY_CHECKS)));
  });

  it('describe every rule in every language; the Chinese without English words', () => {
    for (const rule of SAMPLES) {
      const zh = rule.descriptions.zh;
      expect({ rule: rule.id, zh, chinese: CJK.test(zh) }).toEqual({ rule: rule.id, zh, chinese: true });
      expect({ rule: rule.id, zh, english: english(zh, named(rule)) }).toEqual({
        rule: rule.id,
        zh,
        english: [],
      });
      expect(rule.descriptions.en).toBe(rule.description);
      expect(rule.descriptions.en).not.toBe(zh);
    }
  });

  it('give every check a summary in every language; the Chinese without English words', () => {
    for (const [lang, m] of Object.entries(QUALITY_MESSAGES) as [string, QualityMessages][]) {
      for (const [check, c] of Object.entries(m.checks)) {
        expect({ lang, check, summary: c.summary.length >= 6 }).toEqual({ lang, check, summary: true });
        if (lang === 'zh-CN') expect({ check, english: english(c.summary) }).toEqual({ check, english: [] });
      }
    }
    for (const [check, s] of Object.entries(QUALITY_CHECKS)) {
      expect(s.description.zh).toBe(QUALITY_MESSAGES['zh-CN'].checks[s.check].summary);
      expect(s.description.en).toBe(QUALITY_MESSAGES.en.checks[check as Rule['check']].summary);
    }
  });

  it('write findings and observed values in Chinese too', () => {
    const zh = QUALITY_MESSAGES['zh-CN'];
    const anomaly = {
      dataset: 'hukou',
      rule: 'key-valid',
      kind: 'rate' as const,
      value: 0.9,
      expected: 0.99,
      sd: 0.01,
      z: -9,
      history: 6,
      seasonalOffset: 0,
    };
    const texts = [
      zh.anomaly(anomaly),
      zh.anomaly({ ...anomaly, rule: null, kind: 'count', value: 98_000, expected: 120_000, sd: 2000 }),
      zh.fallback('hukou', ''),
      zh.observed.neverLoaded,
      zh.observed.loadAge('2026-11-01', 28, 1, false),
      zh.observed.loadAge('2026-11-01', 20, 5, true),
      zh.observed.rows(90, 100),
      zh.observed.noPreviousLoad,
      zh.observed.missingPeriods('month', '2024-03-01'),
    ];
    for (const t of texts) {
      expect(CJK.test(t)).toBe(true);
      expect({ t, english: english(t, ['hukou', 'key-valid']) }).toEqual({ t, english: [] });
    }
  });

  it('name a column by its catalog title in Chinese when the dataset has one', async () => {
    const { describeRule } = await import('../../quality/index.ts');
    const d = describeRule(keyValid('id_number', 'citizen-id'), (c) =>
      c === 'id_number' ? '公民身份号码' : null,
    );
    expect(d.zh).toContain('“公民身份号码”');
    expect(d.zh).not.toContain('id_number');
    expect(d.en).toContain('id_number');
  });
});
