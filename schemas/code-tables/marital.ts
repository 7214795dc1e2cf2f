/** GB/T 2261.2-2003 婚姻状况代码: the codes and their labels. */
import { z } from 'zod';
import { type CodeLabel, type Lang, labelOf } from './code-label.ts';

/** GB/T 2261.2-2003 婚姻状况代码. */
export const MaritalCode = z.enum(['10', '20', '21', '22', '23', '30', '40', '90']).meta({
  description:
    'GB/T 2261.2-2003 marital status: 10 未婚, 20 已婚, 21 初婚, 22 再婚, 23 复婚, 30 丧偶, 40 离婚, 90 未说明',
});
/** A GB/T 2261.2 marital-status code. */
export type MaritalCode = z.output<typeof MaritalCode>;

/** The marital-status code table, in code order. */
export const MARITAL_TABLE: readonly CodeLabel<MaritalCode>[] = Object.freeze([
  { code: '10', name_zh: '未婚', name_en: 'Never married' },
  { code: '20', name_zh: '已婚', name_en: 'Married' },
  { code: '21', name_zh: '初婚', name_en: 'First marriage' },
  { code: '22', name_zh: '再婚', name_en: 'Remarried' },
  { code: '23', name_zh: '复婚', name_en: 'Remarried to former spouse' },
  { code: '30', name_zh: '丧偶', name_en: 'Widowed' },
  { code: '40', name_zh: '离婚', name_en: 'Divorced' },
  { code: '90', name_zh: '未说明', name_en: 'Not specified' },
]);

/** The label of a marital-status code (`maritalLabel('20') → '已婚'`); null if unknown. */
export function maritalLabel(code: string | null | undefined, lang: Lang = 'zh'): string | null {
  return labelOf(MARITAL_TABLE, code, lang);
}
