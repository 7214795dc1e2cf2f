/**
 * DuckDB macros for department values that are not identifiers.
 * `gs_parse_date(s)`: a DATE from the spellings departments use (2020-01-02, 20200102, 2020/1/2, 2020.01.02,
 * 2020年1月2日, or a timestamp text), NULL for blank or unparseable text. Mirrors `parseDepartmentDate`.
 */
export const VALUE_MACROS: readonly string[] = [
  `CREATE OR REPLACE MACRO gs_parse_date(s) AS (
    CASE WHEN s IS NULL OR trim(s) = '' THEN NULL
    ELSE try_strptime(trim(s), ['%Y-%m-%d', '%Y%m%d', '%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日',
                                '%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S'])::DATE END)`,
];

const DATE_PATTERNS: readonly RegExp[] = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}:\d{2})?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?: \d{1,2}:\d{2}:\d{2})?$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
];

/** Parses a department date spelling to `YYYY-MM-DD`, or null (the TS twin of `gs_parse_date`). */
export function parseDepartmentDate(text: string | null | undefined): string | null {
  const s = text?.trim();
  if (!s) return null;
  for (const re of DATE_PATTERNS) {
    const m = re.exec(s);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
    return date.toISOString().slice(0, 10);
  }
  return null;
}
