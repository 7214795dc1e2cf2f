import { finishRun, startRun, type Warehouse } from '../../warehouse/index.ts';
import type { Schedule } from './define.ts';
import type { FiringResult, Log, ScheduleExecutor, ScheduleOutcome } from './scheduler-types.ts';

/**
 * Runs one firing of a schedule now, recorded as a `schedule` run (status, counts, errors); what the scheduler
 * does on each firing, and what `gongshu schedules run NAME` does without a node service.
 */
export async function runScheduleOnce(
  wh: Warehouse,
  s: Schedule,
  execute: ScheduleExecutor,
  options: { firedAt?: Date; signal?: AbortSignal; logger?: Log } = {},
): Promise<FiringResult & { outcome: ScheduleOutcome }> {
  const firedAt = options.firedAt ?? new Date();
  const signal = options.signal ?? new AbortController().signal;
  const log = options.logger;
  const runId = await startRun(wh, 'schedule', s.name, {
    details: { firedAt: firedAt.toISOString(), cron: s.cron, timezone: s.timezone },
  });
  log?.info(`schedule ${s.name} started (${runId})`);
  let outcome: ScheduleOutcome;
  try {
    outcome = await execute(s, { wh, firedAt, runId, signal });
  } catch (error) {
    outcome = { errors: [(error as Error).message] };
  }
  const errors = [...outcome.errors];
  if (signal.aborted) errors.push('aborted: the node stopped; the running load or build was rolled back');
  await finishRun(wh, runId, {
    status: errors.length ? 'failed' : 'succeeded',
    rowsRead: outcome.rowsRead ?? null,
    rowsLoaded: outcome.rowsLoaded ?? null,
    error: errors.length ? errors.join('\n') : null,
    details: { firedAt: firedAt.toISOString(), cron: s.cron, ...outcome.details },
  });
  log?.[errors.length ? 'error' : 'info'](
    `schedule ${s.name} ${errors.length ? 'failed' : 'succeeded'} (${runId})${errors.length ? `: ${errors.join('; ')}` : ''}`,
  );
  return { runId, status: errors.length ? 'failed' : 'succeeded', errors, outcome: { ...outcome, errors } };
}
