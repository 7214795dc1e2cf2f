/** GB 3304-91 民族代码: the 56 ethnic groups and two local extensions, looked up by code, name or romanisation. */
import { z } from 'zod';
import type { CodeLabel } from './code-label.ts';

/** A GB 3304-91 ethnic group: numeric code, name, 2-letter code and romanisation. */
export interface Ethnicity extends CodeLabel<EthnicityCode> {
  /** Two capital letters per GB 3304-91; null for the local extensions. */
  readonly letter: string | null;
  /** Romanisation per GB 3304-91 (e.g. `Uygur`); `name_en` differs only where the standard notes an external form. */
  readonly roman: string;
  /** True for codes that are not in GB 3304-91 (97, 98), used locally for 其他/未识别民族 and 外国血统中国籍人士. */
  readonly extension: boolean;
}

// [code, 名称, letter, roman] per GB 3304-91 (DOMAIN.md §4).
const GB3304: readonly (readonly [string, string, string, string])[] = [
  ['01', '汉族', 'HA', 'Han'],
  ['02', '蒙古族', 'MG', 'Mongol'],
  ['03', '回族', 'HU', 'Hui'],
  ['04', '藏族', 'ZA', 'Zang'],
  ['05', '维吾尔族', 'UG', 'Uygur'],
  ['06', '苗族', 'MH', 'Miao'],
  ['07', '彝族', 'YI', 'Yi'],
  ['08', '壮族', 'ZH', 'Zhuang'],
  ['09', '布依族', 'BY', 'Buyei'],
  ['10', '朝鲜族', 'CS', 'Chosen'],
  ['11', '满族', 'MA', 'Man'],
  ['12', '侗族', 'DO', 'Dong'],
  ['13', '瑶族', 'YA', 'Yao'],
  ['14', '白族', 'BA', 'Bai'],
  ['15', '土家族', 'TJ', 'Tujia'],
  ['16', '哈尼族', 'HN', 'Hani'],
  ['17', '哈萨克族', 'KZ', 'Kazak'],
  ['18', '傣族', 'DA', 'Dai'],
  ['19', '黎族', 'LI', 'Li'],
  ['20', '傈僳族', 'LS', 'Lisu'],
  ['21', '佤族', 'VA', 'Va'],
  ['22', '畲族', 'SH', 'She'],
  ['23', '高山族', 'GS', 'Gaoshan'],
  ['24', '拉祜族', 'LH', 'Lahu'],
  ['25', '水族', 'SU', 'Sui'],
  ['26', '东乡族', 'DX', 'Dongxiang'],
  ['27', '纳西族', 'NX', 'Naxi'],
  ['28', '景颇族', 'JP', 'Jingpo'],
  ['29', '柯尔克孜族', 'KG', 'Kirgiz'],
  ['30', '土族', 'TU', 'Tu'],
  ['31', '达斡尔族', 'DU', 'Daur'],
  ['32', '仫佬族', 'ML', 'Mulao'],
  ['33', '羌族', 'QI', 'Qiang'],
  ['34', '布朗族', 'BL', 'Blang'],
  ['35', '撒拉族', 'SL', 'Salar'],
  ['36', '毛南族', 'MN', 'Maonan'],
  ['37', '仡佬族', 'GL', 'Gelao'],
  ['38', '锡伯族', 'XB', 'Xibe'],
  ['39', '阿昌族', 'AC', 'Achang'],
  ['40', '普米族', 'PM', 'Pumi'],
  ['41', '塔吉克族', 'TA', 'Tajik'],
  ['42', '怒族', 'NU', 'Nu'],
  ['43', '乌孜别克族', 'UZ', 'Uzbek'],
  ['44', '俄罗斯族', 'RS', 'Russ'],
  ['45', '鄂温克族', 'EW', 'Ewenki'],
  ['46', '德昂族', 'DE', 'Deang'],
  ['47', '保安族', 'BN', 'Bonan'],
  ['48', '裕固族', 'YG', 'Yugur'],
  ['49', '京族', 'GI', 'Gin'],
  ['50', '塔塔尔族', 'TT', 'Tatar'],
  ['51', '独龙族', 'DR', 'Derung'],
  ['52', '鄂伦春族', 'OR', 'Oroqen'],
  ['53', '赫哲族', 'HZ', 'Hezhen'],
  ['54', '门巴族', 'MB', 'Monba'],
  ['55', '珞巴族', 'LB', 'Lhoba'],
  ['56', '基诺族', 'JN', 'Jino'],
];

// The standard's note: for external use 朝鲜族 is "Korean" and 藏族 "Tibetan".
const EXTERNAL_EN: Readonly<Record<string, string>> = { '04': 'Tibetan', '10': 'Korean' };

/** GB 3304-91 ethnic-group code (01–56) plus the local extensions 97 and 98. */
export const EthnicityCode = z
  .enum(['97', '98', ...GB3304.map((r) => r[0])].sort() as [string, ...string[]])
  .meta({
    description: 'GB 3304-91 ethnic-group code, 2 digits (01 汉族 … 56 基诺族); 97/98 are local extensions',
  });
/** A GB 3304-91 ethnic-group code (kept as `string`: 58 literals add nothing at call sites). */
export type EthnicityCode = z.output<typeof EthnicityCode>;

/**
 * The 56 ethnic groups of GB 3304-91 and two local extensions: 97 其他/未识别民族 and 98 外国血统中国籍人士.
 * The extension codes are not in the standard (some systems use 57/58); they are marked `extension: true`.
 */
export const ETHNICITY_TABLE: readonly Ethnicity[] = Object.freeze([
  ...GB3304.map(([code, name_zh, letter, roman]) =>
    Object.freeze({ code, name_zh, name_en: EXTERNAL_EN[code] ?? roman, letter, roman, extension: false }),
  ),
  Object.freeze({
    code: '97',
    name_zh: '其他/未识别民族',
    name_en: 'Other / unidentified',
    letter: null,
    roman: 'Other',
    extension: true,
  }),
  Object.freeze({
    code: '98',
    name_zh: '外国血统中国籍人士',
    name_en: 'Chinese citizen of foreign origin',
    letter: null,
    roman: 'Foreign origin',
    extension: true,
  }),
]);

const ETHNICITY_BY_CODE = new Map(ETHNICITY_TABLE.map((e) => [e.code, e]));
const ETHNICITY_BY_NAME = new Map<string, Ethnicity>();
for (const e of ETHNICITY_TABLE) {
  ETHNICITY_BY_NAME.set(e.name_zh, e);
  if (e.name_zh.endsWith('族')) ETHNICITY_BY_NAME.set(e.name_zh.slice(0, -1), e);
}
for (const alias of ['其他', '其他民族', '未识别民族', '未识别', '其它'])
  ETHNICITY_BY_NAME.set(alias, ETHNICITY_BY_CODE.get('97')!);
ETHNICITY_BY_NAME.set('外国血统', ETHNICITY_BY_CODE.get('98')!);

/** The ethnic group with this code (`'05'`; a single digit `'5'` is accepted), or null. */
export function ethnicityByCode(code: string | null | undefined): Ethnicity | null {
  if (code == null) return null;
  const c = code.normalize('NFKC').trim();
  return ETHNICITY_BY_CODE.get(/^\d$/.test(c) ? `0${c}` : c) ?? null;
}

/** The ethnic group with this Chinese name, with or without 族 (`'维吾尔族'`, `'维吾尔'`), or null. */
export function ethnicityByName(name: string | null | undefined): Ethnicity | null {
  if (name == null) return null;
  return ETHNICITY_BY_NAME.get(name.normalize('NFKC').trim()) ?? null;
}

/** Maps what departments send (code, Chinese name, 2-letter code, romanisation) to a GB 3304 code, or null. */
export function normalizeEthnicity(value: string | null | undefined): EthnicityCode | null {
  if (value == null) return null;
  const v = value.normalize('NFKC').trim();
  const hit = ethnicityByCode(v) ?? ethnicityByName(v);
  if (hit) return hit.code;
  const upper = v.toUpperCase();
  const byLatin = ETHNICITY_TABLE.find(
    (e) => e.letter === upper || e.roman.toUpperCase() === upper || e.name_en.toUpperCase() === upper,
  );
  return byLatin?.code ?? null;
}
