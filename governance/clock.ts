/**
 * Time as governance shows it: instants stored as ISO UTC text (as the audit chain hashes them), shown as
 * ISO timestamps and dates in Asia/Shanghai (UTC+8, no daylight saving), whatever the machine's time zone.
 */
import { GovernanceError } from './errors.ts';

const OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as an ISO timestamp in Asia/Shanghai: `2026-09-30T10:00:00+08:00`. */
export function shanghaiTime(at: Date): string {
  return `${new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The last millisecond of a Shanghai calendar date. */
export function endOfShanghaiDay(date: string): Date {
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`));
}

/** Stored form of an instant: ISO UTC text. */
export function stored(at: Date): string {
  return at.toISOString();
}

/**
 * Parses `--at` (or any time given by a user): an ISO timestamp (with or without offset; without one it is
 * Shanghai time) or a date (its start in Shanghai). Undefined → now.
 */
export function parseAt(text: string | undefined, what = '--at'): Date {
  if (text === undefined || text === '') return new Date();
  const t = text.trim();
  let ms = Number.NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) ms = Date.parse(`${t}T00:00:00+08:00`);
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t))
    ms = Date.parse(`${t.replace(' ', 'T')}+08:00`);
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t))
    ms = Date.parse(t.replace(' ', 'T'));
  if (Number.isNaN(ms)) {
    throw new GovernanceError(
      'invalid',
      'bad-time',
      `${what}: expected an ISO date or time such as 2026-09-30 or 2026-09-30T10:00 (Asia/Shanghai unless an offset is given); got ${JSON.stringify(text)}`,
    );
  }
  return new Date(ms);
}

/** Parses a YYYY-MM-DD date given by a user. */
export function parseDate(text: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new GovernanceError(
      'invalid',
      'bad-date',
      `${what}: expected a date YYYY-MM-DD; got ${JSON.stringify(text)}`,
    );
  }
  return text;
}
