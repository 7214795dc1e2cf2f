import { citizenIdCheckChar } from './checksums.ts';
import { getDivision } from './divisions.ts';
import { CITIZEN_ID_PATTERN, cleanIdentifierText } from './identifier-macros.ts';
import { identifierSchema } from './identifier-schema.ts';

/** Why a citizen identity number is invalid; the first failing check wins, in this order. */
export type CitizenIdReason = 'missing' | 'format' | 'checksum' | 'birth-date' | 'division';

/** Notes on a number that do not make it invalid. */
export type CitizenIdWarning = 'upgraded-from-15' | 'century-uncertain' | 'division-not-yet-existing';

/** The outcome of `parseCitizenId`. Birth date, sex and division are set only when the number is valid. */
export interface CitizenIdResult {
  /** The input as given. */
  readonly input: string | null | undefined;
  readonly valid: boolean;
  /** The cleaned (and, for 15 digits, upgraded) text; null for null/undefined input. */
  readonly normalized: string | null;
  readonly reason: CitizenIdReason | null;
  readonly warnings: readonly CitizenIdWarning[];
  /** YYYY-MM-DD. */
  readonly birthDate: string | null;
  /** GB/T 2261.1 sex code: '1' male (odd sequence), '2' female (even). */
  readonly sex: '1' | '2' | null;
  /** The six-digit address code (GB/T 2260). */
  readonly division: string | null;
}

const FULL = new RegExp(`^${CITIZEN_ID_PATTERN}$`);
const OLD = /^[0-9]{15}$/;

function upgrade(old15: string): string {
  const body = `${old15.slice(0, 6)}19${old15.slice(6)}`;
  return body + citizenIdCheckChar(body);
}

/**
 * Normalises a citizen identity number: folds full-width characters, trims, upper-cases `x`, and upgrades
 * 15-digit numbers to 18 digits (inserting `19`, appending the check character). Invalid text is returned
 * cleaned but otherwise unchanged.
 * @example normalizeCitizenId(' 110105491231002 ') // → '11010519491231002X'
 */
export function normalizeCitizenId(input: string): string;
export function normalizeCitizenId(input: string | null | undefined): string | null;
export function normalizeCitizenId(input: string | null | undefined): string | null {
  if (input === null || input === undefined) return null;
  const c = cleanIdentifierText(input);
  return OLD.test(c) ? upgrade(c) : c;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Whether YYYYMMDD is a real calendar date in [1800-01-01, today]. */
function birthDateOk(ymd: string, todayYmd: number): boolean {
  const v = Number(ymd);
  const y = Math.floor(v / 10000);
  const m = Math.floor(v / 100) % 100;
  const d = v % 100;
  if (v < 18000101 || v > todayYmd || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : 30 + ((m + Math.floor(m / 8)) % 2);
  return d <= days;
}

/**
 * Validates a citizen identity number. `today` (local date; defaults to now) bounds the birth date, like
 * `current_date` in the SQL macros (which use the warehouse time zone, Asia/Shanghai by default).
 * @example parseCitizenId('11010519491231002X').sex // → '2'
 */
export function parseCitizenId(
  input: string | null | undefined,
  options: { today?: Date } = {},
): CitizenIdResult {
  const warnings: CitizenIdWarning[] = [];
  const normalized = normalizeCitizenId(input);
  const fail = (reason: CitizenIdReason): CitizenIdResult => ({
    input,
    valid: false,
    normalized,
    reason,
    warnings,
    birthDate: null,
    sex: null,
    division: null,
  });
  if (normalized === null || normalized === '') return fail('missing');
  const cleaned = cleanIdentifierText(input!);
  if (cleaned !== normalized) {
    warnings.push('upgraded-from-15');
    const seq = Number(cleaned.slice(12, 15));
    if (seq >= 996) warnings.push('century-uncertain');
  }
  if (!FULL.test(normalized)) return fail('format');
  if (citizenIdCheckChar(normalized) !== normalized[17]) return fail('checksum');
  const today = options.today ?? new Date();
  const todayYmd = today.getFullYear() * 10000 + (today.getMonth() + 1) * 100 + today.getDate();
  if (!birthDateOk(normalized.slice(6, 14), todayYmd)) return fail('birth-date');
  const code = normalized.slice(0, 6);
  const division = getDivision(code);
  if (!division) return fail('division');
  const year = Number(normalized.slice(6, 10));
  if (division.start !== null && division.start > year) warnings.push('division-not-yet-existing');
  return {
    input,
    valid: true,
    normalized,
    reason: null,
    warnings,
    birthDate: `${pad(year, 4)}-${normalized.slice(10, 12)}-${normalized.slice(12, 14)}`,
    sex: Number(normalized[16]) % 2 === 1 ? '1' : '2',
    division: code,
  };
}

/**
 * A zod schema for a citizen identity number field: outputs the normalised number; an invalid number
 * fails with the reason (`missing`, `format`, `checksum`, `birth-date`, `division`) as the issue message.
 * @example citizenIdSchema.parse('110105491231002') // → '11010519491231002X'
 */
export const citizenIdSchema = identifierSchema(parseCitizenId);
