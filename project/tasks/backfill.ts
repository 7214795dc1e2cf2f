/** The backfill task: loads a cursor range of an incremental pipeline (a `backfill` run, recorded by the jobs layer). */
import { type BackfillRange, backfill } from '../../jobs/index.ts';
import type { LoadResult } from '../../pipelines/index.ts';
import { ProjectError } from '../errors.ts';
import type { TaskContext } from './context.ts';

const shanghaiDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);

/** The range of a scheduled backfill: the last `days` days up to `at` (Asia/Shanghai), or the fixed range. */
export function backfillRange(
  b: { days: number } | { from: string; to: string },
  at: Date = new Date(),
): BackfillRange {
  if ('from' in b) return { from: b.from, to: b.to };
  const to = shanghaiDay(at);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (b.days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

/** Backfills `pipeline` over `range`; alerts `run-failed` when it fails. */
export async function runBackfillTask(
  ctx: TaskContext,
  pipeline: string,
  range: BackfillRange,
): Promise<LoadResult> {
  const p = ctx.loaded.project.pipelines.find((x) => x.name === pipeline);
  if (!p) {
    throw new ProjectError(
      'unknown-pipeline',
      `backfill: no pipeline named ${JSON.stringify(pipeline)} (known: ${ctx.loaded.project.pipelines.map((x) => x.name).join(', ')}). Fix: name one of those`,
      { pipeline },
    );
  }
  try {
    return await backfill(ctx.wh, p, range);
  } catch (error) {
    ctx.alerts?.emit({
      kind: 'run-failed',
      title: `backfill ${pipeline} ${range.from}..${range.to} failed`,
      lines: [(error as Error).message.split('\n')[0]!],
    });
    throw error;
  }
}
