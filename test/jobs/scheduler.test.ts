import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type Connector, memory } from '../../connectors/index.ts';
import { defineSchedule, startScheduler } from '../../jobs/index.ts';
import { listRuns, openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { until } from '../platform/processes.ts';
import { ids, memPipeline, projectWith } from './helpers.ts';

const KEYS = ids(3);

/** Reads started and finished by a slow source (the test waits on these, never on the clock). */
interface Reads {
  started: number;
  finished: number;
}

/** A source that takes `ms` to read (honouring the abort signal), like a slow department database. */
function slow(ms: number, reads: Reads): Connector {
  const inner = memory({ name: 'slow', columns: ['id', 'name'], rows: KEYS.map((k) => [k, '甲']) });
  return {
    ...inner,
    async *extract(ctx = {}) {
      reads.started++;
      await sleep(ms, undefined, ctx.signal ? { signal: ctx.signal } : {});
      yield* inner.extract(ctx);
      reads.finished++;
    },
  };
}

/**
 * A schedule firing every second whose load reads for `ms`. With `ms` over a second, every read spans a firing
 * whatever the machine's speed (a slower machine only adds firings).
 */
const project = (overlap: 'skip' | 'queue', ms: number, reads: Reads) =>
  projectWith([memPipeline('slow', ['id', 'name'], [], { source: slow(ms, reads) })], {
    schedules: [
      defineSchedule({ name: 'every-second', cron: '* * * * * *', run: { pipelines: ['slow'] }, overlap }),
    ],
  });
const WAIT_MS = 60_000;

async function scheduleRuns(wh: Warehouse) {
  return (await listRuns(wh, { kind: 'schedule', limit: 100 })).reverse();
}

function assertSerial(runs: Awaited<ReturnType<typeof scheduleRuns>>) {
  const ran = runs.filter((r) => r.status !== 'skipped');
  for (let i = 1; i < ran.length; i++) {
    expect(Date.parse(ran[i]!.started_at)).toBeGreaterThanOrEqual(Date.parse(ran[i - 1]!.finished_at!));
  }
}

describe('scheduler (real node-cron, firing every second)', () => {
  it('overlap "skip": a firing while the previous run is going is recorded as skipped', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const reads = { started: 0, finished: 0 };
    const s = await startScheduler(project('skip', 1600, reads), { warehouse: wh });
    // The second read done: the first run finished, and a firing came during its 1.6 s read.
    await until('two reads', () => reads.finished >= 2, WAIT_MS);
    await s.stop();
    const runs = await scheduleRuns(wh);
    const by = (st: string) => runs.filter((r) => r.status === st);
    expect(by('succeeded').length).toBeGreaterThanOrEqual(1);
    expect(by('skipped').length).toBeGreaterThanOrEqual(1);
    expect(by('running')).toEqual([]);
    expect(by('skipped')[0]!.error).toBe(
      'overlap: the previous run of this schedule was still going (overlap: skip)',
    );
    assertSerial(runs);
    const pipelineRuns = await listRuns(wh, { kind: 'pipeline' });
    expect(pipelineRuns.length).toBe(by('succeeded').length);
    wh.close();
  }, 120_000);

  it('overlap "queue": firings wait their turn; stop() finishes the running one and drops the waiting ones', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const reads = { started: 0, finished: 0 };
    const s = await startScheduler(project('queue', 1600, reads), { warehouse: wh });
    // The third read started: two runs finished, and more than three firings came in their 3.2 s or more.
    await until('a third read', () => reads.started >= 3, WAIT_MS);
    await s.stop();
    const runs = await scheduleRuns(wh);
    expect(runs.filter((r) => r.status === 'skipped' && r.error?.startsWith('overlap'))).toEqual([]);
    expect(runs.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(2);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    // firings still waiting at stop() are recorded, not lost
    const dropped = runs.filter((r) => r.status === 'skipped');
    for (const d of dropped) expect(d.error).toBe('scheduler stopped before this run started');
    expect(runs.length).toBeGreaterThanOrEqual(4);
    assertSerial(runs);
    wh.close();
  }, 120_000);

  it('stop({ abort: true }) cancels the running load and rolls it back', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const reads = { started: 0, finished: 0 };
    const s = await startScheduler(project('skip', 60_000, reads), { warehouse: wh });
    await until('the first firing reading the slow source', () => reads.started >= 1, WAIT_MS);
    await s.stop({ abort: true });
    const runs = await scheduleRuns(wh);
    expect(runs[0]).toMatchObject({ status: 'failed' });
    expect(runs[0]!.error).toMatch(/slow/);
    expect(await wh.hasTable('slow')).toBe(false);
    expect(await wh.value('SELECT count(*) FROM gongshu.loads')).toBe(0);
    wh.close();
  }, 120_000);

  it('refuses unknown targets when it starts, not at 2 a.m.', async () => {
    const p = projectWith([memPipeline('slow', ['id', 'name'], [])], {
      schedules: [defineSchedule({ name: 'x', cron: '0 2 * * *', run: { pipelines: ['nope'] } })],
    });
    await expect(startScheduler(p)).rejects.toThrow(/no pipeline named "nope"/);
  });
});
