import { describe, expect, it } from 'vitest';
import {
  CODE_TABLES,
  ETHNICITY_TABLE,
  EthnicityCode,
  ethnicityByCode,
  ethnicityByName,
  MARITAL_TABLE,
  MaritalCode,
  maritalLabel,
  normalizeEthnicity,
  normalizeSex,
  SEX_TABLE,
  SexCode,
  sexLabel,
} from '../../schemas/index.ts';

describe('sex codes (GB/T 2261.1)', () => {
  it('has the four codes with labels', () => {
    expect(SEX_TABLE.map((r) => r.code)).toEqual(SexCode.options);
    expect(sexLabel('1')).toBe('男性');
    expect(sexLabel('2', 'en')).toBe('Female');
    expect(sexLabel('9')).toBe('未说明的性别');
    expect(sexLabel('3')).toBeNull();
    expect(sexLabel(null)).toBeNull();
  });

  it.each([
    ['男', '1'],
    ['女', '2'],
    ['M', '1'],
    ['F', '2'],
    ['m', '1'],
    ['female', '2'],
    ['1', '1'],
    ['2', '2'],
    [1, '1'],
    ['男性', '1'],
    ['女性', '2'],
    [' 男 ', '1'],
    ['Ｍ', '1'],
    ['未知', '0'],
    ['未说明的性别', '9'],
    ['', null],
    ['x', null],
    ['3', null],
    [null, null],
  ])('normalizeSex(%j) → %j', (input, code) => {
    expect(normalizeSex(input)).toBe(code);
  });
});

describe('marital status (GB/T 2261.2)', () => {
  it('has the eight codes', () => {
    expect(MARITAL_TABLE.map((r) => r.code)).toEqual(MaritalCode.options);
    expect(maritalLabel('23')).toBe('复婚');
    expect(maritalLabel('30', 'en')).toBe('Widowed');
    expect(maritalLabel('11')).toBeNull();
  });
});

describe('ethnic groups (GB 3304-91)', () => {
  it('has 56 standard groups and two marked extensions, codes unique', () => {
    expect(ETHNICITY_TABLE.filter((e) => !e.extension)).toHaveLength(56);
    expect(ETHNICITY_TABLE.filter((e) => e.extension).map((e) => e.code)).toEqual(['97', '98']);
    expect(new Set(ETHNICITY_TABLE.map((e) => e.code)).size).toBe(58);
    expect(new Set(ETHNICITY_TABLE.map((e) => e.letter).filter(Boolean)).size).toBe(56);
    expect(ETHNICITY_TABLE.map((e) => e.code).sort()).toEqual([...EthnicityCode.options].sort());
    for (const e of ETHNICITY_TABLE.filter((e) => !e.extension)) {
      expect(e.code).toMatch(/^(0[1-9]|[1-4]\d|5[0-6])$/);
      expect(e.letter).toMatch(/^[A-Z]{2}$/);
      expect(e.name_zh.endsWith('族')).toBe(true);
    }
  });

  it('looks up by code and by name with or without 族', () => {
    expect(ethnicityByCode('05')).toMatchObject({ name_zh: '维吾尔族', letter: 'UG', roman: 'Uygur' });
    expect(ethnicityByCode('5')?.code).toBe('05');
    expect(ethnicityByCode('57')).toBeNull();
    expect(ethnicityByName('维吾尔族')?.code).toBe('05');
    expect(ethnicityByName('维吾尔')?.code).toBe('05');
    expect(ethnicityByName('哈萨克')?.code).toBe('17');
    expect(ethnicityByName('柯尔克孜族')?.letter).toBe('KG');
    expect(ethnicityByName('其他')?.code).toBe('97');
    expect(ethnicityByName('外国血统中国籍人士')?.extension).toBe(true);
    expect(ethnicityByName('火星族')).toBeNull();
    expect(ethnicityByName(undefined)).toBeNull();
  });

  it('uses the external English forms the standard notes', () => {
    expect(ethnicityByCode('04')).toMatchObject({ roman: 'Zang', name_en: 'Tibetan' });
    expect(ethnicityByCode('10')).toMatchObject({ roman: 'Chosen', name_en: 'Korean' });
  });

  it.each([
    ['05', '05'],
    ['维吾尔', '05'],
    ['UG', '05'],
    ['uygur', '05'],
    ['Kazak', '17'],
    ['１', '01'],
    ['?', null],
  ])('normalizeEthnicity(%j) → %j', (input, code) => {
    expect(normalizeEthnicity(input)).toBe(code);
  });
});

describe('CODE_TABLES', () => {
  it('flattens the three tables into frozen rows', () => {
    expect(CODE_TABLES).toHaveLength(4 + 8 + 58);
    expect(CODE_TABLES).toContainEqual({
      table: 'ethnicity',
      code: '05',
      name_zh: '维吾尔族',
      name_en: 'Uygur',
    });
    expect(CODE_TABLES).toContainEqual({ table: 'sex', code: '1', name_zh: '男性', name_en: 'Male' });
    expect(Object.isFrozen(CODE_TABLES)).toBe(true);
    expect(Object.isFrozen(CODE_TABLES[0])).toBe(true);
    const keys = CODE_TABLES.map((r) => `${r.table}:${r.code}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
