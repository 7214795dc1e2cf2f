/**
 * What validating the citizen-ID key costs DuckDB, shape by shape, on the ingest bench's UTF-8 file (all columns
 * as text, `CREATE TABLE AS`), to choose the cheapest correct form before changing the macros: the division check
 * as the macros' mark join (`IN (SELECT code FROM gongshu.divisions)`), as an explicit LEFT JOIN, as an integer
 * IN, or left out; the reason through `gs_citizen_id_reason(s)` (normalises inside a correlated scalar subquery)
 * or as the loader does (normalise once, then `gs__cid_reason`). Shapes alternate in each round; wall and process
 * CPU seconds (DuckDB's threads included), median and best.
 *
 *   npx tsx bench/key-check.ts [--rows 1000000] [--rounds 3]
 *
 * Writes bench/results/key-check.json.
 */

import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openWarehouse } from '../warehouse/index.ts';
import { requireCount, requireRows } from './inputs.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const ROWS = Number(arg('--rows', '1000000'));
const ROUNDS = Number(arg('--rounds', '3'));
const file = `/tmp/gongshu-bench-ingest/people-${ROWS}-utf8.csv`;
await requireRows(file, ROWS).catch((e: Error) => {
  throw new Error(`${e.message} (generate it with: npx tsx bench/ingest.ts --generate --rows ${ROWS})`);
});
const db = `/tmp/gongshu-bench-key-check-${process.pid}.duckdb`;
rmSync(db, { force: true });
const wh = await openWarehouse({ path: db });
const K = '"公民身份号码"';
const GLOB = `${'[0-9]'.repeat(17)}[0-9X]`;
const src = `read_csv('${file}', all_varchar = true)`;
const checks = (division: string) =>
  `['missing', 'format', 'checksum', 'birth-date'${division ? ", 'division'" : ''}][list_position([n IS NULL OR n = '', NOT (n GLOB '${GLOB}'), gs__cid_check_b(b) <> substr(n, 18, 1), gs__bad_ymd(CAST((b // 1000) % 100000000 AS INTEGER))${division ? `, ${division}` : ''}], true)]`;
const bound = (division: string) =>
  `SELECT *, ${checks(division)} AS _reason FROM (SELECT *, TRY_CAST(substr(n, 1, 17) AS BIGINT) AS b FROM (SELECT *, gs_citizen_id_normalize(${K}) AS n FROM ${src}))`;
const SHAPES: Record<string, string> = {
  text: `SELECT * FROM ${src}`,
  normalizeOnly: `SELECT * REPLACE (gs_citizen_id_normalize(${K}) AS ${K}) FROM ${src}`,
  reasonOfRaw: `SELECT * REPLACE (gs_citizen_id_normalize(${K}) AS ${K}), gs_citizen_id_reason(${K}) AS _reason FROM ${src}`,
  reasonOfNormalized: `SELECT *, gs__cid_reason(${K}) AS _reason FROM (SELECT * REPLACE (gs_citizen_id_normalize(${K}) AS ${K}) FROM ${src})`,
  divisionMarkJoin: bound('NOT substr(n, 1, 6) IN (SELECT code FROM gongshu.divisions)'),
  divisionIntegerIn: bound(
    'NOT (b // 100000000000) IN (SELECT TRY_CAST(code AS BIGINT) FROM gongshu.divisions)',
  ),
  divisionLeftJoin: `SELECT x.* EXCLUDE (_r0), coalesce(x._r0, CASE WHEN d.code IS NULL THEN 'division' END) AS _reason
    FROM (SELECT *, ${checks('')} AS _r0 FROM (SELECT *, TRY_CAST(substr(n, 1, 17) AS BIGINT) AS b FROM (SELECT *, gs_citizen_id_normalize(${K}) AS n FROM ${src}))) AS x
    LEFT JOIN gongshu.divisions AS d ON d.code = substr(x.n, 1, 6)`,
  noDivision: bound(''),
};
const load = { start: loadavg().map((x) => +x.toFixed(2)), end: [] as number[] };
const wall: Record<string, number[]> = {};
const cpu: Record<string, number[]> = {};
const reasons: Record<string, string> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, sql] of Object.entries(SHAPES)) {
    const c = process.cpuUsage();
    const t = performance.now();
    await wh.run(`CREATE OR REPLACE TABLE t AS ${sql}`);
    const u = process.cpuUsage(c);
    wall[name] = [...(wall[name] ?? []), (performance.now() - t) / 1000];
    cpu[name] = [...(cpu[name] ?? []), (u.user + u.system) / 1e6];
    if (r === 0) {
      requireCount(name, Number(await wh.value<number>('SELECT count(*) FROM t')), ROWS);
      if (name !== 'text' && name !== 'normalizeOnly')
        reasons[name] = JSON.stringify(
          await wh.all(`SELECT _reason, count(*)::INTEGER AS n FROM t GROUP BY ALL ORDER BY ALL`),
        );
    }
    await wh.run('DROP TABLE t');
  }
}
wh.close();
rmSync(db, { force: true });
load.end = loadavg().map((x) => +x.toFixed(2));
const med = (xs: number[]) => +[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(3);
const best = (xs: number[]) => +Math.min(...xs).toFixed(3);
// Every validating shape must give the same reasons (noDivision only where the file has no division failure).
const validating = Object.entries(reasons).filter(([k]) => k !== 'noDivision');
if (new Set(validating.map(([, v]) => v)).size !== 1)
  throw new Error(`shapes disagree: ${JSON.stringify(reasons)}`);
const result = {
  benchmark: 'the citizen-ID key check in DuckDB, shape by shape',
  date: new Date().toISOString(),
  rows: ROWS,
  rounds: ROUNDS,
  loadAverage: load,
  shapes: Object.fromEntries(
    Object.keys(SHAPES).map((k) => [
      k,
      {
        wall: { median: med(wall[k]!), best: best(wall[k]!) },
        cpu: { median: med(cpu[k]!), best: best(cpu[k]!) },
      },
    ]),
  ),
  reasons: validating[0]![1],
};
writeFileSync(new URL('./results/key-check.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
