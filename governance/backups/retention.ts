/**
 * Retention (grandfather-father-son): of a destination's backups, keep the newest of each of the last `daily`
 * calendar days that have a backup, of each of the last `weekly` ISO weeks and of each of the last `monthly`
 * months (days, weeks and months in Asia/Shanghai); the newest backup is always kept. Everything else expires.
 */
import type { BackupConfig } from './config.ts';

/** The retention policy. */
export type RetentionPolicy = BackupConfig['retention'];

const ZONE = 'Asia/Shanghai';
const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE });

/** The calendar day of an instant in Asia/Shanghai (YYYY-MM-DD). */
function dayOf(iso: string): string {
  return dayFmt.format(new Date(iso));
}

/** The ISO week (YYYY-Www) of a calendar day. */
function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the Thursday of the week decides its year
  const year = d.getUTCFullYear();
  const week = 1 + Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Which backups a policy keeps and which expire; `backups` in any order. */
export function applyRetention<T extends { id: string; createdAt: string }>(
  backups: readonly T[],
  policy: RetentionPolicy,
): { keep: T[]; expire: T[] } {
  const sorted = [...backups].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  );
  const kept = new Set<string>();
  if (sorted[0]) kept.add(sorted[0].id);
  const rules: [number, (day: string) => string][] = [
    [policy.daily, (day) => day],
    [policy.weekly, isoWeek],
    [policy.monthly, (day) => day.slice(0, 7)],
  ];
  for (const [count, bucketOf] of rules) {
    const seen = new Set<string>();
    for (const b of sorted) {
      if (seen.size >= count) break;
      const bucket = bucketOf(dayOf(b.createdAt));
      if (seen.has(bucket)) continue;
      seen.add(bucket);
      kept.add(b.id);
    }
  }
  return { keep: sorted.filter((b) => kept.has(b.id)), expire: sorted.filter((b) => !kept.has(b.id)) };
}
