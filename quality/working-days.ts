/**
 * Working-day arithmetic over the official calendar (calendar.ts): a date is a working day iff it is a make-up
 * working day (调休上班) or a Monday–Friday that is not a statutory holiday. Past the last known year the
 * calendar falls back to Monday–Friday and records that it did (`calendarUsage`).
 */
import { calendarCoverage, isWorkingDay } from './calendar.ts';
import { QualityError } from './errors.ts';

export { isWorkingDay };

/** The first and last year the package's holiday calendar covers (project calendar files may add years). */
export const WORKING_DAY_COVERAGE: Readonly<{ from: number; to: number }> = Object.freeze(calendarCoverage());

const DAY_MS = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The earliest date D such that at most `n` working days lie in (D, asOf]: a value dated D or later is at most
 * `n` working days old on `asOf`. Example: asOf 2026-10-09 (Fri), n = 3 → 2026-09-29 (10-01..07 are holidays).
 */
export function workingDayCutoff(asOf: string, n: number): string {
  if (!Number.isInteger(n) || n < 0)
    throw new QualityError(`working days: expected an integer ≥ 0; got ${n}`);
  let t = Date.parse(`${asOf}T00:00:00Z`);
  let seen = 0;
  for (;;) {
    const d = iso(t);
    if (isWorkingDay(d)) {
      seen++;
      if (seen === n + 1) return d;
    }
    t -= DAY_MS;
  }
}

/** Working days in (from, to]: 0 when to ≤ from. Both YYYY-MM-DD. */
export function workingDaysBetween(from: string, to: string): number {
  let n = 0;
  for (let t = Date.parse(`${from}T00:00:00Z`) + DAY_MS; t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    if (isWorkingDay(iso(t))) n++;
  }
  return n;
}
