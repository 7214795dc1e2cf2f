/** Building, rewriting and classifying citizen IDs and USCCs, on top of `schemas/checksums.ts`. */
import {
  citizenIdCheckChar,
  orgCodeCheckChar,
  USCC_CHARSET,
  usccCheckChar,
} from '../../../schemas/checksums.ts';
import { isRealDate } from './dates.ts';

/** An 18-character citizen ID from address code, `YYYYMMDD` and 3-digit sequence, with its check char. */
export function citizenId(addressCode: string, birth: string, sequence: number): string {
  const body = `${addressCode}${birth}${String(sequence).padStart(3, '0')}`;
  return body + citizenIdCheckChar(body);
}

/** The same 17-digit body with the correct check char recomputed. */
export function withCheckChar(body17: string): string {
  return body17 + citizenIdCheckChar(body17);
}

/** The old 15-digit form (GB 11643-1989) of an 18-digit ID born in 19xx. */
export function toFifteenDigit(id18: string): string {
  return id18.slice(0, 6) + id18.slice(8, 17);
}

/** ASCII digits and letters rewritten as full-width forms (U+FF10…, U+FF21…). */
export function toFullWidth(text: string): string {
  return text.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** A check char different from `correct`, chosen by `index`. */
export function wrongCitizenCheckChar(correct: string, index: number): string {
  const options = '0123456789X'.replace(correct, '');
  return options[index % options.length]!;
}

/** A USCC from category (2 chars), region code and 8-char organisation-code body. */
export function uscc(category: string, regionCode: string, orgBody: string): string {
  const body = `${category}${regionCode}${orgBody}${orgCodeCheckChar(orgBody)}`;
  return body + usccCheckChar(body);
}

/** A USCC check char different from `correct`. */
export function wrongUsccCheckChar(correct: string, index: number): string {
  const options = USCC_CHARSET.replace(correct, '');
  return options[index % options.length]!;
}

/** Why a key is invalid, in the loader's reason codes. */
export type KeyReason = 'missing' | 'format' | 'checksum' | 'birth-date' | 'division';

/** The outcome of classifying one key value. */
export type KeyClass = { ok: true; value: string } | { ok: false; reason: KeyReason };

/**
 * Reference classification of a citizen ID: NFKC + trim + upper-case, 15-digit upgrade, then
 * format → checksum → birth date (real and not after `asOf`) → address code in `divisionCodes`.
 */
export function classifyCitizenId(
  raw: string,
  asOfCompact: string,
  divisionCodes: ReadonlySet<string>,
): KeyClass {
  let s = raw.normalize('NFKC').trim().toUpperCase();
  if (s === '') return { ok: false, reason: 'missing' };
  if (/^\d{15}$/.test(s)) s = withCheckChar(`${s.slice(0, 6)}19${s.slice(6)}`);
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, reason: 'format' };
  if (citizenIdCheckChar(s) !== s[17]) return { ok: false, reason: 'checksum' };
  const birth = s.slice(6, 14);
  if (!isRealDate(birth) || birth > asOfCompact) return { ok: false, reason: 'birth-date' };
  if (!divisionCodes.has(s.slice(0, 6))) return { ok: false, reason: 'division' };
  return { ok: true, value: s };
}

const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** Reference classification of a USCC: NFKC + trim + upper-case, then format → MOD 31 checksum. */
export function classifyUscc(raw: string): KeyClass {
  const s = raw.normalize('NFKC').trim().toUpperCase();
  if (s === '') return { ok: false, reason: 'missing' };
  if (!USCC_PATTERN.test(s)) return { ok: false, reason: 'format' };
  if (usccCheckChar(s) !== s[17]) return { ok: false, reason: 'checksum' };
  return { ok: true, value: s };
}
