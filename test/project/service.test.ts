/**
 * `gongshu serve` as a user runs it: a project outside the repository with a schedule, the real CLI in other
 * processes, signals. The scheduled pipeline reads a slow source that answers after SLOW_MS or as soon as the
 * file GATE exists, so a job is running when the test acts, and the test (not the clock) decides when it ends.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/index.ts';
import { until } from '../platform/processes.ts';
import { gongshuIn, logLines, projectFolder, type Running, startIn } from './fixture.ts';

const CONFIG = `
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { citizenId, citizenIdCheckChar, type Connector, definePipeline, defineProject, defineSchedule, memory } from 'gongshu';

const ids = Array.from({ length: 5 }, (_, i) => {
  const body = \`65010219800101\${String(100 + i)}\`;
  return body + citizenIdCheckChar(body);
});
const rows = ids.map((id, i) => [id, \`名\${i}\`]);
const SLOW_MS = Number(process.env.SLOW_MS ?? 3000);
const GATE = process.env.GATE;
const base = memory({ name: 'slow-department', columns: ['id', 'name'], rows });
/**
 * A department database that answers after SLOW_MS, or once the file GATE exists (and stops when the node rolls
 * the load back).
 */
const slowSource: Connector = {
  ...base,
  async *extract(ctx = {}) {
    const end = Date.now() + SLOW_MS;
    while (Date.now() < end && !(GATE && existsSync(GATE))) {
      await sleep(50, undefined, ctx.signal ? { signal: ctx.signal } : {});
    }
    yield* base.extract(ctx);
  },
};

export default defineProject({
  name: 'service_test',
  node: { id: '650102', level: 'county', name: '天山区' },
  pipelines: [
    definePipeline({ name: 'slow', source: slowSource, dataset: { name: 'slow', key: citizenId('id') } }),
    definePipeline({
      name: 'fast',
      source: memory({ name: 'fast-department', columns: ['id', 'name'], rows }),
      dataset: { name: 'fast', key: citizenId('id') },
    }),
  ],
  schedules: [defineSchedule({ name: 'tick', cron: process.env.TICK_CRON ?? '*/2 * * * * *', run: { pipelines: ['slow'] } })],
});
`;

const serve = async (dir: string, env: Record<string, string>, extra: string[] = []): Promise<Running> => {
  const p = startIn(dir, ['serve', '--port', '0', '--json', ...extra], env);
  await until('serve listening', () => p.stdout.includes('"listening"') || p.child.exitCode !== null, 90_000);
  if (!p.stdout.includes('"listening"')) throw new Error(`serve exited ${p.child.exitCode}: ${p.stderr}`);
  return p;
};
const started = (p: Running) => logLines(p).some((l) => /^schedule tick started/.test(l.msg));
const lockFile = (dir: string) => join(dir, '.gongshu', 'warehouse.duckdb.lock');

async function runsOf(dir: string) {
  const wh = await openWarehouse({ path: join(dir, '.gongshu', 'warehouse.duckdb'), readOnly: true });
  try {
    return await wh.all<{
      kind: string;
      target: string;
      status: string;
      error: string | null;
      s: number;
      f: number | null;
    }>(
      `SELECT kind, target, status, error, epoch_ms(started_at) AS s, epoch_ms(finished_at) AS f FROM gongshu.runs ORDER BY started_at`,
    );
  } finally {
    wh.close();
  }
}

describe('gongshu serve with a schedule', () => {
  it('SIGTERM lets the running job finish, releases the lock and exits 0', async () => {
    const dir = projectFolder({ 'gongshu.config.ts': CONFIG });
    const gate = join(dir, 'release');
    const p = await serve(dir, { SLOW_MS: '120000', GATE: gate });
    expect(statSync(join(dir, '.gongshu', 'control.sock')).mode & 0o777).toBe(0o600);
    await until('a scheduled run', () => started(p), 60_000);
    p.child.kill('SIGTERM');
    // The job is still running (held by the gate) when serve starts stopping; then it is let finish.
    await until('stopping', () => logLines(p).some((l) => l.msg.startsWith('serve: stopping')), 30_000);
    writeFileSync(gate, '');
    expect(await p.exited).toBe(0);
    expect(logLines(p).map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'serve: stopping (running: schedule tick; up to 30 s to finish)',
        'serve: stopped; warehouse closed and its lock released',
      ]),
    );
    expect(existsSync(lockFile(dir))).toBe(false);
    expect(existsSync(join(dir, '.gongshu', 'control.sock'))).toBe(false);
    const runs = await runsOf(dir);
    const ticks = runs.filter((r) => r.kind === 'schedule' && r.status !== 'skipped');
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(ticks.every((r) => r.status === 'succeeded')).toBe(true);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
  }, 180_000);

  it('rolls the running job back when it does not finish in --shutdown-timeout, and at once on a second SIGTERM', async () => {
    const dir = projectFolder({ 'gongshu.config.ts': CONFIG });
    const p = await serve(dir, { SLOW_MS: '120000' }, ['--shutdown-timeout', '1']);
    await until('a scheduled run', () => started(p), 60_000);
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(logLines(p).map((l) => l.msg)).toEqual(
      expect.arrayContaining(['serve: the running job did not finish in 1 s: rolling back schedule tick']),
    );
    expect(existsSync(lockFile(dir))).toBe(false);
    let runs = await runsOf(dir);
    expect(runs.find((r) => r.kind === 'schedule')).toMatchObject({ status: 'failed' });
    expect(runs.find((r) => r.kind === 'schedule')!.error).toMatch(/aborted/);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);

    // A second SIGTERM does not wait for the 30 s default.
    const q = await serve(dir, { SLOW_MS: '120000' });
    await until('a scheduled run', () => started(q), 60_000);
    q.child.kill('SIGTERM');
    await until('stopping', () => logLines(q).some((l) => l.msg.startsWith('serve: stopping')), 30_000);
    const t1 = Date.now();
    q.child.kill('SIGTERM');
    expect(await q.exited).toBe(0);
    expect(Date.now() - t1).toBeLessThan(20_000);
    expect(logLines(q).map((l) => l.msg)).toEqual(
      expect.arrayContaining(['serve: stopped again: rolling back schedule tick']),
    );
    expect(existsSync(lockFile(dir))).toBe(false);
    runs = await runsOf(dir);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    const wh = await openWarehouse({ path: join(dir, '.gongshu', 'warehouse.duckdb'), readOnly: true });
    expect(await wh.hasTable('slow')).toBe(false); // both loads rolled back
    wh.close();
  }, 240_000);

  it('takes CLI reads and writes over its control socket while a scheduled job runs: reads at once, writes queued', async () => {
    const dir = projectFolder({ 'gongshu.config.ts': CONFIG });
    // The scheduled load runs until the test creates the gate file: the CLI's write surely finds it running.
    const gate = join(dir, 'release');
    const p = await serve(dir, { SLOW_MS: '120000', GATE: gate });
    await until('a scheduled run', () => started(p), 60_000);
    const read = gongshuIn(join(dir), ['sql', 'SELECT 42 AS answer', '--json']);
    const write = startIn(dir, ['run', 'fast', '--json']);
    await until(
      'the write queued',
      () => /queued by the node service/.test(write.stderr) || write.child.exitCode !== null,
      60_000,
    );
    const list = gongshuIn(dir, ['schedules', '--json']);
    writeFileSync(gate, '');
    expect(await write.exited).toBe(0);
    const written = write.stdout.split('\n').filter(Boolean);
    expect(read).toMatchObject({ code: 0, lines: ['{"answer":42}'] });
    expect(write.stderr).toMatch(
      /gongshu: queued by the node service \(\d+ job\(s\) ahead; running: (schedule tick|gongshu)/,
    );
    expect(JSON.parse(written.at(-1)!)).toMatchObject({ status: 'succeeded', rowsLoaded: 5 });
    expect(JSON.parse(list.lines[0]!)).toMatchObject({
      name: 'tick',
      steps: ['pipelines'],
      timezone: 'Asia/Shanghai',
    });
    // The lock is the service's: a write that did not go through the socket would have been refused.
    const runs = gongshuIn(dir, ['runs', '--json', '--kind', 'pipeline']);
    expect(runs.code).toBe(0);
    // The read answered from a snapshot spooled its usage entry; the service's queue wrote it into the log.
    const sqlReads = () => {
      const r = gongshuIn(dir, ['usage', 'list', '--kind', 'sql-read', '--json']);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.lines.at(-1)!) as unknown[]).length;
    };
    await until('the spooled sql read in the usage log', () => sqlReads() >= 1, 60_000);
    expect(existsSync(join(dir, '.gongshu', 'usage-spool.jsonl'))).toBe(false);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    // No two pipeline runs (the scheduled slow loads and the CLI's fast one) overlapped.
    const pipelines = (await runsOf(dir)).filter((r) => r.kind === 'pipeline' && r.f !== null);
    expect(pipelines.some((r) => r.target === 'fast')).toBe(true);
    const sorted = [...pipelines].sort((a, b) => a.s - b.s);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.s).toBeGreaterThanOrEqual(sorted[i - 1]!.f!);
  }, 240_000);

  it('a command run with --progress leaves DuckDB progress tracking off on the service connection', async () => {
    const dir = projectFolder({ 'gongshu.config.ts': CONFIG });
    // The schedule never fires during the test (1 January only).
    const p = await serve(dir, { TICK_CRON: '0 0 1 1 *' });
    const tracking = () => {
      const r = gongshuIn(dir, [
        'sql',
        '--write',
        "SELECT current_setting('enable_progress_bar') AS p",
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      return r.lines;
    };
    expect(tracking()).toEqual(['{"p":false}']);
    // `run --progress` turns DuckDB's progress tracking on for its load, on the connection the service lends it.
    const run = gongshuIn(dir, ['--progress', 'run', 'fast', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(tracking()).toEqual(['{"p":false}']);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 180_000);

  it('a run whose process was killed shows interrupted at the next start; a stale socket is ignored', async () => {
    const dir = projectFolder({ 'gongshu.config.ts': CONFIG });
    const p = await serve(dir, { SLOW_MS: '120000' });
    await until('a scheduled run', () => started(p), 60_000);
    p.child.kill('SIGKILL');
    await p.exited;
    expect(existsSync(lockFile(dir))).toBe(true);
    const run = gongshuIn(dir, ['run', 'fast']);
    expect(run.code).toBe(0);
    const runs = await runsOf(dir);
    expect(runs.find((r) => r.kind === 'schedule')).toMatchObject({ status: 'interrupted' });
    expect(runs.find((r) => r.kind === 'schedule')!.error).toMatch(
      /^interrupted: the process running it stopped/,
    );
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
  }, 180_000);

  it('refuses a schedule naming an unknown pipeline when the project is defined, before listening (exit 2)', () => {
    const dir = projectFolder({
      'gongshu.config.ts': CONFIG.replace("run: { pipelines: ['slow'] }", "run: { pipelines: ['sloow'] }"),
    });
    const r = gongshuIn(dir, ['serve', '--port', '0', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/listening/);
    expect(r.stderr).toMatch(
      /gongshu\.config\.ts: schedule tick: run\.pipelines: no pipeline named "sloow" \(known: slow, fast\)\. Fix: name a pipeline of the project/,
    );
  });
});
