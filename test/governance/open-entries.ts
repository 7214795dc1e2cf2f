/** The open hukou entry of the open-data tests (no test-runner imports: gongshu.config.ts files import this). */
import { hukouEntry } from './entries.ts';

/**
 * The test hukou entry opened on conditions: ID and name open but masked (sensitive), sex open, birth date
 * open but generalised, the division code not open (不予开放), the phone conditional (left out of open exports).
 */
export function openHukouEntry() {
  const base = hukouEntry();
  const openType: Record<string, 'unconditional' | 'conditional' | 'none'> = {
    id_number: 'unconditional',
    name: 'unconditional',
    sex: 'unconditional',
    birth_date: 'unconditional',
    division: 'none',
    mobile: 'conditional',
  };
  return hukouEntry({
    openType: 'conditional',
    openCondition: '行政区划代码不予开放；联系电话经授权后开放；其余经脱敏后开放',
    securityGrade: 'general',
    personalInfo: 'general',
    fields: base.fields.map((f) => ({ ...f, openType: openType[f.name] ?? 'none' })) as never,
  });
}

/** The same items opened to everyone (无条件开放), under another code: what the public open API lists. */
export function publicHukouEntry() {
  const conditional = openHukouEntry();
  return hukouEntry({
    code: '1/01/001/0009',
    name: '户籍人口（公开）',
    openType: 'unconditional',
    securityGrade: 'general',
    personalInfo: 'general',
    jurisdiction: { fromKey: true },
    fields: conditional.fields.filter((f) => f.openType === 'unconditional') as never,
  });
}
