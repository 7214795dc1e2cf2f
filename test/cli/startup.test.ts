/**
 * Commands import only what they use (issue #21): `--version`, `--help` and an ingest of a CSV file, run as the
 * installed command (bin/gongshu.js → dist/), never load the drivers and libraries of other sources and
 * commands. The modules a process loaded are listed by test/helpers/module-trace.mjs. No timing is asserted:
 * how fast it starts is measured by bench/startup.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Packages a CSV ingest, `--version` and `--help` have no use for. */
const UNUSED = ['exceljs', 'pg', 'mysql2', 'apache-arrow', 'echarts', 'fastify'];

/** Runs the installed command with the module trace; returns its result and the packages it loaded. */
function traced(args: string[], cwd: string) {
  const trace = join(tempDir('gongshu-trace-'), 'modules.txt');
  writeFileSync(trace, '');
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      join(REPO_ROOT, 'test/helpers/module-trace.mjs'),
      join(REPO_ROOT, 'bin/gongshu.js'),
      ...args,
    ],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', GONGSHU_MODULE_TRACE: trace },
      timeout: 120_000,
    },
  );
  const packages = new Set(
    readFileSync(trace, 'utf8')
      .split('\n')
      .flatMap((line) => [...line.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]!)),
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, packages };
}

describe('the installed command loads only what the command uses', () => {
  it('--version loads no command, no schema and no DuckDB API beyond the bindings', () => {
    const r = traced(['--version'], tempDir('gongshu-cwd-'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^gongshu \d+\.\d+\.\d+ \(DuckDB v\d+\.\d+\.\d+, Node\.js v\d+/);
    expect(r.packages.has('@duckdb/node-bindings')).toBe(true); // the trace sees packages at all
    for (const p of [...UNUSED, 'zod', 'commander', '@duckdb/node-api', 'tsx'])
      expect(r.packages.has(p), `${p} loaded`).toBe(false);
  });

  it('--help loads no driver, chart, HTTP server, DuckDB or TypeScript loader', () => {
    const r = traced(['--help'], tempDir('gongshu-cwd-'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: gongshu');
    expect(r.packages.has('commander')).toBe(true);
    for (const p of [...UNUSED, '@duckdb/node-api', 'tsx'])
      expect(r.packages.has(p), `${p} loaded`).toBe(false);
  });

  it('an ingest of a CSV file loads DuckDB but none of the other sources’ libraries', () => {
    const dir = tempDir('gongshu-ingest-');
    writeFileSync(
      join(dir, 'people.csv'),
      '公民身份号码,姓名\n11010519491231002X,张三\n110105194912310021,李四\n',
    );
    const r = traced(
      [
        'ingest',
        'people.csv',
        '--dataset',
        'hukou',
        '--key',
        'citizen-id:公民身份号码',
        '--warehouse',
        'w.duckdb',
        '--json',
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsLoaded: 1, rowsQuarantined: 1 });
    expect(r.packages.has('@duckdb/node-api')).toBe(true);
    for (const p of UNUSED) expect(r.packages.has(p), `${p} loaded`).toBe(false);
  });
});
