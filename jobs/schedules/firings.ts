import { startRun, type Warehouse } from '../../warehouse/index.ts';
import type { Schedule } from './define.ts';
import { runScheduleOnce } from './run-once.ts';
import type { Enqueue, FiringResult, Log, ScheduleExecutor, SchedulerOptions } from './scheduler-types.ts';

/** The firings of a running scheduler: how many of each schedule run or wait, and the jobs not yet settled. */
export interface Firings {
  /** Queues a firing, whatever the schedule's overlap policy; resolves when it finished. */
  submit(s: Schedule, firedAt: Date): Promise<FiringResult>;
  /** A cron firing: skipped (and recorded) when the schedule's previous run still goes and overlap is `skip`. */
  fire(s: Schedule, firedAt: Date): void;
  /** From now on, no firing starts: waiting ones are recorded as skipped. */
  stopFiring(): void;
  readonly stopping: boolean;
  /** Resolves when every queued firing settled. */
  settled(): Promise<unknown>;
}

/** The firings of the scheduler, through `enqueue`, each run by `execute` and recorded. */
export function createFirings(options: {
  readonly wh: Warehouse;
  readonly enqueue: Enqueue;
  readonly execute: ScheduleExecutor;
  readonly log: Log | undefined;
  readonly onFinished: SchedulerOptions['onFinished'];
}): Firings {
  const { wh, enqueue, execute, log } = options;
  const active = new Map<string, number>(); // schedule → runs running or waiting
  const pending = new Set<Promise<unknown>>();
  let stopping = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.then(
      () => pending.delete(p),
      () => pending.delete(p),
    );
    return p;
  };

  const run = async (s: Schedule, firedAt: Date, signal: AbortSignal): Promise<FiringResult> => {
    if (stopping) {
      const runId = await startRun(wh, 'schedule', s.name, {
        status: 'skipped',
        error: 'scheduler stopped before this run started',
        details: { firedAt: firedAt.toISOString(), cron: s.cron },
      });
      return { runId, status: 'skipped', errors: [] };
    }
    const { outcome, ...result } = await runScheduleOnce(wh, s, execute, {
      firedAt,
      signal,
      ...(log ? { logger: log } : {}),
    });
    options.onFinished?.(s, result.runId, outcome);
    return result;
  };

  const submit = (s: Schedule, firedAt: Date): Promise<FiringResult> => {
    active.set(s.name, (active.get(s.name) ?? 0) + 1);
    return track(
      enqueue(`schedule ${s.name}`, (signal) => run(s, firedAt, signal)).finally(() =>
        active.set(s.name, (active.get(s.name) ?? 1) - 1),
      ),
    );
  };

  const fire = (s: Schedule, firedAt: Date) => {
    if (stopping) return;
    if ((active.get(s.name) ?? 0) > 0 && s.overlap === 'skip') {
      log?.warn(`schedule ${s.name} skipped: its previous run is still going`);
      void track(
        enqueue(`schedule ${s.name} (skipped)`, () =>
          startRun(wh, 'schedule', s.name, {
            status: 'skipped',
            error: 'overlap: the previous run of this schedule was still going (overlap: skip)',
            details: { firedAt: firedAt.toISOString(), cron: s.cron },
          }),
        ),
      ).catch((error) => log?.warn(`schedule ${s.name}: ${(error as Error).message}`));
      return;
    }
    submit(s, firedAt).catch((error) => log?.error(`schedule ${s.name}: ${(error as Error).message}`));
  };

  return {
    submit,
    fire,
    stopFiring: () => {
      stopping = true;
    },
    get stopping() {
      return stopping;
    },
    settled: () => Promise.allSettled([...pending]),
  };
}
