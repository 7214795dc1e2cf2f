import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectAnomaly,
  isWorkingDay,
  WORKING_DAY_COVERAGE,
  workingDayCutoff,
  workingDaysBetween,
} from '../../quality/index.ts';
import { qualityReportJsonSchema } from '../../schemas/quality-report.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

describe('working days (chinese-days)', () => {
  it.each([
    ['2026-10-09', 3, '2026-09-29'], // 国庆+中秋 10-01..07 off
    ['2026-11-29', 1, '2026-11-26'], // Sunday: Fri is 1 working day old, Thu 2
    ['2026-02-24', 1, '2026-02-14'], // 春节 02-15..23 off; 02-14 (Sat) is an adjusted working day
  ])('cutoff(%s, %i) = %s', (asOf, n, cutoff) => {
    expect(workingDayCutoff(asOf, n)).toBe(cutoff);
  });

  it('counts adjusted working days and skips holidays', () => {
    expect(isWorkingDay('2026-02-14')).toBe(true);
    expect(isWorkingDay('2026-10-05')).toBe(false);
    expect(workingDaysBetween('2026-09-30', '2026-10-09')).toBe(2);
  });

  it('covers 2004–2026 from the package; later years fall back to Monday–Friday (test/quality/calendar.test.ts)', () => {
    expect(WORKING_DAY_COVERAGE).toEqual({ from: 2004, to: 2026 });
    expect(isWorkingDay('2027-01-04')).toBe(true); // a Monday
    expect(isWorkingDay('2027-01-03')).toBe(false); // a Sunday
  });
});

describe('anomaly detector', () => {
  const flat = Array.from({ length: 10 }, (_, i) => ({
    at: `2026-0${(i % 9) + 1}-01`,
    value: 100 + (i % 2),
  }));

  it('needs a minimum history', () => {
    expect(detectAnomaly(flat.slice(0, 5), { at: '2026-11-01', value: 10 })).toBeNull();
  });

  it('flags a large deviation and explains it', () => {
    const v = detectAnomaly(flat, { at: '2026-11-01', value: 50 })!;
    expect(v.anomaly).toBe(true);
    expect(v.z).toBeLessThan(-3);
    expect(v.expected).toBeCloseTo(100.5, 1);
    expect(detectAnomaly(flat, { at: '2026-11-01', value: 101 })!.anomaly).toBe(false);
  });

  it('removes monthly seasonality: a December peak seen before is not an anomaly', () => {
    const history = [];
    for (let y = 2022; y <= 2025; y++) {
      for (let m = 1; m <= 12; m++) {
        history.push({ at: `${y}-${String(m).padStart(2, '0')}-01`, value: m === 12 ? 200 : 100 + (m % 3) });
      }
    }
    const dec = detectAnomaly(history, { at: '2026-12-01', value: 201 })!;
    expect(dec.anomaly).toBe(false);
    expect(dec.seasonalOffset).toBeGreaterThan(80);
    expect(detectAnomaly(history, { at: '2026-06-01', value: 200 })!.anomaly).toBe(true);
  });
});

describe('report JSON Schema', () => {
  it('is generated from the zod schema and up to date (UPDATE_SCHEMAS=1 rewrites it)', () => {
    const file = `${REPO_ROOT}schemas/quality-report.schema.json`;
    const text = `${JSON.stringify(qualityReportJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMAS) writeFileSync(file, text);
    // Compared as data: the committed file may be reformatted by biome.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(text));
  });
});
