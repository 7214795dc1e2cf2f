/**
 * The official working-day calendar (DOMAIN.md §9): which dates are statutory holidays (放假) and which weekend
 * days are make-up working days (调休上班), per year, as the State Council's annual notice (国务院办公厅关于
 * 部分节假日安排的通知) publishes them, usually in November or December for the next year.
 *
 * Layers, later ones winning for the years they cover: the package's (the `chinese-days` data, 2004–2026 in
 * 1.5.7), then the calendar files a project lists (`calendar: ['calendar/2027.json']`). A year no layer covers
 * falls back to Monday–Friday, and `calendarUsage()` tells the caller it did, so every output that used the
 * fallback can say so.
 *
 * A calendar file:
 * ```json
 * { "year": 2027, "source": "国办发明电〔2026〕N号",
 *   "holidays": [{ "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" }, "2027-04-05"],
 *   "workdays": [{ "name": "春节", "date": "2027-02-07" }] }
 * ```
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { DefinitionError } from '../schemas/index.ts';

const require = createRequire(import.meta.url);
const packaged = require('chinese-days/dist/chinese-days.json') as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};

const isoDate = z.iso.date();

/** One official calendar year, as a project's calendar file writes it. */
export const calendarFileSchema = z
  .object({
    year: z.number().int().min(1950).max(2200).meta({ description: 'the year the notice arranges' }),
    source: z.string().min(1).meta({
      description:
        'the notice it transcribes, e.g. 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕N号)',
    }),
    holidays: z
      .array(
        z.union([
          isoDate,
          z
            .object({ name: z.string().optional(), from: isoDate, to: isoDate.optional() })
            .strict()
            .refine((h) => !h.to || h.to >= h.from, 'to on or after from'),
        ]),
      )
      .meta({ description: 'days off: dates, or { name, from, to } ranges (inclusive)' }),
    workdays: z
      .array(z.union([isoDate, z.object({ name: z.string().optional(), date: isoDate }).strict()]))
      .default([])
      .meta({ description: 'make-up working days (调休上班) on weekends: dates or { name, date }' }),
  })
  .strict();

/** A calendar file as written. */
export type CalendarFileSpec = z.input<typeof calendarFileSchema>;

/** A known calendar year and where it comes from. */
export interface CalendarYear {
  readonly year: number;
  /** `chinese-days` (the package's data) or the calendar file. */
  readonly source: string;
  readonly file?: string;
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

function packageYears(): Map<number, CalendarYear> {
  const out = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();
  const get = (d: string) => {
    const y = Number(d.slice(0, 4));
    let e = out.get(y);
    if (!e) {
      e = { holidays: new Set(), workdays: new Set() };
      out.set(y, e);
    }
    return e;
  };
  for (const d of Object.keys(packaged.holidays)) get(d).holidays.add(d);
  for (const d of Object.keys(packaged.workdays)) get(d).workdays.add(d);
  return new Map(
    [...out].map(([year, e]) => [
      year,
      { year, source: 'chinese-days', holidays: e.holidays, workdays: e.workdays },
    ]),
  );
}

const PACKAGE = packageYears();
let project = new Map<number, CalendarYear>();
const fallbackUses = new Map<number, number>();

/** Parses a calendar file (JSON); a bad one is a definition error naming the file, the field and the fix. */
export function readCalendarFile(path: string): CalendarYear {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DefinitionError(
      `${path}: calendar: cannot read the calendar file (${(error as Error).message}). ` +
        'Fix: point calendar: [...] at a JSON file { "year", "source", "holidays", "workdays" } (README: The calendar)',
      { file: path, field: 'calendar', fix: 'a JSON calendar file' },
    );
  }
  const parsed = calendarFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(root)';
    throw new DefinitionError(
      `${path}: ${field}: ${issue.message}. Fix: { "year": 2027, "source": "国办发明电…", "holidays": [{ "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" }], "workdays": ["2027-02-07"] }`,
      { file: path, field, allowed: 'year, source, holidays, workdays', fix: 'see README: The calendar' },
    );
  }
  const f = parsed.data;
  const holidays = new Set<string>();
  for (const h of f.holidays) {
    if (typeof h === 'string') holidays.add(h);
    else for (let t = Date.parse(h.from); t <= Date.parse(h.to ?? h.from); t += DAY_MS) holidays.add(iso(t));
  }
  const workdays = new Set(f.workdays.map((w) => (typeof w === 'string' ? w : w.date)));
  for (const d of [...holidays, ...workdays]) {
    const y = Number(d.slice(0, 4));
    if (Math.abs(y - f.year) > 1) {
      throw new DefinitionError(
        `${path}: ${d}: a date of the ${f.year} calendar must lie in ${f.year} (or at its edges). Fix: check the year of ${d}`,
        { file: path, field: 'holidays', fix: `dates in ${f.year}` },
      );
    }
  }
  return { year: f.year, source: f.source, file: path, holidays, workdays };
}

/**
 * Uses these calendar files (absolute paths) over the package's calendar, replacing files used before; two
 * files of one year are a definition error.
 */
export function useCalendarFiles(paths: readonly string[]): void {
  const next = new Map<number, CalendarYear>();
  for (const p of paths) {
    const y = readCalendarFile(p);
    const other = next.get(y.year);
    if (other) {
      throw new DefinitionError(
        `${p}: calendar: year ${y.year} is also arranged by ${other.file}. Fix: list one calendar file per year`,
        { file: p, field: 'calendar', fix: 'one file per year' },
      );
    }
    next.set(y.year, y);
  }
  project = next;
}

/** The calendar year that decides dates of `year`, or undefined when none covers it. */
function yearOf(year: number): CalendarYear | undefined {
  return project.get(year) ?? PACKAGE.get(year);
}

/** Every known year, oldest first, with its source. */
export function calendarYears(): CalendarYear[] {
  const years = new Set([...PACKAGE.keys(), ...project.keys()]);
  return [...years].sort((a, b) => a - b).map((y) => yearOf(y)!);
}

/**
 * Whether `date` (YYYY-MM-DD) is a working day in mainland China: a make-up working day, or a Monday–Friday
 * that is not a holiday. A date whose year no calendar covers is judged by weekday alone, and counted as a
 * fallback (see `calendarUsage`).
 */
export function isWorkingDay(date: string): boolean {
  const y = Number(date.slice(0, 4));
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  const weekday = dow >= 1 && dow <= 5;
  const cal = yearOf(y);
  if (!cal) {
    fallbackUses.set(y, (fallbackUses.get(y) ?? 0) + 1);
    return weekday;
  }
  // A make-up day of a neighbouring year's notice (e.g. a Sunday in early January) counts too.
  if (cal.workdays.has(date) || yearOf(y - 1)?.workdays.has(date) || yearOf(y + 1)?.workdays.has(date))
    return true;
  if (cal.holidays.has(date) || yearOf(y - 1)?.holidays.has(date) || yearOf(y + 1)?.holidays.has(date))
    return false;
  return weekday;
}

/** A mark in the calendar's use: which years, since the mark, were judged by the Monday–Friday fallback. */
export interface CalendarUsage {
  fallbackYears(): number[];
  /** A warning for outputs (`calendarWarning`), or null when no fallback was used since the mark. */
  warning(): string | null;
}

/** Starts watching for fallback use (e.g. around one quality run). */
export function calendarUsage(): CalendarUsage {
  const before = new Map(fallbackUses);
  const fallbackYears = () =>
    [...fallbackUses]
      .filter(([y, n]) => n > (before.get(y) ?? 0))
      .map(([y]) => y)
      .sort((a, b) => a - b);
  return {
    fallbackYears,
    warning() {
      const years = fallbackYears();
      return years.length ? calendarWarning(years) : null;
    },
  };
}

/** The warning for working days judged by weekday alone in `years`. */
export function calendarWarning(years: readonly number[]): string {
  const known = calendarYears();
  const range = known.length ? `${known[0]!.year}–${known.at(-1)!.year}` : 'none';
  const y = years.join(', ');
  return (
    `working days in ${y} were counted as Monday–Friday: no official holiday calendar for ${y} (known years: ${range}). ` +
    `Fix: add the State Council's ${years[0]} arrangement as calendar/${years[0]}.json and list it in the project's calendar: [...] (README: The calendar)`
  );
}

/** The first and last year the calendar covers (package and project files). */
export function calendarCoverage(): { from: number; to: number } {
  const years = calendarYears().map((c) => c.year);
  return { from: Math.min(...years), to: Math.max(...years) };
}
