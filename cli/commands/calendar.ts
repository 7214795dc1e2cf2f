import type { Command } from 'commander';
import { projectAndWarehouse, projectFileOf } from '../../project/index.ts';
import { calendarYears } from '../../quality/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { formatTable, processOutput } from '../output.ts';

interface CalendarOptions {
  project?: string;
  json?: boolean;
  today?: string;
}

/** Today's date in Asia/Shanghai (YYYY-MM-DD). */
const shanghaiToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/**
 * `gongshu calendar check`: lists the known calendar years (the package's and the project's files) and exits 1
 * when this year is missing, or next year is missing on or after 1 December (the State Council publishes the
 * next year's arrangement in November or December; past the last known year working days fall back to
 * Monday–Friday).
 */
export default async function calendar(args: unknown[], command: Command): Promise<number> {
  const [action] = args as [string];
  const o = command.opts<CalendarOptions>();
  if (action !== 'check')
    throw new CliError(`calendar: expected check; got ${action}. Fix: gongshu calendar check`);
  const today = o.today ?? shanghaiToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new CliError(`--today: expected YYYY-MM-DD; got ${today}`);
  if (projectFileOf(o.project)) await projectAndWarehouse(o); // uses the project's calendar files
  const out = processOutput();
  const years = calendarYears();
  const year = Number(today.slice(0, 4));
  const known = new Set(years.map((y) => y.year));
  const missing: number[] = [];
  if (!known.has(year)) missing.push(year);
  if (today.slice(5) >= '12-01' && !known.has(year + 1)) missing.push(year + 1);
  const last = years.at(-1)?.year ?? null;
  const fix =
    missing.length > 0
      ? `add the State Council's ${missing.at(-1)} holiday arrangement (国务院办公厅关于${missing.at(-1)}年部分节假日安排的通知) as calendar/${missing.at(-1)}.json and list it in the project's calendar: [...] (README: The calendar)`
      : null;
  const summary = {
    today,
    ok: missing.length === 0,
    missing,
    last,
    years: years.map((y) => ({ year: y.year, source: y.source, ...(y.file ? { file: y.file } : {}) })),
    fix,
  };
  if (o.json) out.json(summary);
  else {
    const bySource = new Map<string, number[]>();
    for (const y of years)
      bySource.set(y.file ?? y.source, [...(bySource.get(y.file ?? y.source) ?? []), y.year]);
    for (const line of formatTable(
      [...bySource].map(([source, ys]) => ({
        years: ys.length > 1 ? `${ys[0]}–${ys.at(-1)}` : String(ys[0]),
        source,
      })),
    ))
      out.data(line);
    if (missing.length) {
      out.note(
        `calendar check: no official calendar for ${missing.join(', ')} (today ${today}); working days there fall back to Monday–Friday. Fix: ${fix}`,
      );
    } else out.note(`calendar check: ok (today ${today}; known through ${last})`);
  }
  return missing.length ? EXIT.failures : EXIT.ok;
}
