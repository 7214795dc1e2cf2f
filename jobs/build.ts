/**
 * `buildProject`: builds the selected foundations and models in dependency order, each in its own
 * transaction, each recorded in `gongshu.runs` (kind `build`, target `foundation.x` / `theme.x` / `topic.x`).
 *
 * Concurrency: nodes are scheduled on a p-queue as soon as their dependencies are done, at `concurrency`
 * (default 1). The warehouse is one DuckDB connection, and a transaction belongs to the connection, so the
 * SQL of the nodes runs one node at a time behind a lock; the queue decides order and lets non-SQL work
 * (quality gates' bookkeeping, logging, future remote steps) overlap. DuckDB parallelises each query itself.
 */
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { runQuality } from '../quality/index.ts';
import { isGongshuError, quoteIdent as q } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { finishRun, newRunId, startRun } from '../warehouse/index.ts';
import { type BuildStep, buildFoundation, type FoundationBuildResult } from './foundations/build.ts';
import { type JobGraph, selectNodes, upstreamDatasets } from './models/dag.ts';
import type { Model } from './models/define.ts';
import { type ProjectWithJobs, projectJobs } from './project.ts';

/** Options of `buildProject`. */
export interface BuildOptions {
  /** Selectors: `x`, `+x` (with upstream), `x+` (with downstream). Defaults to every node. */
  readonly select?: readonly string[];
  /** Rebuild foundations fully instead of incrementally. */
  readonly fullRefresh?: boolean;
  /** Nodes in flight at once (SQL still runs one node at a time). Defaults to 1. */
  readonly concurrency?: number;
  /** Apply quality gates to models (per model `gate`). Defaults to true. */
  readonly gates?: boolean;
  readonly now?: Date;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Called after each foundation build step (tests inject failures here). */
  readonly onStep?: (node: string, step: BuildStep | 'model') => void | Promise<void>;
  /** Stops scheduling new nodes; the running node finishes (or its transaction rolls back on error). */
  readonly signal?: AbortSignal;
  /** The parent run (a schedule), recorded in each node's details. */
  readonly parentRunId?: string;
}

/** The outcome of one node. */
export interface NodeOutcome {
  readonly node: string;
  readonly kind: 'foundation' | 'model';
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly runId: string;
  readonly rows: number | null;
  readonly reason: string | null;
  readonly seconds: number;
  readonly foundation?: FoundationBuildResult;
}

/** What `buildProject` did. */
export interface BuildSummary {
  readonly buildId: string;
  readonly status: 'succeeded' | 'failed';
  readonly nodes: readonly NodeOutcome[];
  readonly seconds: number;
}

/** Quoted table of a node id (`foundation.population` → `foundation."population"`) or dataset. */
export function tableOf(graph: JobGraph, ref: string): string {
  const id = graph.resolve(ref)!;
  if (id.startsWith('dataset:')) return q(id.slice(8));
  const dot = id.indexOf('.');
  return `${id.slice(0, dot)}.${q(id.slice(dot + 1))}`;
}

/** Serialises warehouse work: one node's SQL at a time on the single connection. */
function lock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}

/** Builds a model into `<layer>.<name>` atomically: into `<name>__building`, then drop + rename, one transaction. */
export async function buildModel(wh: Warehouse, graph: JobGraph, model: Model): Promise<number> {
  const sql = model.render((ref) => tableOf(graph, ref));
  const building = `${model.layer}.${q(`${model.name}__building`)}`;
  const target = `${model.layer}.${q(model.name)}`;
  return wh.transaction(async () => {
    await wh.run(`CREATE OR REPLACE TABLE ${building} AS ${sql}`);
    const rows = (await wh.value<number>(`SELECT count(*) FROM ${building}`)) ?? 0;
    await wh.run(`DROP TABLE IF EXISTS ${target}`);
    await wh.run(`ALTER TABLE ${building} RENAME TO ${q(model.name)}`);
    return rows;
  });
}

/** Failing error-severity rules per dataset (a quality gate), computed once per build for the datasets asked. */
async function failingGates(
  wh: Warehouse,
  project: ProjectWithJobs,
  datasets: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!datasets.length) return out;
  const report = await runQuality(wh, {
    datasets,
    definitions: project.quality ?? [],
    history: false,
    failOn: null,
  });
  for (const d of report.datasets) {
    const failing = d.rules.filter((r) => r.severity === 'error' && r.status === 'fail').map((r) => r.id);
    if (failing.length) out.set(d.dataset, failing);
  }
  return out;
}

/** Builds a project's foundations and models; see the module comment. Never throws for a failing node. */
export async function buildProject(
  wh: Warehouse,
  project: ProjectWithJobs,
  options: BuildOptions = {},
): Promise<BuildSummary> {
  const t0 = performance.now();
  const { graph } = projectJobs(project);
  const ids = selectNodes(graph, options.select ?? []);
  const buildId = newRunId('build', options.now ?? new Date());
  const withLock = lock();
  const outcomes = new Map<string, NodeOutcome>();
  const gatesWanted = options.gates ?? true;
  let gates: Promise<Map<string, string[]>> | undefined;
  const gateDatasets = () => {
    const all = new Set<string>();
    for (const id of ids) {
      const n = graph.nodes.get(id)!;
      if (n.kind === 'model' && n.model.gate === 'error')
        for (const d of upstreamDatasets(graph, id)) all.add(d);
    }
    return [...all].sort();
  };

  const runNode = async (id: string): Promise<NodeOutcome> => {
    const node = graph.nodes.get(id)!;
    const n0 = performance.now();
    const details = { build: buildId, ...(options.parentRunId ? { parent: options.parentRunId } : {}) };
    const skip = async (reason: string): Promise<NodeOutcome> => {
      const runId = await withLock(() =>
        startRun(wh, 'build', id, { status: 'skipped', error: reason, details: { ...details, reason } }),
      );
      options.logger?.warn(`build ${id} skipped: ${reason}`);
      return { node: id, kind: node.kind, status: 'skipped', runId, rows: null, reason, seconds: 0 };
    };
    const blocked = (graph.deps.get(id) ?? []).filter((d) => {
      const o = outcomes.get(d);
      return o && o.status !== 'succeeded';
    });
    if (blocked.length) {
      return skip(
        `upstream ${blocked.map((b) => `${b} ${outcomes.get(b)!.status}`).join(', ')}; previous table kept`,
      );
    }
    if (options.signal?.aborted) return skip('build stopped before this node started');
    if (node.kind === 'model' && node.model.gate === 'error' && gatesWanted) {
      gates ??= withLock(() => failingGates(wh, project, gateDatasets()));
      const failing = await gates;
      const bad = upstreamDatasets(graph, id).filter((d) => failing.has(d));
      if (bad.length) {
        return skip(
          `quality gate: upstream ${bad
            .map((d) => `${d} fails error rule ${failing.get(d)!.join(', ')}`)
            .join('; ')}; previous table kept`,
        );
      }
    }
    return withLock(async () => {
      const runId = await startRun(wh, 'build', id, { details });
      try {
        if (node.kind === 'foundation') {
          const r = await buildFoundation(wh, node.foundation, {
            runId,
            ...(options.fullRefresh ? { fullRefresh: true } : {}),
            ...(options.now ? { now: options.now } : {}),
            ...(options.onStep ? { onStep: (s: BuildStep) => options.onStep?.(id, s) } : {}),
          });
          await finishRun(wh, runId, {
            status: 'succeeded',
            rowsLoaded: r.rows,
            details: { ...details, ...r },
          });
          options.logger?.info(
            `build ${id} → ${r.rows.toLocaleString('en')} rows (${r.mode}: ${r.reason}; ${r.keysRecomputed.toLocaleString('en')} keys, ${r.conflicts.toLocaleString('en')} conflicts) in ${r.seconds.toFixed(1)} s`,
          );
          return {
            node: id,
            kind: node.kind,
            status: 'succeeded',
            runId,
            rows: r.rows,
            reason: `${r.mode}: ${r.reason}`,
            seconds: r.seconds,
            foundation: r,
          };
        }
        const rows = await buildModel(wh, graph, node.model);
        await options.onStep?.(id, 'model');
        const seconds = (performance.now() - n0) / 1000;
        await finishRun(wh, runId, {
          status: 'succeeded',
          rowsLoaded: rows,
          details: { ...details, seconds },
        });
        options.logger?.info(`build ${id} → ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s`);
        return { node: id, kind: node.kind, status: 'succeeded', runId, rows, reason: null, seconds };
      } catch (error) {
        const message = (error as Error).message;
        await finishRun(wh, runId, {
          status: 'failed',
          error: message,
          details: { ...details, code: isGongshuError(error) ? error.code : 'internal' },
        });
        options.logger?.error(`build ${id} failed: ${message}`);
        return {
          node: id,
          kind: node.kind,
          status: 'failed',
          runId,
          rows: null,
          reason: message,
          seconds: (performance.now() - n0) / 1000,
        };
      }
    });
  };

  // Event-driven: a node enters the queue once all its selected dependencies have an outcome.
  const queue = new PQueue({ concurrency: Math.max(1, options.concurrency ?? 1) });
  const selected = new Set(ids);
  const waiting = new Map(ids.map((id) => [id, (graph.deps.get(id) ?? []).filter((d) => selected.has(d))]));
  await new Promise<void>((resolve, reject) => {
    const enqueue = (id: string) => {
      waiting.delete(id);
      queue
        .add(async () => {
          outcomes.set(id, await runNode(id));
          for (const [other, deps] of waiting) if (deps.every((d) => outcomes.has(d))) enqueue(other);
          if (outcomes.size === ids.length) resolve();
        })
        .catch(reject);
    };
    if (ids.length === 0) resolve();
    for (const [id, deps] of [...waiting]) if (deps.length === 0) enqueue(id);
  });
  const nodes = ids.map((id) => outcomes.get(id)!);
  return {
    buildId,
    status: nodes.every((n) => n.status !== 'failed') ? 'succeeded' : 'failed',
    nodes,
    seconds: (performance.now() - t0) / 1000,
  };
}
