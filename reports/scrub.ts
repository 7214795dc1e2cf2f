/**
 * The last line of defence against identity numbers in a report: every 18-character run that is a citizen
 * identity number with a valid check character (GB 11643) is masked (`650102********1234`), wherever it
 * appears — a sample value, a SQL literal, a file name, a finding. Samples are already masked by the quality
 * engine; this catches what it could not know about (declared SQL, quarantine keys, free text).
 */
import { citizenIdCheckChar, maskCitizenId, usccCheckChar } from '../schemas/index.ts';

/**
 * 18 characters not inside a longer run of letters or digits (nor the fraction of a decimal number, 0.0249382…):
 * 17 digits and a digit or X.
 */
export const CITIZEN_ID_PATTERN = /(?<![0-9A-Za-z]|[0-9]\.)[0-9]{17}[0-9Xx](?![0-9A-Za-z])/g;

/** Whether an 18-character value carries a valid citizen-ID check character. */
export function hasValidCitizenIdCheck(value: string): boolean {
  return value.length === 18 && citizenIdCheckChar(value.slice(0, 17)) === value[17]!.toUpperCase();
}

/** Whether positions 7–14 could be a birth date (1800-01-01 … 2199-12-31, month and day in range). */
function plausibleBirthDate(value: string): boolean {
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  return y >= 1800 && y <= 2199 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/**
 * Whether a match is to be treated as a citizen identity number: a valid check character, unless it is an
 * all-digit USCC (valid GB 32100 check character) whose positions 7–14 cannot be a birth date — a department's
 * public code, which would otherwise be masked about once in eleven.
 */
export function looksLikeCitizenId(value: string): boolean {
  if (!hasValidCitizenIdCheck(value)) return false;
  const isUscc = usccCheckChar(value.slice(0, 17)) === value[17];
  return !(isUscc && !plausibleBirthDate(value));
}

/** The valid citizen identity numbers in a text (for tests and audits). */
export function findCitizenIds(text: string): string[] {
  return [...text.matchAll(CITIZEN_ID_PATTERN)].map((m) => m[0]).filter(looksLikeCitizenId);
}

/** Masks every valid citizen identity number in a text. */
export function scrubText(text: string): string {
  if (text.length < 18) return text;
  return text.replace(CITIZEN_ID_PATTERN, (m) => (looksLikeCitizenId(m) ? maskCitizenId(m) : m));
}

/** A deep copy of a JSON value with every string scrubbed. */
export function scrubDeep<T>(value: T): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (Array.isArray(value)) return value.map(scrubDeep) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrubText(k)] = scrubDeep(v);
    return out as T;
  }
  return value;
}
