/**
 * Deadlines in Chinese working days (DOMAIN.md §9) on the calendar of quality/working-days.ts: the day the clock
 * starts (submission, forwarding, a law change) is day 0 and is not counted; the deadline is the end (23:59:59
 * Asia/Shanghai) of the n-th working day after it. Emergency deadlines are hours after the start, whatever the
 * day: disasters do not wait for a working day.
 */
import { isWorkingDay } from '../quality/index.ts';
import { endOfShanghaiDay, shanghaiDate } from './clock.ts';

const DAY_MS = 86_400_000;

/** The n-th working day after `date` (YYYY-MM-DD, not counted). `addWorkingDays('2026-09-30', 3)` → 2026-10-10. */
export function addWorkingDays(date: string, n: number): string {
  let t = Date.parse(`${date}T00:00:00Z`);
  for (let seen = 0; seen < n; ) {
    t += DAY_MS;
    if (isWorkingDay(new Date(t).toISOString().slice(0, 10))) seen++;
  }
  return new Date(t).toISOString().slice(0, 10);
}

/** A deadline: the instant, and the Shanghai date it falls on. */
export interface Deadline {
  readonly at: Date;
  readonly date: string;
}

/** The end of the n-th working day after the Shanghai date of `from`. */
export function workingDayDeadline(from: Date, n: number): Deadline {
  const date = addWorkingDays(shanghaiDate(from), n);
  return { at: endOfShanghaiDay(date), date };
}

/** `hours` after `from` (emergency requests). */
export function hoursDeadline(from: Date, hours: number): Deadline {
  const at = new Date(from.getTime() + hours * 3_600_000);
  return { at, date: shanghaiDate(at) };
}
