/**
 * DuckDB macros that check citizen identity numbers and USCCs exactly as `parseCitizenId` / `parseUscc` do,
 * plus the text folding both sides share (`cleanIdentifierText`), so that TS and SQL cannot drift apart.
 *
 * Folding: full-width ASCII forms U+FF01–U+FF5E → U+0021–U+007E and the ideographic space U+3000 → U+0020
 * (exactly what Unicode NFKC does to these characters), ASCII a–z → A–Z, then the characters JS `trim()`
 * removes are stripped from both ends. Other NFKC mappings (circled or superscript digits, ligatures, …)
 * are deliberately not applied: they cannot be mirrored cheaply in SQL, and such input is rejected as
 * `format` on both sides.
 *
 * Performance (see bench/identifiers.ts): each normalising macro first tests the already-clean shape with one
 * GLOB (cheaper than RE2, same strings) and folds only otherwise; the normalised value is bound once through a
 * scalar subquery (DuckDB decorrelates it) — callers that already hold the normalised value (the loader) call
 * `gs__cid_reason(n)` directly and skip that join; the checks are written without CASE, as
 * `list_position([check, …], true)`, because DuckDB does not share sub-expressions inside CASE; the MOD 11-2
 * sum is integer arithmetic on one BIGINT with 3-digit table lookups; the birth date is checked with integer
 * arithmetic; the division check is a hash mark join on `gongshu.divisions`, or, in the loader, one bit of a
 * bitstring of the known divisions (`gs__cid_reason_bits`: no join, so DuckDB keeps the rows in order).
 * Because of the subqueries, the macros cannot be used in CHECK constraints or generated columns.
 */

import { CITIZEN_ID_CHECK_CHARS, CITIZEN_ID_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS } from './checksums.ts';
import { quoteLiteral } from './sql.ts';

const FULL_WIDTH = Array.from({ length: 0x5e }, (_, i) => String.fromCharCode(0xff01 + i)).join('');
const HALF_WIDTH = Array.from({ length: 0x5e }, (_, i) => String.fromCharCode(0x21 + i))
  .join('')
  .toUpperCase();
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** Characters folded by `cleanIdentifierText` (full-width ASCII, ideographic space, ASCII lower case). */
export const IDENTIFIER_FOLD_FROM = `${FULL_WIDTH}\u3000${LOWER}`;
/** What each character of `IDENTIFIER_FOLD_FROM` becomes. */
export const IDENTIFIER_FOLD_TO = `${HALF_WIDTH} ${LOWER.toUpperCase()}`;
/** The characters stripped from both ends: exactly the set of ECMAScript `String.prototype.trim`. */
export const IDENTIFIER_TRIM_CHARS =
  ' \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

const FOLD = new Map<string, string>([...IDENTIFIER_FOLD_FROM].map((c, i) => [c, IDENTIFIER_FOLD_TO[i]!]));
const NEEDS_FOLD = /[\uff01-\uff5e\u3000a-z]/;
const FOLD_ALL = /[\uff01-\uff5e\u3000a-z]/g;

/** Folds full-width forms and lower case to ASCII upper case and trims (the SQL macros do the same). */
export function cleanIdentifierText(input: string): string {
  const folded = NEEDS_FOLD.test(input) ? input.replace(FOLD_ALL, (c) => FOLD.get(c)!) : input;
  return folded.trim();
}

/** RE2/JS pattern of a well-formed 18-character citizen identity number. */
export const CITIZEN_ID_PATTERN = '[0-9]{17}[0-9X]';
/** RE2/JS pattern of a well-formed USCC (GB 32100 charset). */
export const USCC_PATTERN = '[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}';

// Σ digit_i · W_i over a 17-digit BIGINT `b`, three digits at a time: each 3-digit group (the first has 2) is
// looked up in a constant list of its weighted digit sums — 12 integer divisions instead of 34. Each list is
// written as one text literal cast to INTEGER[] (folded to the same constant list before execution): binding
// 5,100 separate number literals cost every statement using the macros ~15 ms, a fixed cost of each small load.
const CID_GROUPS: readonly (readonly [number, number])[] = [0, 2, 5, 8, 11, 14].map((s, i, a) => [
  s,
  a[i + 1] ?? 17,
]);
const cidSum = (b: string): string =>
  CID_GROUPS.map(([start, end]) => {
    const len = end - start;
    const sums = Array.from({ length: 10 ** len }, (_, v) => {
      const digits = String(v).padStart(len, '0');
      let t = 0;
      for (let k = 0; k < len; k++) t += Number(digits[k]) * CITIZEN_ID_WEIGHTS[start + k]!;
      return t;
    });
    return `CAST('[${sums.join(',')}]' AS INTEGER[])[(${b} // ${10n ** BigInt(17 - end)}) % ${10 ** len} + 1]`;
  }).join(' + ');
/** GLOB of a well-formed number (same strings as `CITIZEN_ID_PATTERN`; GLOB is about 2× cheaper than RE2). */
const CITIZEN_ID_GLOB = `${'[0-9]'.repeat(17)}[0-9X]`;
const usccSum = (n: string): string =>
  USCC_WEIGHTS.map(
    (w, i) => `(strpos(${quoteLiteral(USCC_CHARSET)}, substr(${n}, ${i + 1}, 1)) - 1) * ${w}`,
  ).join(' + ');

/** Binds the normalised value once (a scalar subquery DuckDB decorrelates), then evaluates `body` on `n`. */
const withNormalized = (normalize: string, body: string): string =>
  `(SELECT ${body} FROM (SELECT ${normalize}(s) AS n))`;

/**
 * The division table the macros read. It is a system table of the warehouse (warehouse/system/reference-tables.ts
 * owns it and checks that its name equals this one); schemas/ sits below warehouse/ and cannot import it.
 */
export const DIVISION_CODES_TABLE = 'gongshu.divisions';

/** The statements that define the identifier macros, in dependency order (run each once per database). */
export const IDENTIFIER_MACROS: readonly string[] = [
  // -- shared ----------------------------------------------------------------------------------------------
  `CREATE OR REPLACE MACRO gs__fold(s) AS
    trim(translate(s, ${quoteLiteral(IDENTIFIER_FOLD_FROM)}, ${quoteLiteral(IDENTIFIER_FOLD_TO)}), ${quoteLiteral(IDENTIFIER_TRIM_CHARS)})`,
  `CREATE OR REPLACE MACRO gs_division_known(division_code) AS
    division_code IN (SELECT d.code FROM ${DIVISION_CODES_TABLE} AS d)`,
  // -- GB 11643 citizen identity number --------------------------------------------------------------------
  // Check character of a 17-digit body.
  `CREATE OR REPLACE MACRO gs__cid_check_b(b) AS
    substr(${quoteLiteral(CITIZEN_ID_CHECK_CHARS)}, CAST((${cidSum('b')}) % 11 AS INTEGER) + 1, 1)`,
  `CREATE OR REPLACE MACRO gs__cid_check(body) AS gs__cid_check_b(TRY_CAST(body AS BIGINT))`,
  // Days in month m of year y (Gregorian), and whether YYYYMMDD (an integer) is not a real date in
  // [1800-01-01, today] — integer arithmetic, as birthDateOk in citizen-id.ts (3× cheaper than try_strptime).
  `CREATE OR REPLACE MACRO gs__days_in_month(y, m) AS
    CASE WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
      ELSE 30 + ((m + m // 8) % 2) END`,
  `CREATE OR REPLACE MACRO gs__bad_ymd(v) AS
    v IS NULL OR v < 18000101 OR v > CAST(strftime(current_date, '%Y%m%d') AS INTEGER)
      OR (v // 100) % 100 NOT BETWEEN 1 AND 12 OR v % 100 < 1 OR v % 100 > gs__days_in_month(v // 10000, (v // 100) % 100)`,
  `CREATE OR REPLACE MACRO gs__cid_upgrade(c) AS
    CASE WHEN length(c) = 15 AND regexp_full_match(c, '[0-9]{15}')
      THEN substr(c, 1, 6) || '19' || substr(c, 7) || gs__cid_check(substr(c, 1, 6) || '19' || substr(c, 7))
      ELSE c END`,
  `CREATE OR REPLACE MACRO gs_citizen_id_normalize(s) AS
    CASE WHEN s GLOB '${CITIZEN_ID_GLOB}' THEN s ELSE gs__cid_upgrade(gs__fold(s)) END`,
  // The reason of a normalised number: the first failing check, written without CASE so that DuckDB shares
  // the sub-expressions (every check is safe on any text: TRY_CAST, try_strptime).
  // (the body `b` as a BIGINT is bound once by gs__cid_reason; every check is safe on any text)
  // `unknown`: whether the division is not a known one.
  `CREATE OR REPLACE MACRO gs__cid_reason_of(n, b, unknown) AS
    ['missing', 'format', 'checksum', 'birth-date', 'division'][list_position([
      n IS NULL OR n = '',
      NOT (n GLOB '${CITIZEN_ID_GLOB}'),
      gs__cid_check_b(b) <> substr(n, 18, 1),
      gs__bad_ymd(CAST((b // 1000) % 100000000 AS INTEGER)),
      unknown
    ], true)]`,
  `CREATE OR REPLACE MACRO gs__cid_reason_b(n, b) AS gs__cid_reason_of(n, b, NOT gs_division_known(substr(n, 1, 6)))`,
  `CREATE OR REPLACE MACRO gs__cid_reason(n) AS gs__cid_reason_b(n, TRY_CAST(substr(n, 1, 17) AS BIGINT))`,
  // The same, given the known divisions as a bitstring of 1,000,000 bits, bit d set when division d is known
  // (`knownDivisionBits`): one lookup per key, no join (see the loader's checks). Only a body of digits reaches the
  // division check; the bound keeps any other text (e.g. '1e17') from indexing outside the bitstring.
  `CREATE OR REPLACE MACRO gs__cid_reason_bits_b(n, b, known) AS
    gs__cid_reason_of(n, b, CASE WHEN b BETWEEN 0 AND 99999999999999999 THEN get_bit(known, CAST(b // 100000000000 AS INTEGER)) = 0 END)`,
  `CREATE OR REPLACE MACRO gs__cid_reason_bits(n, known) AS
    gs__cid_reason_bits_b(n, TRY_CAST(substr(n, 1, 17) AS BIGINT), known)`,
  `CREATE OR REPLACE MACRO gs_citizen_id_reason(s) AS ${withNormalized('gs_citizen_id_normalize', 'gs__cid_reason(n)')}`,
  `CREATE OR REPLACE MACRO gs_citizen_id_birth_date(s) AS ${withNormalized(
    'gs_citizen_id_normalize',
    `CASE WHEN gs__cid_reason(n) IS NULL THEN CAST(try_strptime(substr(n, 7, 8), '%Y%m%d') AS DATE) END`,
  )}`,
  `CREATE OR REPLACE MACRO gs_citizen_id_sex(s) AS ${withNormalized(
    'gs_citizen_id_normalize',
    `CASE WHEN gs__cid_reason(n) IS NULL THEN CASE WHEN TRY_CAST(substr(n, 17, 1) AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END END`,
  )}`,
  `CREATE OR REPLACE MACRO gs_citizen_id_division(s) AS ${withNormalized(
    'gs_citizen_id_normalize',
    'CASE WHEN gs__cid_reason(n) IS NULL THEN substr(n, 1, 6) END',
  )}`,
  // -- GB 32100 USCC ---------------------------------------------------------------------------------------
  `CREATE OR REPLACE MACRO gs_uscc_normalize(s) AS
    CASE WHEN regexp_full_match(s, '${USCC_PATTERN}') THEN s ELSE gs__fold(s) END`,
  `CREATE OR REPLACE MACRO gs__uscc_reason(n) AS
    ['missing', 'format', 'checksum'][list_position([
      n IS NULL OR n = '',
      NOT regexp_full_match(n, '${USCC_PATTERN}'),
      substr(${quoteLiteral(USCC_CHARSET)}, CAST((31 - (${usccSum('n')}) % 31) % 31 AS INTEGER) + 1, 1) <> substr(n, 18, 1)
    ], true)]`,
  `CREATE OR REPLACE MACRO gs_uscc_reason(s) AS ${withNormalized('gs_uscc_normalize', 'gs__uscc_reason(n)')}`,
];
