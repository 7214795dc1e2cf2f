/** 数据分级 (GB/T 43697-2024) and the personal-information class (GB/T 35273-2020, PIPL). */
import { z } from 'zod';
import type { Labels } from '../labels.ts';

/** 数据级别 (GB/T 43697-2024): 核心 / 重要 / 一般. */
export const SecurityGrade = z
  .enum(['core', 'important', 'general'])
  .meta({ description: 'GB/T 43697-2024 grade: core 核心数据, important 重要数据, general 一般数据' });
/** A security grade. */
export type SecurityGrade = z.output<typeof SecurityGrade>;
/** Labels of the security grades. */
export const SECURITY_GRADE_LABELS: Labels<SecurityGrade> = Object.freeze({
  core: { zh: '核心数据', en: 'core data' },
  important: { zh: '重要数据', en: 'important data' },
  general: { zh: '一般数据', en: 'general data' },
});

/** Sub-level of general data (provincial practice, e.g. DB33/T 2350-2021: L1 不敏感 … L4 敏感). */
export const GeneralSubLevel = z.enum(['L1', 'L2', 'L3', 'L4']).meta({
  description: 'sub-level of general data: L1 不敏感, L2 低敏感, L3 较敏感, L4 敏感 (DB33/T 2350-2021)',
});
/** A general-data sub-level. */
export type GeneralSubLevel = z.output<typeof GeneralSubLevel>;
/** Labels of the general-data sub-levels. */
export const GENERAL_SUB_LEVEL_LABELS: Labels<GeneralSubLevel> = Object.freeze({
  L1: { zh: '不敏感数据', en: 'not sensitive' },
  L2: { zh: '低敏感数据', en: 'low sensitivity' },
  L3: { zh: '较敏感数据', en: 'moderately sensitive' },
  L4: { zh: '敏感数据', en: 'sensitive' },
});

/** Personal-information class (GB/T 35273-2020, PIPL): none / 个人信息 / 敏感个人信息. */
export const PersonalInfoClass = z
  .enum(['none', 'general', 'sensitive'])
  .meta({ description: 'personal information: none, general 个人信息, sensitive 敏感个人信息' });
/** A personal-information class. */
export type PersonalInfoClass = z.output<typeof PersonalInfoClass>;
/** Labels of the personal-information classes. */
export const PERSONAL_INFO_LABELS: Labels<PersonalInfoClass> = Object.freeze({
  none: { zh: '不含个人信息', en: 'no personal information' },
  general: { zh: '个人信息', en: 'personal information' },
  sensitive: { zh: '敏感个人信息', en: 'sensitive personal information' },
});
