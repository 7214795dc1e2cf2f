/** Calendar arithmetic on day numbers (days since 1970-01-01, UTC); no clock is ever read. */

const DAY_MS = 86_400_000;

/** Day number of a calendar date. */
export function toDay(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Day number of an ISO `YYYY-MM-DD` or compact `YYYYMMDD` date. */
export function parseDay(text: string): number {
  const s = text.replaceAll('-', '');
  return toDay(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
}

/** Calendar parts of a day number. */
export function fromDay(dayNumber: number): { year: number; month: number; day: number } {
  const d = new Date(dayNumber * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `YYYYMMDD` of a day number (the form used inside citizen IDs). */
export function compact(dayNumber: number): string {
  const { year, month, day } = fromDay(dayNumber);
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of a day number. */
export function iso(dayNumber: number): string {
  const c = compact(dayNumber);
  return `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}`;
}

/** Whether `YYYYMMDD` is a real calendar date. */
export function isRealDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  return compact(toDay(y, m, d)) === yyyymmdd;
}

/** Whether a year is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The day number `years` whole years after `dayNumber` (29 Feb maps to 28 Feb in common years). */
export function addYears(dayNumber: number, years: number): number {
  const { year, month, day } = fromDay(dayNumber);
  const y = year + years;
  return toDay(y, month, month === 2 && day === 29 && !isLeapYear(y) ? 28 : day);
}

/** Completed years of age on `onDay` for someone born on `birthDay`. */
export function ageOn(birthDay: number, onDay: number): number {
  const b = fromDay(birthDay);
  const o = fromDay(onDay);
  let age = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) age--;
  return age;
}
