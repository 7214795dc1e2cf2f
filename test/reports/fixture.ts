/**
 * Fixed dashboard inputs: a small hand-made quality report and model covering every page state (absent
 * dimension, error and not-applicable rules, failing rules with samples, trends, quarantine, drift, loads,
 * catalog problems, configured and unconfigured sections), and a seeded synthetic model of any size for the
 * scale test and the bench. Deterministic: no clock, no randomness beyond the seed.
 */
import {
  ERROR_CEILING,
  MAX_DEDUCTION,
  POINTS_PER_PERCENT,
  rollup,
  ruleDeduction,
  SCORE_FORMULA,
  scoreDataset,
} from '../../quality/index.ts';
import type { DashboardModel, DatasetExtras } from '../../reports/index.ts';
import { citizenIdCheckChar, usccCheckChar } from '../../schemas/checksums.ts';
import {
  QUALITY_DIMENSION_LABELS,
  QUALITY_DIMENSIONS,
  QUALITY_SEVERITY_LABELS,
  type QualityDatasetResult,
  type QualityReport,
  type QualityRuleResult,
} from '../../schemas/quality-report.ts';

/** A valid citizen ID from a 17-digit body. */
export const cid = (body: string) => body + citizenIdCheckChar(body);
/** A valid USCC from a 17-character body. */
export const uscc = (body: string) => body + usccCheckChar(body);

/** Unmasked identity numbers planted in the fixture (a declared rule's SQL, an unmasked run's samples). */
export const PLANTED_IDS = [cid('65010219900307123'), cid('65312520000923089')];

const FORMULA: QualityReport['formula'] = {
  ...SCORE_FORMULA,
  ruleWeighting: 'rows',
  dimensionWeights: { completeness: 1, validity: 1, timeliness: 1, consistency: 1, accuracy: 1 },
  errorCeiling: ERROR_CEILING,
  pointsPerPercent: { ...POINTS_PER_PERCENT },
  maxDeduction: { ...MAX_DEDUCTION },
};

const QUERIES = { scans: 3, joins: 1, aggregates: 2, fallback: 0, samples: 1, metadata: 4, total: 11 };

function rule(
  partial: Partial<QualityRuleResult> & Pick<QualityRuleResult, 'id' | 'dimension'>,
): QualityRuleResult {
  const total = partial.total ?? 1000;
  const failed = partial.failed ?? 0;
  const mostly = partial.mostly ?? 1;
  const passRate =
    partial.passRate !== undefined ? partial.passRate : total === 0 ? null : (total - failed) / total;
  const status =
    partial.status ?? (passRate === null ? 'not-applicable' : passRate >= mostly ? 'pass' : 'fail');
  const description = partial.description ?? `checks ${partial.id}`;
  const judged = ruleDeduction({ passRate, status, mostly, severity: partial.severity ?? 'error' });
  return {
    check: partial.id.split(':')[0]!,
    severity: 'error',
    origin: 'default',
    column: null,
    description,
    descriptions: partial.descriptions ?? { zh: `检查 ${partial.id}`, en: description },
    scope: null,
    mostly,
    weight: 1,
    observed: null,
    observedTexts: partial.observed ? { zh: `观测：${partial.observed}`, en: partial.observed } : null,
    error: null,
    samples: [],
    sql: null,
    trend: [],
    ...partial,
    total,
    failed,
    passRate,
    status,
    ...judged,
  };
}

const score = (rules: readonly QualityRuleResult[]) => scoreDataset(rules, { dimensions: {}, rules: 'rows' });

function dataset(
  name: string,
  title: string | null,
  department: { name: string; code: string } | null,
  rows: number,
  rules: QualityRuleResult[],
  quarantine: QualityDatasetResult['quarantine'] = { total: 0, byReason: {} },
  key: QualityDatasetResult['key'] = { kind: 'citizen-id', column: 'id_number' },
): QualityDatasetResult {
  const { dimensions, score: s, passRate, ceiling, deductions } = score(rules);
  return {
    dataset: name,
    title,
    table: name,
    layer: null,
    department,
    key,
    rows,
    loads: [`${name}-20261101080000-aaaaaa`],
    quarantine,
    score: s,
    passRate,
    ceiling,
    deductions,
    status: rules.some((r) => r.severity === 'error' && r.status === 'fail') ? 'fail' : 'pass',
    dimensions,
    rules,
    queries: QUERIES,
    seconds: 0.1,
  };
}

const GONGAN = { name: '新疆维吾尔自治区公安厅', code: uscc('11650000010100013') };
const SCJG = { name: '新疆维吾尔自治区市场监督管理局', code: uscc('11650000010100056') };

const TREND = (rates: number[]) =>
  rates.map((passRate, i) => ({
    runId: `run-${i + 1}`,
    at: `2026-10-${String(20 + i).padStart(2, '0')}`,
    passRate,
  }));

/** The fixed quality report of the golden tests. */
export function fixtureReport(): QualityReport {
  const hukou = dataset(
    'hukou',
    '户籍人口登记信息',
    GONGAN,
    98_501,
    [
      rule({
        id: 'key-complete',
        dimension: 'completeness',
        origin: 'builtin',
        column: 'id_number',
        description: 'every row read has a key in id_number',
        total: 100_101,
        failed: 300,
        samples: [{ key: null, source: 'gongan_hukou.csv:206', value: 'key:missing' }],
        sql: "SELECT NULL AS key, source_location FROM gongshu.quarantine WHERE reason = 'key:missing' LIMIT 100",
        trend: TREND([0.995, 0.996, 0.997]),
      }),
      rule({
        id: 'not-null:name',
        dimension: 'completeness',
        column: 'name',
        total: 98_501,
        trend: TREND([1, 1]),
      }),
      rule({
        id: 'key-valid',
        dimension: 'validity',
        origin: 'builtin',
        column: 'id_number',
        description: 'every key in id_number is a valid citizen identity number (GB 11643)',
        total: 100_001,
        failed: 1_500,
        samples: [
          { key: '652701*******6167', source: 'gongan_hukou.csv:185', value: 'key:format' },
          { key: '650502********2696', source: 'gongan_hukou.csv:246', value: 'key:birth-date' },
        ],
        trend: TREND([0.99, 0.985, 0.984]),
      }),
      rule({
        id: 'code-table:ethnicity',
        dimension: 'validity',
        severity: 'warn',
        column: 'ethnicity',
        description: 'ethnicity is a GB 3304 code or name',
        total: 98_501,
        failed: 3,
        mostly: 0.99,
      }),
      rule({
        id: 'declared:no-test-ids',
        dimension: 'validity',
        origin: 'declared',
        column: 'id_number',
        description: 'the test identity number does not appear',
        total: 98_501,
        failed: 1,
        samples: [{ key: '650102********1237', source: 'gongan_hukou.csv:9', value: null }],
        // A declared rule's SQL may carry literal identity numbers: the dashboard masks them.
        sql: `SELECT id_number FROM hukou WHERE id_number = '${PLANTED_IDS[0]}' LIMIT 100`,
      }),
      rule({
        id: 'freshness:registered_on',
        dimension: 'timeliness',
        severity: 'warn',
        column: 'registered_on',
        description: 'the newest registered_on is at most 2 years old',
        total: 1,
        failed: 0,
        observed: 'newest 2026-11-01 (28 days old)',
      }),
      rule({
        id: 'key-unique',
        dimension: 'consistency',
        origin: 'builtin',
        column: 'id_number',
        total: 98_501,
        failed: 300,
        samples: [{ key: '650102********1237', source: 'gongan_hukou.csv:68', value: '650102********1237' }],
      }),
      rule({
        id: 'same-as:marriage.marital_status',
        dimension: 'consistency',
        severity: 'warn',
        column: 'marital_status',
        total: 0,
        failed: 0,
        description:
          'marital_status agrees with the marriage registry (<script>alert(1)</script> & "quotes")',
      }),
      rule({
        id: 'references:division',
        dimension: 'consistency',
        column: 'division',
        status: 'error',
        passRate: null,
        total: 0,
        failed: 0,
        error: 'Catalog Error: Table with name divisions_2024 does not exist',
      }),
    ],
    {
      total: 1_800,
      byReason: {
        'key:birth-date': { count: 600, locations: ['gongan_hukou.csv:24', 'gongan_hukou.csv:259'] },
        'key:missing': { count: 300, locations: ['gongan_hukou.csv:206'] },
        'key:checksum': { count: 900, locations: ['gongan_hukou.csv:547'] },
      },
    },
  );
  const enterprises = dataset(
    'enterprises',
    '企业登记信息',
    SCJG,
    4_970,
    [
      rule({ id: 'key-complete', dimension: 'completeness', column: 'uscc', total: 5_000, failed: 30 }),
      rule({ id: 'key-valid', dimension: 'validity', column: 'uscc', total: 4_970, failed: 0 }),
      rule({
        id: 'matches-source:legal_person',
        dimension: 'accuracy',
        severity: 'warn',
        column: 'legal_person',
        total: 4_970,
        failed: 120,
        mostly: 0.95,
        // An unmasked run (--no-mask): the dashboard still masks identity numbers it finds.
        samples: [{ key: uscc('91650100MA77XXXX7'), source: 'scjg.xlsx!12', value: PLANTED_IDS[1]! }],
      }),
      rule({ id: 'dataset-freshness', dimension: 'timeliness', total: 1, failed: 1, status: 'fail' }),
    ],
    { total: 30, byReason: { 'key:checksum': { count: 30, locations: ['scjg.xlsx!7'] } } },
    { kind: 'uscc', column: 'uscc' },
  );
  const empty = dataset('street_lights', null, null, 0, []);
  const datasets = [hukou, enterprises, empty];
  return {
    schemaVersion: 2,
    runId: '20261129141239-dcffb0',
    generatedAt: '2026-11-29T14:12:39.798Z',
    asOf: '2026-11-29',
    status: 'fail',
    failOn: null,
    masked: true,
    labels: { dimensions: { ...QUALITY_DIMENSION_LABELS }, severities: { ...QUALITY_SEVERITY_LABELS } },
    formula: FORMULA,
    datasets,
    departments: [rollup(GONGAN.name, GONGAN.code, [hukou]), rollup(SCJG.name, SCJG.code, [enterprises])],
    node: rollup('新疆维吾尔自治区', '650000', datasets),
    findings: [
      {
        level: 'warn',
        kind: 'anomaly',
        dataset: 'hukou',
        metric: 'rows',
        value: 98_501,
        expected: 120_000,
        sd: 2_000,
        z: -10.75,
        history: 6,
        message: 'hukou rows: 98501 against an expected 120000 ± 2000 (z = -10.75 over 6 earlier runs)',
        messages: {
          zh: 'hukou 记录数为 98501，偏离预期 120000 ± 2000（z = -10.75，依据此前 6 次运行）',
          en: 'hukou rows: 98501 against an expected 120000 ± 2000 (z = -10.75 over 6 earlier runs)',
        },
      },
    ],
    queries: QUERIES,
    seconds: 0.37,
  };
}

const NOTHING: DatasetExtras = { scoreTrend: [], quarantine: [], drift: [], loads: [] };

/** The fixed dashboard model of the golden tests (`configured`: foundations and hierarchy have data). */
export function fixtureModel(options: { configured?: boolean } = {}): DashboardModel {
  const report = fixtureReport();
  const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T02:00:00.000Z`;
  return {
    schemaVersion: 1,
    builtAt: '2026-11-29T14:30:00.000Z',
    quality: report,
    runs: [
      { runId: 'r1', at: at(26), asOf: '2026-11-26', score: 98.9, status: 'fail', rules: 12 },
      { runId: 'r2', at: at(27), asOf: '2026-11-27', score: null, status: 'fail', rules: 12 },
      { runId: 'r3', at: at(28), asOf: '2026-11-28', score: 99.31, status: 'pass', rules: 13 },
      {
        runId: report.runId,
        at: report.generatedAt,
        asOf: report.asOf,
        score: report.node!.score,
        status: report.status,
        rules: 13,
      },
    ],
    datasets: {
      hukou: {
        scoreTrend: [
          { runId: 'r1', at: at(26), score: 99.1 },
          { runId: 'r3', at: at(28), score: 99.5 },
          { runId: report.runId, at: report.generatedAt, score: report.datasets[0]!.score },
        ],
        quarantine: [
          {
            reason: 'key:checksum',
            count: 900,
            samples: [{ location: 'gongan_hukou.csv:547', key: '650102********1234' }],
          },
          {
            reason: 'key:birth-date',
            count: 600,
            samples: [
              { location: 'gongan_hukou.csv:24', key: '650502********2696' },
              { location: 'gongan_hukou.csv:259', key: '654002********2615' },
            ],
          },
          { reason: 'key:missing', count: 300, samples: [{ location: 'gongan_hukou.csv:206', key: null }] },
        ],
        drift: [
          {
            loadId: 'hukou-20261101080000-aaaaaa',
            at: at(1),
            change: 'added',
            column: 'email',
            oldType: null,
            newType: 'VARCHAR',
            action: 'added-column',
          },
        ],
        loads: [
          {
            loadId: 'hukou-20261101080000-aaaaaa',
            startedAt: at(29),
            finishedAt: at(29),
            connector: 'csv',
            source: 'gongan_hukou.csv',
            writeMode: 'replace',
            status: 'committed',
            rowsRead: 100_101,
            rowsLoaded: 98_501,
            rowsQuarantined: 1_800,
          },
        ],
      },
      enterprises: {
        ...NOTHING,
        scoreTrend: [{ runId: report.runId, at: report.generatedAt, score: report.datasets[1]!.score }],
      },
      street_lights: NOTHING,
    },
    catalog: {
      status: 'ok',
      data: [
        {
          dataset: 'hukou',
          code: '1/01/001/0001',
          name: '户籍人口登记信息',
          provider: GONGAN.name,
          kind: 'foundation',
          shareType: 'conditional',
          openType: 'none',
          updateCycle: 'daily',
          publishedAt: '2024-01-01',
          securityGrade: 'important',
          generalSubLevel: null,
          personalInfo: 'sensitive',
          fields: 12,
          sensitiveFields: 4,
          lastLoadAt: at(20),
          ageDays: 9,
          maxAgeDays: 1,
          problems: ['overdue', 'legal-basis-missing'],
        },
        {
          dataset: 'enterprises',
          code: '2/01/001/0001',
          name: '企业登记信息',
          provider: SCJG.name,
          kind: 'foundation',
          shareType: 'unconditional',
          openType: 'conditional',
          updateCycle: 'monthly',
          publishedAt: '2023-06-01',
          securityGrade: 'general',
          generalSubLevel: 'L2',
          personalInfo: 'general',
          fields: 8,
          sensitiveFields: 1,
          lastLoadAt: at(28),
          ageDays: 1,
          maxAgeDays: 31,
          problems: [],
        },
        {
          dataset: 'street_lights',
          code: '3/09/001/0001',
          name: '路灯设施',
          provider: '乌鲁木齐市城市管理局',
          kind: 'department',
          shareType: 'unconditional',
          openType: 'unconditional',
          updateCycle: 'irregular',
          publishedAt: null,
          securityGrade: 'general',
          generalSubLevel: null,
          personalInfo: 'none',
          fields: 3,
          sensitiveFields: 0,
          lastLoadAt: null,
          ageDays: null,
          maxAgeDays: null,
          problems: ['never-loaded'],
        },
      ],
    },
    foundations: options.configured
      ? {
          status: 'ok',
          data: {
            foundations: [
              {
                name: 'population',
                title: '人口基础库',
                key: 'citizen-id',
                keyColumn: 'id_number',
                fields: 2,
                builtAt: '2026-11-29T03:00:00.000Z',
                mode: 'incremental',
                rows: 98_501,
                closed: 1_204,
                history: 99_705,
                conflicts: 42,
              },
              {
                name: 'legal_entity',
                title: '法人基础库',
                key: 'uscc',
                keyColumn: 'uscc',
                fields: 1,
                builtAt: null,
                mode: null,
                rows: null,
                closed: null,
                history: null,
                conflicts: null,
              },
            ],
            sources: [
              {
                foundation: 'population',
                field: 'name',
                source: 'hukou',
                department: GONGAN.name,
                column: 'name',
                keyPrefix: [],
                compared: ['social_security.name'],
                conflicts: 0,
              },
              {
                foundation: 'population',
                field: 'marital_status',
                source: 'marriage',
                department: '新疆维吾尔自治区民政厅',
                column: "CASE kind WHEN '结婚' THEN '已婚' END",
                keyPrefix: [],
                compared: ['hukou.marital_status'],
                conflicts: 42,
              },
              {
                foundation: 'legal_entity',
                field: 'org_name',
                source: 'enterprises',
                department: SCJG.name,
                column: 'org_name',
                keyPrefix: ['9'],
                compared: [],
                conflicts: 0,
              },
            ],
            conflicts: [
              { foundation: 'population', field: 'marital_status', department: GONGAN.name, count: 42 },
            ],
            duplicates: [
              {
                field: 'marital_status',
                department: GONGAN.name,
                authoritative: '新疆维吾尔自治区民政厅',
                count: 42,
              },
            ],
          },
        }
      : { status: 'not-configured', note: 'no gongshu.foundations table (no foundation was built)' },
    hierarchy: options.configured
      ? {
          status: 'ok',
          data: {
            pushes: [
              {
                node: '650102',
                dataset: 'hukou',
                batches: 3,
                rows: 12_000,
                lastAt: at(29),
                status: 'acknowledged',
              },
              { node: '650103', dataset: 'hukou', batches: 1, rows: 0, lastAt: at(28), status: 'rejected' },
            ],
            backflow: [{ node: '650102', dataset: 'hukou', requests: 2, rows: 800, lastAt: at(29) }],
          },
        }
      : { status: 'not-configured', note: 'no gongshu.audit table' },
    sharing: options.configured
      ? {
          status: 'ok',
          data: {
            asOf: '2026-11-29T10:00:00+08:00',
            requests: [
              {
                id: 'req-20261129010000-a1b2c3',
                status: 'submitted',
                dataset: 'hukou',
                requesterNode: '650102',
                requesterDepartment: '县应急管理局',
                provider: '自治区公安厅',
                shareType: 'conditional',
                emergency: 'earthquake',
                submittedAt: '2026-11-29T05:00:00+08:00',
                dueAt: '2026-11-29T09:00:00+08:00',
                overdue: true,
                grantId: null,
              },
              {
                id: 'req-20261126020000-d4e5f6',
                status: 'provider-review',
                dataset: 'hukou',
                requesterNode: '650100',
                requesterDepartment: '市民政局',
                provider: '自治区公安厅',
                shareType: 'conditional',
                emergency: null,
                submittedAt: '2026-11-20T10:00:00+08:00',
                dueAt: '2026-12-03T23:59:59+08:00',
                overdue: false,
                grantId: null,
              },
              {
                id: 'req-20261101020000-0a0b0c',
                status: 'granted',
                dataset: 'enterprises',
                requesterNode: '650100',
                requesterDepartment: '市税务局',
                provider: '自治区市场监督管理局',
                shareType: 'unconditional',
                emergency: null,
                submittedAt: '2026-11-01T10:00:00+08:00',
                dueAt: null,
                overdue: false,
                grantId: 'grt-20261102020000-0d0e0f',
              },
            ],
            catalog: [
              {
                problem: 'update-overdue',
                code: '1/01/001/0001',
                dataset: 'hukou',
                name: '户籍人口登记信息',
                dueDate: '2026-11-20',
                overdue: true,
                detail: '法律法规变化 2026-10-29 (新政办发〔2026〕12号), no new version yet',
              },
              {
                problem: 'not-catalogued',
                code: null,
                dataset: 'street_lights',
                name: null,
                dueDate: null,
                overdue: true,
                detail: 'a dataset without a catalog entry (第六条)',
              },
            ],
            usage: [
              {
                department: '市民政局',
                kind: 'export',
                entries: 2,
                rows: 2_400,
                lastAt: '2026-11-28T10:00:00+08:00',
              },
              {
                department: '县民政局',
                kind: 'backflow-served',
                entries: 1,
                rows: 800,
                lastAt: '2026-11-29T09:30:00+08:00',
              },
            ],
          },
        }
      : { status: 'not-configured', note: 'no sharing requests, catalog lifecycle or usage entries' },
    openData: options.configured
      ? {
          status: 'ok',
          data: {
            asOf: '2026-11-29T22:30:00+08:00',
            resources: [
              {
                code: '1/02/001/0001',
                dataset: 'enterprises',
                name: '企业登记信息',
                provider: '自治区市场监督管理局',
                openType: 'conditional',
                updateCycle: '每日',
                columns: ['uscc', 'org_name', 'legal_rep', 'status'],
                state: 'open',
                reason: null,
                liveVersion: 2,
              },
            ],
            versions: [
              {
                code: '1/02/001/0001',
                version: 2,
                status: 'live',
                format: 'csv',
                rows: 4800,
                liveFrom: '2026-11-28T02:00:00.000Z',
                offlineAt: null,
                consumers: 1,
              },
              {
                code: '1/02/001/0001',
                version: 1,
                status: 'superseded',
                format: 'csv',
                rows: 4790,
                liveFrom: '2026-11-20T02:00:00.000Z',
                offlineAt: '2026-11-28T02:00:00.000Z',
                consumers: 0,
              },
            ],
            objections: [
              {
                id: 'obj-20261120-a1b2c3',
                dataset: 'enterprises',
                provider: '自治区市场监督管理局',
                type: 'error',
                key: '91650*********123X',
                columns: ['status'],
                status: 'open',
                raisedAt: '2026-11-20T02:00:00.000Z',
                dueAt: '2026-11-27T15:59:59.999Z',
                overdue: true,
              },
            ],
          },
        }
      : { status: 'not-configured', note: 'no open catalog entry, open resource version or objection' },
    notes: [],
  };
}

/** A tiny seeded PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A synthetic model of `datasets` datasets and `rules` rules in all (spread evenly; the first dataset gets
 * the remainder), across `departments` departments, with 10-run trends, samples and SQL on failing rules.
 */
export function syntheticModel(options: {
  datasets: number;
  rules: number;
  departments?: number;
  seed?: number;
  /** Extra rules on the first dataset (to make it span several pages). */
  extraOnFirst?: number;
}): DashboardModel {
  const rand = prng(options.seed ?? 7);
  const nDept = options.departments ?? 40;
  const depts = Array.from({ length: nDept }, (_, i) => ({
    name: `第${i + 1}部门（合成）`,
    code: uscc(`1165000001010${String(1000 + i).slice(-4)}`),
  }));
  const per = Math.floor(options.rules / options.datasets);
  const datasets: QualityDatasetResult[] = [];
  const extras: Record<string, DatasetExtras> = {};
  for (let i = 0; i < options.datasets; i++) {
    const name = `ds_${String(i).padStart(4, '0')}`;
    const n = per + (i === 0 ? options.rules - per * options.datasets + (options.extraOnFirst ?? 0) : 0);
    const rules: QualityRuleResult[] = [];
    for (let j = 0; j < n; j++) {
      const dim = QUALITY_DIMENSIONS[j % (i % 3 === 0 ? 4 : 5)]!;
      const total = 1_000 + Math.floor(rand() * 100_000);
      const failed = rand() < 0.3 ? Math.floor(rand() * total * 0.02) : 0;
      rules.push(
        rule({
          id: `rule_${j}:col_${j % 17}`,
          dimension: dim,
          severity: (['error', 'warn', 'info'] as const)[j % 3]!,
          column: `col_${j % 17}`,
          description: `synthetic rule ${j} of ${name}`,
          total,
          failed,
          samples: failed
            ? Array.from({ length: 5 }, (_, k) => ({
                key: `6501${String(k).padStart(2, '0')}********${String(1000 + k)}`,
                source: `${name}.csv:${k * 37 + 2}`,
                value: `值${k}`,
              }))
            : [],
          sql: failed
            ? `SELECT id_number, col_${j % 17} FROM ${name} WHERE NOT (col_${j % 17} IS NOT NULL) LIMIT 100`
            : null,
          trend: Array.from({ length: 10 }, (_, k) => ({
            runId: `r${k}`,
            at: `2026-11-${String(10 + k).padStart(2, '0')}`,
            passRate: 1 - rand() * 0.02,
          })),
        }),
      );
    }
    const d = dataset(
      name,
      `合成数据集 ${i + 1}`,
      depts[i % nDept]!,
      10_000 + Math.floor(rand() * 90_000),
      rules,
      {
        total: 12,
        byReason: { 'key:checksum': { count: 12, locations: [`${name}.csv:7`] } },
      },
    );
    datasets.push(d);
    extras[name] = {
      scoreTrend: Array.from({ length: 10 }, (_, k) => ({
        runId: `r${k}`,
        at: `2026-11-${String(10 + k).padStart(2, '0')}T02:00:00.000Z`,
        score: 95 + rand() * 5,
      })),
      quarantine: [
        {
          reason: 'key:checksum',
          count: 12,
          samples: [{ location: `${name}.csv:7`, key: '650102********1234' }],
        },
      ],
      drift: [],
      loads: [],
    };
  }
  const base = fixtureModel();
  const report: QualityReport = {
    ...base.quality,
    datasets,
    departments: depts.map((dep) => {
      const ds = datasets.filter((d) => d.department?.code === dep.code);
      return {
        name: dep.name,
        code: dep.code,
        datasets: ds.map((d) => d.dataset),
        rows: ds.reduce((s, d) => s + d.rows, 0),
        score: ds.length ? ds.reduce((s, d) => s + (d.score ?? 0), 0) / ds.length : null,
        passRate: null,
        dimensions: {},
      };
    }),
    node: { ...base.quality.node!, datasets: datasets.map((d) => d.dataset) },
    findings: [],
  };
  return { ...base, quality: report, datasets: extras };
}
