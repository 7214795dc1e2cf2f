import type { Logger } from 'pino';
import { GongshuError, newId } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { finishRun, startRun } from '../warehouse/index.ts';
import type { Pipeline, PipelineSet } from './define.ts';
import { type LoadResult, loadPipeline } from './load.ts';

/** The outcome of one pipeline within a run. */
export type PipelineOutcome =
  | ({ readonly status: 'succeeded' } & LoadResult)
  | {
      readonly status: 'failed';
      readonly pipeline: string;
      readonly dataset: string;
      readonly error: string;
      readonly code: string;
    };

/** What `runPipelines` did. */
export interface RunSummary {
  readonly runId: string;
  readonly project: string;
  readonly status: 'succeeded' | 'failed';
  readonly startedAt: string;
  readonly seconds: number;
  readonly rowsRead: number;
  readonly rowsLoaded: number;
  readonly rowsQuarantined: number;
  readonly pipelines: readonly PipelineOutcome[];
}

/** Options of `runPipelines`. */
export interface RunOptions {
  /** Run only these pipelines (by name), in project order. Defaults to all. */
  readonly only?: readonly string[];
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Progress of the current pipeline: its name and rows read so far. */
  readonly onProgress?: (pipeline: string, rowsRead: number) => void;
  readonly signal?: AbortSignal;
}

/** Picks pipelines by name; an unknown name is an error listing the known ones. */
export function selectPipelines(project: PipelineSet, names: readonly string[] = []): Pipeline[] {
  if (names.length === 0) return [...project.pipelines];
  const known = new Map(project.pipelines.map((p) => [p.name, p]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw new GongshuError(
      'unknown-pipeline',
      `project ${project.name}: no pipeline named ${unknown.map((n) => JSON.stringify(n)).join(', ')}. ` +
        `Known: ${[...known.keys()].join(', ')}. Fix: use one of those names`,
      { details: { unknown, known: [...known.keys()] } },
    );
  }
  return project.pipelines.filter((p) => names.includes(p.name));
}

/**
 * Runs a project's pipelines one after another, each load in its own transaction, and records the run in
 * `gongshu.runs`. A failing pipeline is recorded and the others still run; the run then has status `failed`.
 */
export async function runPipelines(
  wh: Warehouse,
  project: PipelineSet,
  options: RunOptions = {},
): Promise<RunSummary> {
  const pipelines = selectPipelines(project, options.only);
  const started = new Date();
  const t0 = performance.now();
  const runId = await startRun(wh, 'pipeline', pipelines.map((p) => p.name).join(','), {
    runId: newId('run', started),
    at: started,
  });
  const outcomes: PipelineOutcome[] = [];
  for (const pipeline of pipelines) {
    try {
      const result = await loadPipeline(wh, pipeline, {
        runId,
        ...(options.onProgress ? { onProgress: (n: number) => options.onProgress?.(pipeline.name, n) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      options.logger?.info(
        `load ${pipeline.name} → ${result.rowsLoaded.toLocaleString('en')} rows (${result.rowsQuarantined.toLocaleString('en')} quarantined) in ${result.seconds.toFixed(1)} s`,
      );
      outcomes.push({ status: 'succeeded', ...result });
    } catch (error) {
      const e = error as Error;
      options.logger?.error({ err: e }, `load ${pipeline.name} failed: ${e.message}`);
      outcomes.push({
        status: 'failed',
        pipeline: pipeline.name,
        dataset: pipeline.dataset.name,
        error: e.message,
        code: error instanceof GongshuError ? error.code : 'internal',
      });
    }
  }
  const ok = outcomes.filter(
    (o): o is Extract<PipelineOutcome, { status: 'succeeded' }> => o.status === 'succeeded',
  );
  const sum = (f: (o: LoadResult) => number) => ok.reduce((a, o) => a + f(o), 0);
  const summary: RunSummary = {
    runId,
    project: project.name,
    status: ok.length === outcomes.length ? 'succeeded' : 'failed',
    startedAt: started.toISOString(),
    seconds: (performance.now() - t0) / 1000,
    rowsRead: sum((o) => o.rowsRead),
    rowsLoaded: sum((o) => o.rowsLoaded),
    rowsQuarantined: sum((o) => o.rowsQuarantined),
    pipelines: outcomes,
  };
  const failed = outcomes.filter((o) => o.status === 'failed');
  await finishRun(wh, runId, {
    status: summary.status,
    rowsRead: summary.rowsRead,
    rowsLoaded: summary.rowsLoaded,
    rowsQuarantined: summary.rowsQuarantined,
    error: failed.length
      ? failed.map((f) => `${f.pipeline}: ${'error' in f ? f.error : ''}`).join('\n')
      : null,
    details: outcomes,
  });
  return summary;
}
