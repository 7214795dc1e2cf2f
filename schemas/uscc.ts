import { orgCodeCheckChar, usccCheckChar } from './checksums.ts';
import { isKnownDivision } from './divisions.ts';
import { cleanIdentifierText, USCC_PATTERN } from './identifier-macros.ts';
import { identifierSchema } from './identifier-schema.ts';

/** Why a USCC is invalid; the first failing check wins, in this order. */
export type UsccReason = 'missing' | 'format' | 'checksum';

/** Notes on a USCC that do not make it invalid. */
export type UsccWarning = 'org-code-checksum' | 'unknown-division';

/** The outcome of `parseUscc`. The decoded fields are set only when the code is valid. */
export interface UsccResult {
  readonly input: string | null | undefined;
  readonly valid: boolean;
  /** The cleaned text; null for null/undefined input. */
  readonly normalized: string | null;
  readonly reason: UsccReason | null;
  readonly warnings: readonly UsccWarning[];
  /** Position 1: registration authority (登记管理部门) code. */
  readonly authority: string | null;
  readonly authorityName: string | null;
  /** Position 2: organisation category (机构类别) code. */
  readonly category: string | null;
  /** Category name; null when the code is not in the table for that authority. */
  readonly categoryName: string | null;
  /** Positions 3-8: GB/T 2260 code of the registering authority (100000 = national level). */
  readonly division: string | null;
  /** Positions 9-17: GB 11714 organisation code (8 body characters + check character). */
  readonly orgCode: string | null;
}

/** Registration authorities (position 1) and their organisation categories (position 2), GB 32100 as amended. */
export const USCC_AUTHORITIES: Readonly<
  Record<string, { readonly name: string; readonly categories: Readonly<Record<string, string>> }>
> = {
  '1': {
    name: '机构编制',
    categories: { '1': '机关', '2': '事业单位', '3': '中央编办直接管理机构编制的群众团体', '9': '其他' },
  },
  '2': { name: '外交', categories: { '1': '外国常住新闻机构', '9': '其他' } },
  '3': {
    name: '司法行政',
    categories: {
      '1': '律师执业机构',
      '2': '公证处',
      '3': '基层法律服务所',
      '4': '司法鉴定机构',
      '5': '仲裁委员会',
      '9': '其他',
    },
  },
  '4': { name: '文化', categories: { '1': '外国在华文化中心', '9': '其他' } },
  '5': { name: '民政', categories: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会', '9': '其他' } },
  '6': {
    name: '旅游',
    categories: {
      '1': '外国旅游部门常驻代表机构',
      '2': '港澳台地区旅游部门常驻内地(大陆)代表机构',
      '9': '其他',
    },
  },
  '7': { name: '宗教', categories: { '1': '宗教活动场所', '2': '宗教院校', '9': '其他' } },
  '8': { name: '工会', categories: { '1': '基层工会', '9': '其他' } },
  '9': { name: '工商', categories: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } },
  A: { name: '中央军委改革和编制办公室', categories: { '1': '军队事业单位', '9': '其他' } },
  N: {
    name: '农业',
    categories: { '1': '组级集体经济组织', '2': '村级集体经济组织', '3': '乡镇级集体经济组织', '9': '其他' },
  },
  Y: { name: '其他', categories: { '1': '其他' } },
};

/** Positions 3-8 of codes registered at national level (not a GB/T 2260 code, but valid here). */
export const USCC_NATIONAL_DIVISION = '100000';

const FULL = new RegExp(`^${USCC_PATTERN}$`);

/**
 * Normalises a USCC: folds full-width characters, trims and upper-cases ASCII letters.
 * @example normalizeUscc(' 91110000600037341l ') // → '91110000600037341L'
 */
export function normalizeUscc(input: string): string;
export function normalizeUscc(input: string | null | undefined): string | null;
export function normalizeUscc(input: string | null | undefined): string | null {
  return input === null || input === undefined ? null : cleanIdentifierText(input);
}

/**
 * Validates a USCC (format, MOD 31 check) and decodes it; a bad GB 11714 check of the embedded organisation
 * code or an unknown division only warns (real codes with these defects exist).
 * @example parseUscc('91110000600037341L').authorityName // → '工商'
 */
export function parseUscc(input: string | null | undefined): UsccResult {
  const normalized = normalizeUscc(input);
  const fail = (reason: UsccReason): UsccResult => ({
    input,
    valid: false,
    normalized,
    reason,
    warnings: [],
    authority: null,
    authorityName: null,
    category: null,
    categoryName: null,
    division: null,
    orgCode: null,
  });
  if (normalized === null || normalized === '') return fail('missing');
  if (!FULL.test(normalized)) return fail('format');
  if (usccCheckChar(normalized) !== normalized[17]) return fail('checksum');
  const warnings: UsccWarning[] = [];
  const orgCode = normalized.slice(8, 17);
  if (orgCodeCheckChar(orgCode) !== orgCode[8]) warnings.push('org-code-checksum');
  const division = normalized.slice(2, 8);
  if (division !== USCC_NATIONAL_DIVISION && !isKnownDivision(division)) warnings.push('unknown-division');
  const authority = normalized[0]!;
  const category = normalized[1]!;
  const entry = USCC_AUTHORITIES[authority];
  return {
    input,
    valid: true,
    normalized,
    reason: null,
    warnings,
    authority,
    authorityName: entry?.name ?? null,
    category,
    categoryName: entry?.categories[category] ?? null,
    division,
    orgCode,
  };
}

/**
 * A zod schema for a USCC field: outputs the normalised code; an invalid code fails with the reason
 * (`missing`, `format`, `checksum`) as the issue message.
 * @example usccSchema.parse('91110000600037341l') // → '91110000600037341L'
 */
export const usccSchema = identifierSchema(parseUscc);
