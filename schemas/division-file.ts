/** Reading an official division table file (CSV, yescallop/areacodes `result.csv`, or `code name` lines). */
import { DefinitionError } from './errors.ts';

/** A division as a file gives it. */
export interface DivisionEntry {
  code: string;
  name: string;
  start: number | null;
  /** undefined when the file has no end column (keep what the registry knows). */
  end: number | null | undefined;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function year(text: string | undefined, where: string): number | null {
  if (text === undefined || text === '') return null;
  const y = Number(text.slice(0, 4));
  if (!/^\d{4}/.test(text) || y < 1900 || y > 2200) {
    throw new DefinitionError(`${where}: expected a year (YYYY) or nothing; got ${JSON.stringify(text)}`, {
      fix: 'write years as four digits, e.g. 1981',
    });
  }
  return y;
}

/** Parses the supported division-file formats into entries (one per code, years merged). */
/** The divisions of a file: CSV `code,name[,start,end]`, yescallop/areacodes `result.csv`, or `code name` lines. */
export function parseDivisionFile(text: string, file: string): DivisionEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines[0] ?? '';
  const header = /^\d{6}/.test(first) ? undefined : splitCsvLine(first);
  const yescallop = header?.includes('名称') === true && header.includes('启用时间');
  const col = (names: string[], fallback: number): number => {
    const i = header?.findIndex((h) => names.includes(h.toLowerCase())) ?? -1;
    return i >= 0 ? i : fallback;
  };
  const iCode = col(['code', '代码', '区划代码', '行政区划代码'], 0);
  const iName = col(['name', '名称', '单位名称'], yescallop ? 3 : 1);
  const iStart = col(['start', 'start_year', '启用时间'], yescallop ? 6 : 2);
  const iEnd = col(['end', 'end_year', '变更/弃用时间'], yescallop ? 7 : 3);
  const byCode = new Map<string, DivisionEntry & { end: number | null; latest: number }>();
  let hasEnd = false;
  let minStart = Number.POSITIVE_INFINITY;
  for (let n = header ? 1 : 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${file}:${n + 1}`;
    // MCA/yescallop yearly lists: "110101 东城区" (whitespace separated, no comma).
    const fields = !line.includes(',') && /^\d{6}\s/.test(line) ? line.split(/\s+/, 2) : splitCsvLine(line);
    const code = fields[iCode] ?? '';
    const name = fields[iName] ?? '';
    if (!/^\d{6}$/.test(code) || name === '') {
      throw new DefinitionError(
        `${where}: expected a six-digit code and a name; got ${JSON.stringify(line)}`,
        {
          file,
          fix: 'use CSV "code,name[,start,end]", yescallop/areacodes result.csv, or "code name" lines',
        },
      );
    }
    const start = year(fields[iStart], where);
    // yescallop's 变更/弃用时间 is the year the code stopped: it was still in use during part of that year.
    const end = year(fields[iEnd], where);
    hasEnd ||= fields.length > iEnd;
    if (start !== null) minStart = Math.min(minStart, start);
    const prev = byCode.get(code);
    const latest = start ?? Number.NEGATIVE_INFINITY;
    if (!prev) {
      byCode.set(code, { code, name, start, end, latest });
      continue;
    }
    // A code listed over several periods (renamed): widest span, name of the latest period.
    prev.start = prev.start === null || start === null ? null : Math.min(prev.start, start);
    prev.end = prev.end === null || end === null ? null : Math.max(prev.end, end);
    if (latest >= prev.latest) {
      prev.name = name;
      prev.latest = latest;
    }
  }
  // A start equal to the first year of the file only says "in use when the data begins": unknown start.
  return [...byCode.values()].map(({ code, name, start, end }) => ({
    code,
    name,
    start: yescallop && start === minStart ? null : start,
    end: hasEnd ? end : undefined,
  }));
}
