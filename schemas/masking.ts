/**
 * Display masking (展示限制, GB/T 35273-2020; 抑制/masking in GB/T 37964-2019) for personal and legal-person data.
 * Rules follow the de-facto Chinese defaults (hutool `DesensitizedUtil`) except where noted. Each TS function has a
 * DuckDB twin from `maskSqlExpression`; both work on Unicode code points, keep the length (one `*` per hidden
 * code point) and pass null through. Masking is for display and export; it is not pseudonymisation.
 */

import { z } from 'zod';
import { quoteLiteral } from './sql.ts';

/** The masking rules gongshu knows. `full` hides every character. */
export const MaskKind = z
  .enum(['citizen-id', 'uscc', 'name', 'mobile', 'landline', 'address', 'bank-card', 'email', 'full'])
  .meta({
    description: 'how a value is masked for display: citizen-id, uscc, name, mobile, landline, …, full',
  });
/** A masking rule name. */
export type MaskKind = z.output<typeof MaskKind>;

/** Chinese and English labels of the masking rules, for reports. */
export const MASK_KIND_LABELS: Readonly<Record<MaskKind, { zh: string; en: string }>> = Object.freeze({
  'citizen-id': { zh: '身份证号', en: 'citizen ID number' },
  uscc: { zh: '统一社会信用代码', en: 'unified social credit code' },
  name: { zh: '姓名', en: 'personal name' },
  mobile: { zh: '手机号', en: 'mobile number' },
  landline: { zh: '座机号', en: 'landline number' },
  address: { zh: '地址', en: 'address' },
  'bank-card': { zh: '银行卡号', en: 'bank card number' },
  email: { zh: '电子邮箱', en: 'email address' },
  full: { zh: '全部遮蔽', en: 'fully hidden' },
});

/** The masking character. */
export const MASK_CHAR = '*';

/** Separators inside transliterated names (艾合买提·买买提): middle dots and the dots departments type instead. */
export const NAME_SEPARATORS = '·•‧・･.．';

type Masked<T> = T extends string ? string : null;

const stars = (n: number): string => MASK_CHAR.repeat(Math.max(0, n));

/** Keeps `front` and `back` code points; hides the middle. A value too short to hide anything is hidden entirely. */
function keepEnds(value: string, front: number, back: number): string {
  const cps = Array.from(value);
  if (cps.length <= front + back) return stars(cps.length);
  return (
    cps.slice(0, front).join('') + stars(cps.length - front - back) + cps.slice(cps.length - back).join('')
  );
}

/**
 * Citizen ID: keeps the first 6 (division of registration) and the last 4: `440401202201011768` → `440401********1768`.
 * This is the GB/T 37964 example (DOMAIN §7), chosen over hutool's first 1 + last 2 (`5***************1X`)
 * because staff reconcile records by region and tail; the birth date (positions 7–14) stays hidden.
 * Values of 10 code points or fewer are hidden entirely.
 */
export function maskCitizenId<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  return keepEnds(value, 6, 4) as Masked<T>;
}

/**
 * USCC: keeps the first 8 (registration authority, entity type, division) and the last 2:
 * `91650100MA77XXXX7Q` → `91650100********7Q`. The hidden 8 are the core of the organisation code (GB 11714);
 * what stays says only who registered what kind of entity where. USCCs of companies are public, but those of
 * 个体工商户 identify a person, so the rule hides as much as the citizen-ID rule does.
 */
export function maskUscc<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  return keepEnds(value, 8, 2) as Masked<T>;
}

/**
 * Personal name: keeps the first character: `段正淳` → `段**`, `张三` → `张*`; a one-character value → `*`.
 * Transliterated names keep their separator visible and nothing else: `艾合买提·买买提` → `艾***·***`.
 * Keeping the first character of every part was rejected: the part after `·` is usually the father's
 * given name, so it would disclose a second person's name.
 */
export function maskName<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  const cps = Array.from(value);
  if (cps.length <= 1) return stars(cps.length) as Masked<T>;
  const rest = cps.slice(1).map((c) => (NAME_SEPARATORS.includes(c) ? c : MASK_CHAR));
  return (cps[0]! + rest.join('')) as Masked<T>;
}

/** Mobile number: keeps the first 3 and last 4: `18049531999` → `180****1999` (7 or fewer: all hidden). */
export function maskMobile<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  return keepEnds(value, 3, 4) as Masked<T>;
}

/** Landline: keeps the first 4 and last 2: `09157518479` → `0915*****79` (6 or fewer: all hidden). */
export function maskLandline<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  return keepEnds(value, 4, 2) as Masked<T>;
}

/**
 * Address: hides the last 8 characters, keeping the region:
 * `北京市海淀区马连洼街道289号` → `北京市海淀区马********` (8 or fewer: all hidden).
 */
export function maskAddress<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  const n = Array.from(value).length;
  return keepEnds(value, Math.max(0, n - 8), 0) as Masked<T>;
}

const CARD_BLANKS = /[ \t\r\n\u3000-]/g;

/**
 * Bank card: removes blanks and dashes, keeps the first 4 and the last (length mod 4, or 4) digits, groups by 4:
 * `11011111222233333256` → `1101 **** **** **** 3256`, 19 digits → `6222 **** **** **** 123` (hutool's rule).
 * Fewer than 9 characters are hidden entirely (hutool returns them unmasked).
 */
export function maskBankCard<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  const cps = Array.from(value.replace(CARD_BLANKS, ''));
  const n = cps.length;
  if (n < 9) return stars(n) as Masked<T>;
  const end = n % 4 === 0 ? 4 : n % 4;
  const groups = (n - 4 - end) / 4;
  return `${cps.slice(0, 4).join('')}${' ****'.repeat(groups)} ${cps.slice(n - end).join('')}` as Masked<T>;
}

/**
 * Email: keeps the first character of the local part and the whole domain:
 * `duandazhi-jack@gmail.com.cn` → `d*************@gmail.com.cn`. The last `@` splits local part and domain;
 * a one-character local part is hidden (`*@x.cn`); a value without `@` is hidden entirely.
 */
export function maskEmail<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  const at = value.lastIndexOf('@');
  if (at < 0) return stars(Array.from(value).length) as Masked<T>;
  const local = Array.from(value.slice(0, at));
  const head = local.length <= 1 ? stars(local.length) : local[0]! + stars(local.length - 1);
  return (head + value.slice(at)) as Masked<T>;
}

/** Hides every code point: `秘密` → `**`. */
export function maskFull<T extends string | null | undefined>(value: T): Masked<T> {
  if (value == null) return null as Masked<T>;
  return stars(Array.from(value).length) as Masked<T>;
}

const MASKERS: Readonly<Record<MaskKind, (v: string) => string>> = {
  'citizen-id': maskCitizenId,
  uscc: maskUscc,
  name: maskName,
  mobile: maskMobile,
  landline: maskLandline,
  address: maskAddress,
  'bank-card': maskBankCard,
  email: maskEmail,
  full: maskFull,
};

/** Masks `value` by rule `kind`: `mask('mobile', '18049531999')` → `'180****1999'`; null stays null. */
export function mask(kind: MaskKind, value: string | null | undefined): string | null {
  if (value == null) return null;
  return MASKERS[kind](value);
}

function sqlKeepEnds(v: string, front: number, back: number): string {
  return (
    `CASE WHEN length(${v}) <= ${front + back} THEN repeat('*', length(${v})) ` +
    `ELSE left(${v}, ${front}) || repeat('*', length(${v}) - ${front + back}) || right(${v}, ${back}) END`
  );
}

const SQL_MASKERS: Readonly<Record<MaskKind, (v: string) => string>> = {
  'citizen-id': (v) => sqlKeepEnds(v, 6, 4),
  uscc: (v) => sqlKeepEnds(v, 8, 2),
  name: (v) =>
    `CASE WHEN length(${v}) <= 1 THEN repeat('*', length(${v})) ` +
    `ELSE left(${v}, 1) || regexp_replace(substring(${v}, 2), ${quoteLiteral(`[^${NAME_SEPARATORS}]`)}, '*', 'g') END`,
  mobile: (v) => sqlKeepEnds(v, 3, 4),
  landline: (v) => sqlKeepEnds(v, 4, 2),
  address: (v) =>
    `CASE WHEN length(${v}) <= 8 THEN repeat('*', length(${v})) ` +
    `ELSE left(${v}, length(${v}) - 8) || '********' END`,
  'bank-card': (v) => {
    const s = `regexp_replace(${v}, '[ \t\r\n\u3000-]', '', 'g')`;
    const n = `length(${s})`;
    const end = `CASE WHEN ${n} % 4 = 0 THEN 4 ELSE ${n} % 4 END`;
    return (
      `CASE WHEN ${n} < 9 THEN repeat('*', ${n}) ` +
      `ELSE left(${s}, 4) || repeat(' ****', (${n} - 4 - (${end})) // 4) || ' ' || right(${s}, ${end}) END`
    );
  },
  email: (v) => {
    const domain = `regexp_extract(${v}, '[^@]*$')`;
    const local = `(length(${v}) - length(${domain}) - 1)`;
    return (
      `CASE WHEN NOT contains(${v}, '@') THEN repeat('*', length(${v})) ` +
      `WHEN ${local} <= 1 THEN repeat('*', ${local}) || '@' || ${domain} ` +
      `ELSE left(${v}, 1) || repeat('*', ${local} - 1) || '@' || ${domain} END`
    );
  },
  full: (v) => `repeat('*', length(${v}))`,
};

/**
 * A DuckDB SQL expression masking `columnSql` exactly as `mask(kind, …)` does (tested against each other).
 * `columnSql` is inserted verbatim (quote identifiers yourself) and cast to VARCHAR; NULL stays NULL.
 * Example: `SELECT ${maskSqlExpression('mobile', '"phone"')} AS phone FROM hukou`.
 */
export function maskSqlExpression(kind: MaskKind, columnSql: string): string {
  const v = `CAST((${columnSql}) AS VARCHAR)`;
  return `(${SQL_MASKERS[kind](v)})`;
}

/**
 * Identifiers of people as they appear inside free text (messages, parser details): 18- and 15-character citizen
 * IDs, and the USCCs of 个体工商户 (registration `9`, type `2`: they identify a person), each as a regular
 * expression (the same text works in JS and in DuckDB's RE2) with the masked replacement `maskCitizenId`/`maskUscc`
 * give the identifier alone. Other USCCs (companies, government departments) are public and stay readable: a
 * definition error about a department's code must show it.
 */
const IDENTIFIERS_IN_TEXT: readonly { readonly pattern: string; readonly stars: number }[] = [
  { pattern: '\\b(\\d{6})\\d{8}(\\d{3}[0-9Xx])\\b', stars: 8 },
  { pattern: '\\b(\\d{6})\\d{5}(\\d{4})\\b', stars: 5 },
  { pattern: '\\b(92\\d{6})[0-9A-HJ-NP-RTUW-Y]{8}([0-9A-HJ-NP-RTUW-Y]{2})\\b', stars: 8 },
  // Grouped as people write it: `110105-19491231-002X`, `110105 19491231 002X`.
  { pattern: '\\b(\\d{6}[- ])\\d{8}([- ]\\d{3}[0-9Xx])\\b', stars: 8 },
  // Written full-width (`１１０１０５…`, as the key normalisation accepts): runs of full-width digits, with no word
  // boundary to lean on (a longer run is masked in part, never shown whole).
  { pattern: '([０-９]{6})[０-９]{8}([０-９]{3}[０-９ＸｘXx])', stars: 8 },
  { pattern: '([０-９]{6})[０-９]{5}([０-９]{4})', stars: 5 },
];

/**
 * Masks every citizen ID (18 or 15 characters) and 个体工商户 USCC found in free text, as `maskCitizenId`/`maskUscc` do:
 * `row 3: 11010519491231002X is invalid` → `row 3: 110105********002X is invalid`. Messages, logs, reports
 * and errors pass through it: none of them shows an identity number in clear.
 */
export function maskIdentifiersIn(text: string): string {
  let out = text;
  for (const { pattern, stars } of IDENTIFIERS_IN_TEXT) {
    out = out.replace(new RegExp(pattern, 'g'), `$1${MASK_CHAR.repeat(stars)}$2`);
  }
  return out;
}

/** A DuckDB SQL expression masking identifiers inside the text `sqlExpr` exactly as `maskIdentifiersIn` does. */
export function maskIdentifiersSql(sqlExpr: string): string {
  return IDENTIFIERS_IN_TEXT.reduce(
    (v, { pattern, stars }) =>
      `regexp_replace(${v}, ${quoteLiteral(pattern)}, ${quoteLiteral(`\\1${MASK_CHAR.repeat(stars)}\\2`)}, 'g')`,
    `CAST((${sqlExpr}) AS VARCHAR)`,
  );
}
