/** Records a task as one row of the runs table (`gongshu.runs`) and alerts when it fails. */
import { finishRun, startRun } from '../../warehouse/index.ts';
import type { TaskContext } from './context.ts';

/** What a recorded task reports back for its run row. */
export interface RecordedOutcome<T> {
  readonly value: T;
  readonly status?: 'succeeded' | 'failed';
  readonly error?: string | null;
  readonly rowsRead?: number | null;
  readonly rowsLoaded?: number | null;
  readonly details?: Record<string, unknown>;
}

/**
 * Runs `fn` as a run of `kind` on `target`: a `running` row first, then its status, counts, error and details.
 * A thrown error marks the run failed, alerts `run-failed`, and is rethrown.
 */
export async function recorded<T>(
  ctx: TaskContext,
  kind: string,
  target: string,
  fn: (runId: string) => Promise<RecordedOutcome<T>>,
): Promise<{ runId: string; value: T }> {
  const parent = ctx.parentRunId ? { parent: ctx.parentRunId } : {};
  const runId = await startRun(ctx.wh, kind, target, { details: parent });
  let outcome: RecordedOutcome<T>;
  try {
    outcome = await fn(runId);
  } catch (error) {
    const message = (error as Error).message;
    await finishRun(ctx.wh, runId, { status: 'failed', error: message, details: parent }).catch(
      () => undefined,
    );
    ctx.alerts?.emit({
      kind: 'run-failed',
      title: `${kind} ${target} failed`,
      lines: [message.split('\n')[0]!.slice(0, 500)],
      runId,
    });
    throw error;
  }
  await finishRun(ctx.wh, runId, {
    status: outcome.status ?? 'succeeded',
    rowsRead: outcome.rowsRead ?? null,
    rowsLoaded: outcome.rowsLoaded ?? null,
    error: outcome.error ?? null,
    details: { ...parent, ...outcome.details },
  });
  if (outcome.status === 'failed') {
    ctx.alerts?.emit({
      kind: 'run-failed',
      title: `${kind} ${target} failed`,
      lines: (outcome.error ?? '').split('\n').filter(Boolean).slice(0, 10),
      runId,
    });
  }
  return { runId, value: outcome.value };
}
