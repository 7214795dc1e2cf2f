import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import chineseDays from 'chinese-days';
import { afterEach, describe, expect, it } from 'vitest';
import {
  calendarUsage,
  calendarYears,
  isWorkingDay,
  useCalendarFiles,
  workingDayCutoff,
  workingDaysBetween,
} from '../../quality/index.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A 2027 arrangement written the way a project transcribes the State Council notice (dates invented for the test). */
const Y2027 = {
  year: 2027,
  source: 'test: 国务院办公厅关于2027年部分节假日安排的通知 (transcribed for the test)',
  holidays: [
    { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
    { name: '春节', from: '2027-02-05', to: '2027-02-12' },
    '2027-04-05',
  ],
  workdays: [{ name: '春节', date: '2027-02-14' }, '2027-01-30'],
};

function writeCalendar(dir: string, name: string, value: unknown): string {
  mkdirSync(join(dir, 'calendar'), { recursive: true });
  const file = join(dir, 'calendar', name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

afterEach(() => useCalendarFiles([]));

describe('the official calendar', () => {
  it('agrees with chinese-days on every date it covers (2004–2026)', () => {
    const differ: string[] = [];
    for (let t = Date.UTC(2004, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
      const d = new Date(t).toISOString().slice(0, 10);
      if (isWorkingDay(d) !== chineseDays.isWorkday(d)) differ.push(d);
    }
    expect(differ).toEqual([]);
  });

  it("merges a project's calendar file over the package's: holidays, make-up days, known years", () => {
    const dir = tempDir();
    const usage = calendarUsage();
    useCalendarFiles([writeCalendar(dir, '2027.json', Y2027)]);
    expect(calendarYears().at(-1)).toMatchObject({ year: 2027, source: Y2027.source });
    expect(calendarYears()[0]).toMatchObject({ year: 2004, source: 'chinese-days' });
    expect(isWorkingDay('2027-01-01')).toBe(false); // 元旦, a Friday
    expect(isWorkingDay('2027-02-08')).toBe(false); // 春节, a Monday
    expect(isWorkingDay('2027-02-14')).toBe(true); // make-up Sunday
    expect(isWorkingDay('2027-01-30')).toBe(true); // make-up Saturday (a plain date)
    expect(isWorkingDay('2027-03-01')).toBe(true);
    expect(workingDaysBetween('2027-02-04', '2027-02-15')).toBe(2); // 02-14 (Sun, make-up) and 02-15 (Mon)
    expect(workingDayCutoff('2027-01-04', 1)).toBe('2026-12-31');
    expect(usage.fallbackYears()).toEqual([]);
    expect(usage.warning()).toBeNull();
  });

  it('falls back to Monday–Friday past the last known year, and a usage mark says which years', () => {
    const usage = calendarUsage();
    expect(isWorkingDay('2027-01-01')).toBe(true); // a Friday: no 2027 calendar, so a working day
    expect(isWorkingDay('2027-01-02')).toBe(false);
    expect(workingDaysBetween('2027-12-26', '2028-01-07')).toBe(10);
    expect(usage.fallbackYears()).toEqual([2027, 2028]);
    expect(usage.warning()).toMatch(
      /^working days in 2027, 2028 were counted as Monday–Friday: no official holiday calendar for 2027, 2028 \(known years: 2004–2026\)\. Fix: add the State Council's 2027 arrangement as calendar\/2027\.json/,
    );
    const later = calendarUsage();
    isWorkingDay('2026-06-01');
    expect(later.warning()).toBeNull();
  });

  it('refuses a bad calendar file with the file, the field and the fix', () => {
    const dir = tempDir();
    const bad = writeCalendar(dir, 'bad.json', { ...Y2027, holidays: ['2027-13-01'] });
    expect(() => useCalendarFiles([bad])).toThrow(/bad\.json: holidays\.0: .*Fix: \{ "year": 2027/);
    const a = writeCalendar(dir, 'a.json', Y2027);
    const b = writeCalendar(dir, 'b.json', Y2027);
    expect(() => useCalendarFiles([a, b])).toThrow(
      /b\.json: calendar: year 2027 is also arranged by .*a\.json/,
    );
    const stray = writeCalendar(dir, 'stray.json', { ...Y2027, workdays: ['2031-01-04'] });
    expect(() => useCalendarFiles([stray])).toThrow(
      /2031-01-04: a date of the 2027 calendar must lie in 2027/,
    );
  });
});
