/**
 * Chinese working days (DOMAIN.md §9): a date is a working day iff it is an adjusted working day (调休上班) or a
 * Monday–Friday that is not a statutory holiday, per the `chinese-days` calendar. The calendar covers the years
 * of the State Council notices it ships (2004–2026 in 1.5.7); asking about another year is an error, never a
 * guess from weekdays.
 */
import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';
import { QualityError } from './errors.ts';

const require = createRequire(import.meta.url);
const calendar = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string> };
const years = Object.keys(calendar.holidays).map((d) => Number(d.slice(0, 4)));

/** The first and last year the installed holiday calendar covers. */
export const WORKING_DAY_COVERAGE: Readonly<{ from: number; to: number }> = Object.freeze({
  from: Math.min(...years),
  to: Math.max(...years),
});

const DAY_MS = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

function assertCovered(date: string): void {
  const y = Number(date.slice(0, 4));
  if (y < WORKING_DAY_COVERAGE.from || y > WORKING_DAY_COVERAGE.to) {
    throw new QualityError(
      `working days: ${date} is in ${y}, which the holiday calendar (chinese-days, ${WORKING_DAY_COVERAGE.from}–${WORKING_DAY_COVERAGE.to}) does not cover. ` +
        `Fix: update chinese-days once the State Council has published the ${y} holiday notice, or state the deadline in calendar days (maxAgeDays)`,
      { date, coverage: WORKING_DAY_COVERAGE },
    );
  }
}

/** Whether `date` (YYYY-MM-DD) is a working day in mainland China; throws for uncovered years. */
export function isWorkingDay(date: string): boolean {
  assertCovered(date);
  return chineseDays.isWorkday(date);
}

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
