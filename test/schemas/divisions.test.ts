import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCitizenId } from '../../schemas/citizen-id.ts';
import {
  allDivisions,
  divisionExistedIn,
  divisionLevel,
  getDivision,
  isKnownDivision,
  loadDivisionTable,
} from '../../schemas/divisions.ts';
import { DefinitionError } from '../../schemas/errors.ts';
import { withCitizenCheck } from './identifier-vectors.ts';

describe('built-in division table', () => {
  it('knows current codes with names, levels and parents', () => {
    expect(getDivision('110105')).toMatchObject({ name: '朝阳区', level: 3, parent: '110100' });
    expect(getDivision('650102')).toMatchObject({ name: '天山区', level: 3, parent: '650100' });
    expect(getDivision('659012')).toMatchObject({ name: '白杨市', level: 3, parent: '659000' });
    expect(getDivision('110000')).toMatchObject({ name: '北京市', level: 1, parent: null });
    expect(getDivision('650100')).toMatchObject({ level: 2, parent: '650000' });
  });

  it('keeps abolished codes (no years in the npm sources)', () => {
    expect(getDivision('110103')).toMatchObject({ name: '崇文区', level: 3, start: null, end: null });
    expect(isKnownDivision('110104')).toBe(true); // 宣武区
    expect(divisionExistedIn('110103', 2000)).toBeUndefined();
  });

  it('has HK, Macau and Taiwan and leaves out NBS development zones', () => {
    for (const code of ['810000', '820000', '830000', '710000']) expect(isKnownDivision(code)).toBe(true);
    expect(isKnownDivision('130171')).toBe(false); // 石家庄高新技术产业开发区 (NBS-only)
    expect(isKnownDivision('000000')).toBe(false);
    expect(divisionExistedIn('000000', 2000)).toBe(false);
  });

  it('is sorted, unique, and parents exist', () => {
    const all = allDivisions();
    expect(all.length).toBeGreaterThan(7000);
    const codes = all.map((d) => d.code);
    expect([...codes].sort()).toEqual(codes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of all) {
      expect(d.code).toMatch(/^\d{6}$/);
      expect(d.level).toBe(divisionLevel(d.code));
      if (d.parent !== null) expect(isKnownDivision(d.parent)).toBe(true);
    }
  });
});

describe('loadDivisionTable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongshu-divisions-test-'));

  it('merges a yescallop/areacodes result.csv, with years', () => {
    const file = join(dir, 'result.csv');
    writeFileSync(
      file,
      [
        '\uFEFF代码,一级行政区,二级行政区,名称,级别,状态,启用时间,变更/弃用时间,新代码',
        '110000,北京市,,北京市,省级,启用,1981,,',
        '110103,北京市,直辖,崇文区,县级,弃用,1981,2010,110101',
        '110105,北京市,直辖,朝阳区,县级,启用,1981,,',
        '653228,新疆维吾尔自治区,和田地区,和康县,县级,启用,2024,,',
        '653229,新疆维吾尔自治区,和田地区,和安县,县级,启用,2024,,',
        '659012,新疆维吾尔自治区,直辖,白杨市,县级,启用,2023,,',
        '420600,湖北省,襄樊市,襄樊市,地级,变更,1983,2010,420600',
        '420600,湖北省,襄阳市,襄阳市,地级,启用,2010,,',
        // Two codes no built-in table has (fixture codes, not real divisions).
        '659901,新疆维吾尔自治区,直辖,测试甲市,县级,启用,2025,,',
        '659902,新疆维吾尔自治区,直辖,测试乙市,县级,启用,2025,,',
      ].join('\n'),
    );
    const before = allDivisions().length;
    const result = loadDivisionTable(file);
    expect(result.added).toBe(2);
    expect(result.updated).toBeGreaterThanOrEqual(3);
    expect(allDivisions().length).toBe(before + 2);
    // The first year of the file means "in use when the data begins": start unknown.
    expect(getDivision('110103')).toMatchObject({ name: '崇文区', start: null, end: 2010, current: false });
    expect(getDivision('659901')).toMatchObject({ name: '测试甲市', start: 2025, end: null, current: true });
    expect(divisionExistedIn('110103', 2011)).toBe(false);
    expect(getDivision('653228')).toMatchObject({
      name: '和康县',
      level: 3,
      parent: '653200',
      start: 2024,
      end: null,
    });
    expect(divisionExistedIn('653228', 2024)).toBe(true);
    expect(divisionExistedIn('653228', 2023)).toBe(false);
    expect(getDivision('659012')).toMatchObject({ start: 2023, end: null });
    expect(getDivision('420600')).toMatchObject({ name: '襄阳市', start: 1983, end: null });
  });

  it('warns when the address code did not exist yet in the birth year', () => {
    const born2020 = parseCitizenId(withCitizenCheck('65322820200101001'));
    expect(born2020.reason).toBeNull();
    expect(born2020.warnings).toEqual(['division-not-yet-existing']);
    expect(parseCitizenId(withCitizenCheck('65322820240101001')).warnings).toEqual([]);
    expect(parseCitizenId('653228200101001').warnings).toEqual([
      'upgraded-from-15',
      'division-not-yet-existing',
    ]);
  });

  it('merges a simple code,name,start,end CSV and "code name" lines', () => {
    const csv = join(dir, 'simple.csv');
    writeFileSync(csv, 'code,name,start,end\n999901,测试县,2001,2005\n110105,朝阳区,,\n');
    expect(loadDivisionTable(csv)).toEqual({ added: 1, updated: 0 });
    expect(getDivision('999901')).toMatchObject({
      name: '测试县',
      level: 3,
      parent: null,
      start: 2001,
      end: 2005,
    });
    expect(divisionExistedIn('999901', 2003)).toBe(true);
    expect(divisionExistedIn('999901', 2006)).toBe(false);

    const txt = join(dir, '2024.txt');
    writeFileSync(txt, '999900 测试市\n999902 另一县\n');
    expect(loadDivisionTable(txt)).toEqual({ added: 2, updated: 0 });
    expect(getDivision('999901')).toMatchObject({ parent: '999900', end: 2005 });
  });

  it('rejects a malformed row with the file and line', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'code,name\n11010,短码\n');
    expect(() => loadDivisionTable(bad)).toThrow(DefinitionError);
    expect(() => loadDivisionTable(bad)).toThrow(/bad\.csv:2: expected a six-digit code and a name/);
  });
});
