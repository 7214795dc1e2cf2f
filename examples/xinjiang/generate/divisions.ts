/**
 * Real GB/T 2260 county-level divisions of Xinjiang used by the synthetic world, with a population weight
 * (≈ ten-thousands of residents, rounded) and an ethnic mix (percent by GB 3304 code). Every code is current
 * (checked against schemas/data/divisions.json); weights and mixes are plausible, not census data.
 * Simplification: everyone's ID carries the current code, even people born before it was created
 * (650109 米东区 2007, 650402 高昌区 2015, 650502 伊州区 2016), so a birth-year-aware code check would object.
 */
import type { EthnicityCode } from './ethnicity.ts';

/** A prefecture-level division. */
export interface Prefecture {
  readonly code: string;
  readonly name: string;
  /** Short form used in organisation names (乌鲁木齐, 喀什). */
  readonly short: string;
}

/** A county-level division and its synthetic demography. */
export interface Division {
  readonly code: string;
  readonly name: string;
  readonly prefecture: Prefecture;
  readonly weight: number;
  readonly mix: Readonly<Partial<Record<EthnicityCode, number>>>;
  /** Urban districts/cities get 街道 + 路 addresses, counties mostly 乡/镇 + 村. */
  readonly urban: boolean;
}

const P = {
  urumqi: { code: '650100', name: '乌鲁木齐市', short: '乌鲁木齐' },
  karamay: { code: '650200', name: '克拉玛依市', short: '克拉玛依' },
  turpan: { code: '650400', name: '吐鲁番市', short: '吐鲁番' },
  hami: { code: '650500', name: '哈密市', short: '哈密' },
  changji: { code: '652300', name: '昌吉回族自治州', short: '昌吉' },
  bortala: { code: '652700', name: '博尔塔拉蒙古自治州', short: '博州' },
  bayingol: { code: '652800', name: '巴音郭楞蒙古自治州', short: '巴州' },
  aksu: { code: '652900', name: '阿克苏地区', short: '阿克苏' },
  kizilsu: { code: '653000', name: '克孜勒苏柯尔克孜自治州', short: '克州' },
  kashgar: { code: '653100', name: '喀什地区', short: '喀什' },
  hotan: { code: '653200', name: '和田地区', short: '和田' },
  ili: { code: '654000', name: '伊犁哈萨克自治州', short: '伊犁' },
  tacheng: { code: '654200', name: '塔城地区', short: '塔城' },
  altay: { code: '654300', name: '阿勒泰地区', short: '阿勒泰' },
} as const satisfies Record<string, Prefecture>;

/** All prefectures the listed counties belong to. */
export const PREFECTURES: readonly Prefecture[] = Object.values(P);

type Mix = Partial<Record<EthnicityCode, number>>;
const URBAN_HAN: Mix = { '01': 74, '05': 12, '03': 9, '17': 3, '02': 1, '43': 1 };
const KASHGAR_RURAL: Mix = { '05': 95, '01': 5 };

function d(code: string, name: string, prefecture: Prefecture, weight: number, mix: Mix): Division {
  return { code, name, prefecture, weight, mix, urban: /[区市]$/.test(name) };
}

/** The county-level divisions (38), each a real GB/T 2260 code. */
export const DIVISIONS: readonly Division[] = [
  d('650102', '天山区', P.urumqi, 60, URBAN_HAN),
  d('650103', '沙依巴克区', P.urumqi, 75, URBAN_HAN),
  d('650104', '新市区', P.urumqi, 75, URBAN_HAN),
  d('650105', '水磨沟区', P.urumqi, 40, URBAN_HAN),
  d('650106', '头屯河区', P.urumqi, 20, { '01': 80, '03': 9, '05': 6, '17': 5 }),
  d('650107', '达坂城区', P.urumqi, 4, { '01': 60, '05': 20, '03': 12, '17': 8 }),
  d('650109', '米东区', P.urumqi, 40, { '01': 70, '03': 18, '05': 7, '17': 5 }),
  d('650121', '乌鲁木齐县', P.urumqi, 8, { '01': 55, '17': 25, '03': 12, '05': 8 }),
  d('650202', '独山子区', P.karamay, 7, { '01': 85, '05': 8, '17': 4, '03': 3 }),
  d('650203', '克拉玛依区', P.karamay, 30, { '01': 78, '05': 13, '17': 5, '03': 3, '02': 1 }),
  d('650402', '高昌区', P.turpan, 30, { '05': 70, '01': 22, '03': 8 }),
  d('650502', '伊州区', P.hami, 60, { '01': 68, '05': 27, '03': 3, '17': 2 }),
  d('652301', '昌吉市', P.changji, 60, { '01': 75, '03': 15, '17': 6, '05': 4 }),
  d('652302', '阜康市', P.changji, 17, { '01': 68, '03': 15, '17': 12, '05': 5 }),
  d('652701', '博乐市', P.bortala, 27, { '01': 70, '02': 8, '17': 8, '05': 8, '03': 6 }),
  d('652801', '库尔勒市', P.bayingol, 70, { '01': 68, '05': 27, '03': 3, '02': 2 }),
  d('652826', '焉耆回族自治县', P.bayingol, 13, { '01': 40, '05': 30, '03': 25, '02': 5 }),
  d('652901', '阿克苏市', P.aksu, 70, { '05': 55, '01': 43, '03': 2 }),
  d('652922', '温宿县', P.aksu, 27, { '05': 80, '01': 19, '03': 1 }),
  d('653001', '阿图什市', P.kizilsu, 30, { '05': 75, '29': 20, '01': 5 }),
  d('653024', '乌恰县', P.kizilsu, 6, { '29': 70, '05': 18, '01': 12 }),
  d('653101', '喀什市', P.kashgar, 70, { '05': 82, '01': 15, '43': 2, '41': 1 }),
  d('653121', '疏附县', P.kashgar, 33, KASHGAR_RURAL),
  d('653122', '疏勒县', P.kashgar, 36, { '05': 88, '01': 12 }),
  d('653125', '莎车县', P.kashgar, 90, { '05': 95, '01': 4, '41': 1 }),
  d('653126', '叶城县', P.kashgar, 58, { '05': 92, '01': 7, '41': 1 }),
  d('653131', '塔什库尔干塔吉克自治县', P.kashgar, 4, { '41': 85, '05': 6, '29': 5, '01': 4 }),
  d('653201', '和田市', P.hotan, 40, { '05': 85, '01': 15 }),
  d('653221', '和田县', P.hotan, 33, { '05': 98, '01': 2 }),
  d('653222', '墨玉县', P.hotan, 60, { '05': 97, '01': 3 }),
  d('654002', '伊宁市', P.ili, 60, { '05': 45, '01': 35, '03': 9, '17': 6, '43': 2, '38': 2, '02': 1 }),
  d('654003', '奎屯市', P.ili, 30, { '01': 82, '03': 8, '05': 5, '17': 5 }),
  d('654021', '伊宁县', P.ili, 45, { '05': 55, '01': 20, '17': 15, '03': 10 }),
  d('654022', '察布查尔锡伯自治县', P.ili, 18, { '05': 30, '17': 25, '01': 20, '38': 15, '03': 10 }),
  d('654025', '新源县', P.ili, 30, { '17': 60, '01': 33, '03': 5, '05': 2 }),
  d('654201', '塔城市', P.tacheng, 17, { '01': 45, '17': 30, '05': 10, '03': 10, '02': 3, '43': 2 }),
  d('654301', '阿勒泰市', P.altay, 20, { '17': 50, '01': 42, '03': 4, '05': 3, '02': 1 }),
  d('654322', '富蕴县', P.altay, 10, { '17': 65, '01': 30, '03': 5 }),
];

/** Lookup of divisions by code. */
export const DIVISION_BY_CODE: ReadonlyMap<string, Division> = new Map(DIVISIONS.map((v) => [v.code, v]));

/** Address codes that are not GB/T 2260 codes (prefecture 6509 and county 659999 do not exist). */
export const UNKNOWN_DIVISION_CODES = ['659999', '650999'] as const;
