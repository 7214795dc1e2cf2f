/**
 * The quality engine on the example region: every injected defect is found at its manifest row, and nothing else
 * is flagged. The generator's world: people 3000, asOf = today (the run's reference date).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DefectKind, FileManifest, Manifest } from '../../examples/xinjiang/generate/index.ts';
import { generateRegion } from '../../examples/xinjiang/generate/index.ts';
import { xinjiangPipelines } from '../../examples/xinjiang/pipelines.ts';
import { xinjiangQuality } from '../../examples/xinjiang/quality.ts';
import { runPipelines } from '../../pipelines/index.ts';
import { defineProject } from '../../project/index.ts';
import { type QualityReport, runQuality } from '../../quality/index.ts';
import { parseCitizenId } from '../../schemas/index.ts';
import { QualityReport as QualityReportSchema } from '../../schemas/quality-report.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const INVALID_KEY_KINDS = [
  'bad-checksum',
  'impossible-date',
  'future-birth-date',
  'unknown-division',
  'malformed',
];
/** The rule families that must find exactly the non-key defects, by check kind → defect kinds. */
const FAMILIES: Readonly<Record<string, readonly DefectKind[]>> = {
  'agrees-with-key': ['sex-mismatch', 'birth-date-mismatch'],
  'code-table': ['ethnicity-invalid'],
  freshness: ['stale-record'],
};

let manifest: Manifest;
let wh: Warehouse;
let report: QualityReport;
let fileOf: Map<string, FileManifest>;

beforeAll(async () => {
  const dir = tempDir('gongshu-quality-');
  manifest = await generateRegion({ outDir: dir, people: 3000, seed: 7, asOf: today });
  const pipelines = xinjiangPipelines(dir);
  const project = defineProject({
    name: 'xinjiang',
    node: { id: '650000', level: 'region', name: '新疆维吾尔自治区' },
    pipelines,
  });
  wh = await openWarehouse({ path: `${dir}/warehouse.duckdb` });
  const summary = await runPipelines(wh, project);
  expect(summary.status).toBe('succeeded');
  fileOf = new Map(
    pipelines.map((p) => [
      p.dataset.name,
      Object.values(manifest.files).find((f) => p.source.describe().source.endsWith(f.file))!,
    ]),
  );
  report = await runQuality(wh, {
    definitions: xinjiangQuality,
    asOf: today,
    node: { id: '650000', name: '新疆维吾尔自治区' },
  });
  return () => wh.close();
});

/** `_source` of every failing row of a rule, by running its reproducing SQL. */
async function failingSources(sql: string): Promise<string[]> {
  const rows = await wh.all<{ _source: string }>(sql);
  return rows.map((r) => r._source).sort();
}

const locations = (file: FileManifest, kinds: readonly string[], field?: string) =>
  Object.entries(file.defects)
    .filter(([kind]) => kinds.includes(kind))
    .flatMap(([, e]) => e!.rows.filter((r) => field === undefined || r.field === field).map((r) => r.at))
    .sort();

describe('quality on the example region manifest', () => {
  it('produces a report that parses with its zod schema', () => {
    expect(() => QualityReportSchema.parse(report)).not.toThrow();
    expect(report.datasets.map((d) => d.dataset).sort()).toEqual([...fileOf.keys()].sort());
  });

  it('key-complete / key-valid count the quarantined keys per file, key-unique the duplicates', async () => {
    for (const d of report.datasets) {
      const file = fileOf.get(d.dataset)!;
      const rule = (id: string) => d.rules.find((r) => r.id === id)!;
      const inv = file.expected.keyInvalid;
      const invalid = inv.format + inv.checksum + inv['birth-date'] + inv.division;
      expect({
        d: d.dataset,
        total: rule('key-complete').total,
        failed: rule('key-complete').failed,
      }).toEqual({
        d: d.dataset,
        total: file.dataRows,
        failed: inv.missing,
      });
      expect({ d: d.dataset, total: rule('key-valid').total, failed: rule('key-valid').failed }).toEqual({
        d: d.dataset,
        total: file.dataRows - inv.missing,
        failed: invalid,
      });
      expect({ d: d.dataset, total: rule('key-unique').total, failed: rule('key-unique').failed }).toEqual({
        d: d.dataset,
        total: file.expected.keyValid,
        failed: file.expected.duplicateKeyRows,
      });
      // The failing rows themselves: quarantine locations and the later copies of duplicate keys.
      expect(await failingSources(rule('key-complete').sql!)).toEqual(locations(file, ['blank-key']));
      expect(await failingSources(rule('key-valid').sql!)).toEqual(locations(file, INVALID_KEY_KINDS));
      expect(await failingSources(rule('key-unique').sql!)).toEqual(locations(file, ['duplicate-key']));
    }
  });

  it('finds sex-mismatch, birth-date-mismatch, ethnicity-invalid and stale-record exactly at their rows', async () => {
    const seen = new Set<string>();
    for (const d of report.datasets) {
      const file = fileOf.get(d.dataset)!;
      for (const r of d.rules) {
        const kinds = FAMILIES[r.check];
        if (!kinds) continue;
        const info = await wh.value<string>(
          `SELECT CAST(catalog AS VARCHAR) FROM gongshu.datasets WHERE dataset = $1`,
          [d.dataset],
        );
        const title = (JSON.parse(info!) as { fields: { name: string; title: string }[] }).fields.find(
          (f) => f.name === r.column,
        )!.title;
        const expected = locations(file, kinds, title);
        expect(r.failed).toBeLessThan(100); // the reproducing SQL is capped at 100 rows
        expect({ rule: `${d.dataset}/${r.id}`, at: await failingSources(r.sql!) }).toEqual({
          rule: `${d.dataset}/${r.id}`,
          at: expected,
        });
        expect(r.failed).toBe(expected.length);
        for (const at of expected) seen.add(at);
      }
    }
    // Every injected non-key defect was found by some rule.
    const all = Object.values(manifest.files).flatMap((f) => locations(f, Object.values(FAMILIES).flat()));
    expect(all.length).toBeGreaterThan(20);
    expect([...seen].sort()).toEqual(all.sort());
  });

  it('flags nothing else: every failing rule is a key rule or a family with manifest defects', () => {
    const failing = report.datasets.flatMap((d) =>
      d.rules
        .filter((r) => r.status !== 'pass' && r.status !== 'not-applicable')
        .map((r) => `${d.dataset}/${r.id}`),
    );
    const explained = failing.filter((id) => {
      const [dataset, rule] = id.split('/') as [string, string];
      const r = report.datasets.find((d) => d.dataset === dataset)!.rules.find((x) => x.id === rule)!;
      return r.id.startsWith('key-') || r.check in FAMILIES;
    });
    expect(failing).toEqual(explained);
    expect(report.datasets.flatMap((d) => d.rules).filter((r) => r.status === 'error')).toEqual([]);
  });

  it('runs one scan per dataset and no joins; the report states the count', () => {
    for (const d of report.datasets) {
      expect({
        d: d.dataset,
        scans: d.queries.scans,
        joins: d.queries.joins,
        fallback: d.queries.fallback,
      }).toEqual({
        d: d.dataset,
        scans: 1,
        joins: 0,
        fallback: 0,
      });
    }
    expect(report.queries.scans).toBe(report.datasets.length);
  });

  it('leaves accuracy absent (no rules) and publishes the formula with its inputs', () => {
    for (const d of report.datasets) {
      expect(d.dimensions.accuracy).toBeUndefined();
      expect(Object.keys(d.dimensions).sort()).toEqual([
        'completeness',
        'consistency',
        'timeliness',
        'validity',
      ]);
      const v = d.dimensions.validity!;
      expect(v.score).toBeCloseTo((100 * v.weightedPassed) / v.weightedTotal, 2);
    }
    expect(report.formula.dimension).toMatch(/Σ w_r/);
    expect(report.node?.code).toBe('650000');
    expect(report.departments.length).toBeGreaterThanOrEqual(5);
  });

  it('masks samples: no unmasked 18-character identity number anywhere in the JSON', async () => {
    const ids = (json: string) => (json.match(/\d{17}[\dX]/g) ?? []).filter((m) => parseCitizenId(m).valid);
    expect(ids(JSON.stringify(report))).toEqual([]);
    const hukou = report.datasets.find((d) => d.dataset === 'hukou')!;
    const sex = hukou.rules.find((r) => r.id === 'agrees-with-key:sex')!;
    expect(sex.samples.length).toBe(5);
    expect(sex.samples[0]!.key).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const plain = await runQuality(wh, {
      definitions: xinjiangQuality,
      mask: false,
      history: false,
      datasets: ['hukou'],
    });
    expect(ids(JSON.stringify(plain)).length).toBeGreaterThan(10);
  });
});
