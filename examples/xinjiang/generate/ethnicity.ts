/** The GB 3304-91 ethnic groups that occur in the synthetic Xinjiang population. */

/** GB 3304 2-digit code → Chinese name, for the groups the generator uses. */
export const ETHNICITIES = {
  '01': '汉族',
  '02': '蒙古族',
  '03': '回族',
  '05': '维吾尔族',
  '17': '哈萨克族',
  '29': '柯尔克孜族',
  '38': '锡伯族',
  '41': '塔吉克族',
  '43': '乌孜别克族',
} as const;

/** A GB 3304 code used by the generator. */
export type EthnicityCode = keyof typeof ETHNICITIES;

/** How a group's personal names are formed. */
export type NameStyle = 'han' | 'uyghur' | 'kazakh' | 'mongol';

/** Name style per group (Kirgiz, Tajik and Uzbek use Turkic/Persian names transliterated like Uyghur ones). */
export const NAME_STYLE: Readonly<Record<EthnicityCode, NameStyle>> = {
  '01': 'han',
  '02': 'mongol',
  '03': 'han',
  '05': 'uyghur',
  '17': 'kazakh',
  '29': 'uyghur',
  '38': 'han',
  '41': 'uyghur',
  '43': 'uyghur',
};

/**
 * Labels that are NOT GB 3304 names, used for the `ethnicity-invalid` defect. Abbreviations (维族) and
 * 其他 are avoided on purpose: a loader may legitimately alias or extend them.
 */
export const INVALID_ETHNICITY_LABELS = ['未知族', '土尔扈特族', '穿青人', '维汉族'] as const;
