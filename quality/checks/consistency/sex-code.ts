/** Sex as departments spell it, as the GB/T 2261.1 code, in SQL. */

/** SQL mapping department sex spellings (男, 男性, M, 1 / 女, 女性, F, 2) to the GB/T 2261.1 code, else NULL. */
export function sexCodeSql(v: string): string {
  const s = `CAST(${v} AS VARCHAR)`;
  const t = `upper(trim(${s}))`;
  const male = `'1', '男', '男性', 'M'`;
  const female = `'2', '女', '女性', 'F'`;
  // The spellings as stored are looked up first, so that only unusual values pay for trim and upper.
  return `(CASE WHEN ${s} IN (${male}) THEN '1' WHEN ${s} IN (${female}) THEN '2' WHEN ${t} IN (${male}, 'MALE') THEN '1' WHEN ${t} IN (${female}, 'FEMALE') THEN '2' END)`;
}
