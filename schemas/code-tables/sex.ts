/** GB/T 2261.1-2003 人的性别代码: the codes, their labels and the spellings departments use. */
import { z } from 'zod';
import { type CodeLabel, type Lang, labelOf } from './code-label.ts';

/** GB/T 2261.1-2003 人的性别代码 (same four values as ISO 5218). */
export const SexCode = z
  .enum(['0', '1', '2', '9'])
  .meta({ description: 'GB/T 2261.1-2003 sex code: 0 未知的性别, 1 男性, 2 女性, 9 未说明的性别' });
/** A GB/T 2261.1 sex code. */
export type SexCode = z.output<typeof SexCode>;

/** The sex code table, in code order. */
export const SEX_TABLE: readonly CodeLabel<SexCode>[] = Object.freeze([
  { code: '0', name_zh: '未知的性别', name_en: 'Not known' },
  { code: '1', name_zh: '男性', name_en: 'Male' },
  { code: '2', name_zh: '女性', name_en: 'Female' },
  { code: '9', name_zh: '未说明的性别', name_en: 'Not specified' },
]);

/** The label of a sex code (`sexLabel('1') → '男性'`, `sexLabel('1', 'en') → 'Male'`); null if unknown. */
export function sexLabel(code: string | null | undefined, lang: Lang = 'zh'): string | null {
  return labelOf(SEX_TABLE, code, lang);
}

const SEX_SPELLINGS: Readonly<Record<string, SexCode>> = {
  '0': '0',
  '1': '1',
  '2': '2',
  '9': '9',
  男: '1',
  男性: '1',
  M: '1',
  MALE: '1',
  女: '2',
  女性: '2',
  F: '2',
  FEMALE: '2',
  未知: '0',
  未知的性别: '0',
  未说明: '9',
  未说明的性别: '9',
};

/**
 * Maps common department spellings of sex to the GB/T 2261.1 code: `'男'`, `'男性'`, `'M'`, `'male'`, `'1'` → `'1'`;
 * `'女'`, `'女性'`, `'F'`, `'2'` → `'2'`; `'未知'` → `'0'`; `'未说明'` → `'9'`. Full-width and case are folded.
 * Anything else (including `''`) is null: it is not guessed.
 */
export function normalizeSex(value: string | number | null | undefined): SexCode | null {
  if (value == null) return null;
  const v = String(value).normalize('NFKC').trim().toUpperCase();
  return SEX_SPELLINGS[v] ?? null;
}
