/**
 * Benchmark of citizen-identity-number validation on 1,000,000 rows (≈90 % valid, the rest mutated):
 * (a) the SQL macro in DuckDB, (b) `parseCitizenId` in a JS loop, (c) the floor: DuckDB scanning the same
 * column with a trivial predicate. Best of 3 each. Writes `bench/results/identifiers.json`.
 *
 * Run: `npm run bench:identifiers` (optional `-- --rows N`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { citizenIdCheckChar } from '../schemas/checksums.ts';
import { parseCitizenId } from '../schemas/citizen-id.ts';
import { allDivisions } from '../schemas/divisions.ts';
import { openWarehouse } from '../warehouse/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg >= 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
const RUNS = 3;

/** A deterministic PRNG (mulberry32), so every run benchmarks the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(n: number): string[] {
  const rnd = prng(42);
  const int = (k: number): number => Math.floor(rnd() * k);
  const codes = allDivisions()
    .filter((d) => d.level === 3)
    .map((d) => d.code);
  const start = Date.UTC(1930, 0, 1);
  const span = Date.UTC(2020, 0, 1) - start;
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const birth = new Date(start + int(span)).toISOString();
    const body = `${codes[int(codes.length)]}${birth.slice(0, 4)}${birth.slice(5, 7)}${birth.slice(8, 10)}${String(int(1000)).padStart(3, '0')}`;
    let id = body + citizenIdCheckChar(body);
    if (rnd() >= 0.9) {
      const p = int(18);
      switch (int(4)) {
        case 0: // one digit changed
          id =
            id.slice(0, p) + String((Number(id[p] === 'X' ? 0 : id[p]) + 1 + int(9)) % 10) + id.slice(p + 1);
          break;
        case 1: // adjacent swap
          id = p < 17 ? id.slice(0, p) + id[p + 1] + id[p] + id.slice(p + 2) : `${id.slice(0, 17)}Y`;
          break;
        case 2: // truncated
          id = id.slice(0, p);
          break;
        default: // full-width with a lower-case x (valid after normalisation)
          id = [...id.toLowerCase()].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
      }
    }
    out[i] = id;
  }
  return out;
}

async function best<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  let seconds = Number.POSITIVE_INFINITY;
  let result: T | undefined;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    result = await fn();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result: result as T };
}

async function main(): Promise<void> {
  const wh = await openWarehouse({ path: ':memory:' });
  try {
    const ids = generate(ROWS);
    await wh.run('CREATE TABLE bench_ids (id VARCHAR)');
    await wh.append(
      'bench_ids',
      ids.map((id) => [id]),
    );
    // Read the values back once (not timed) so the JS loop sees exactly what DuckDB holds.
    const values = (await wh.all<{ id: string }>('SELECT id FROM bench_ids')).map((r) => r.id);

    const sql = await best(() =>
      wh.value<number>('SELECT count_if(gs_citizen_id_reason(id) IS NULL) FROM bench_ids'),
    );
    const ts = await best(() => {
      let valid = 0;
      for (const v of values) if (parseCitizenId(v).valid) valid++;
      return valid;
    });
    const floor = await best(() => wh.value<number>('SELECT count_if(length(id) = 18) FROM bench_ids'));
    if (sql.result !== ts.result) throw new Error(`SQL and TS disagree: ${sql.result} vs ${ts.result} valid`);

    const row = (s: { seconds: number }) => ({
      seconds: Number(s.seconds.toFixed(4)),
      rowsPerSecond: Math.round(ROWS / s.seconds),
      vsFloor: Number((s.seconds / floor.seconds).toFixed(1)),
    });
    const pkg = JSON.parse(
      readFileSync(join(here, '..', 'node_modules', '@duckdb', 'node-api', 'package.json'), 'utf8'),
    ) as { version: string };
    const duckdb = await wh.value<string>('SELECT version()');
    const result = {
      benchmark: 'citizen identity number validation',
      date: new Date().toISOString(),
      rows: ROWS,
      valid: sql.result,
      runs: RUNS,
      node: process.version,
      duckdb,
      duckdbNodeApi: pkg.version,
      sqlMacro: { query: 'count_if(gs_citizen_id_reason(id) IS NULL)', ...row(sql) },
      tsParse: { loop: 'parseCitizenId(v).valid', ...row(ts) },
      floor: { query: 'count_if(length(id) = 18)', ...row(floor) },
    };
    const out = join(here, 'results', 'identifiers.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
    renameSync(`${out}.tmp`, out);
    const line = (name: string, s: { seconds: number; rowsPerSecond: number; vsFloor: number }): string =>
      `${name.padEnd(34)} ${s.seconds.toFixed(3)} s  ${(s.rowsPerSecond / 1e6).toFixed(2)} M rows/s  ${s.vsFloor}× floor`;
    process.stdout.write(
      [
        `identifiers: ${ROWS.toLocaleString('en')} rows, ${sql.result?.toLocaleString('en')} valid (best of ${RUNS})`,
        line('SQL gs_citizen_id_reason', result.sqlMacro),
        line('TS parseCitizenId', result.tsParse),
        line('floor count_if(length(id) = 18)', result.floor),
        `→ ${out}`,
        '',
      ].join('\n'),
    );
  } finally {
    wh.close();
  }
}

await main();
