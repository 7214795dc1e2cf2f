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
import { type QualityReport, runQuality } from '../quality/index.ts';
import { isGongshuError, quoteIdent as q } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { finishRun, newRunId, startRun } from '../warehouse/index.ts';
import { type BuildStep, buildFoundation, type FoundationBuildResult } from './foundations/build.ts';
import { type JobGraph, selectNodes, upstreamDatasets } from './models/dag.ts';
import type { Gate, Model } from './models/define.ts';
import { builtTablesOf, type ProjectWithJobs, projectJobs } from './project.ts';

/** Options of `buildProject`. */
export interface BuildOptions {
  /** Selectors: `x`, `+x` (with upstream), `x+` (with downstream). Defaults to every node. */
  readonly select?: readonly string[];
  /** Rebuild foundations fully instead of incrementally. */
  readonly fullRefresh?: boolean;
  /** Nodes in flight at once (SQL still runs one node at a time). Defaults to 1. */
  readonly concurrency?: number;
  /** Apply quality gates to models (per model `gate`); false builds blocked models too. Defaults to true. */
  readonly gates?: boolean;
  readonly now?: Date;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Called when a node starts building (for progress displays). */
  readonly onStart?: (node: string) => void;
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
  /** `blocked`: a quality gate kept the model from being built (its previous table is kept). */
  readonly status: 'succeeded' | 'failed' | 'skipped' | 'blocked';
  readonly runId: string;
  readonly rows: number | null;
  readonly reason: string | null;
  readonly seconds: number;
  readonly foundation?: FoundationBuildResult;
  /** What blocked the model: the upstream dataset and the rule or threshold. */
  readonly blockedBy?: readonly GateFailure[];
  /** Failing upstream rules a `warn` gate let through. */
  readonly warnings?: readonly string[];
  /** The error code of a failed node (`definition` for a mistake in the definition). */
  readonly code?: string;
}

/** One reason a quality gate blocks (or, for a `warn` gate, warns about) a model. */
export interface GateFailure {
  readonly dataset: string;
  /** The failing rule id, or `score` / `dimension:<name>` for a threshold. */
  readonly rule: string;
  readonly message: string;
}

/** What `buildProject` did. */
export interface BuildSummary {
  readonly buildId: string;
  /** `failed` when a node failed, else `blocked` when a gate blocked a selected model, else `succeeded`. */
  readonly status: 'succeeded' | 'failed' | 'blocked';
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

/**
 * The quality of the datasets gated models read, assessed once per build (no history written); for an upstream
 * built table with declared rules, assessed once it is built (`nodeGate`).
 */
async function gateQuality(
  wh: Warehouse,
  project: ProjectWithJobs,
  datasets: readonly string[],
): Promise<Map<string, QualityReport['datasets'][number]>> {
  if (!datasets.length) return new Map();
  const report = await runQuality(wh, {
    datasets,
    definitions: project.quality ?? [],
    builtTables: builtTablesOf(project),
    history: false,
    failOn: null,
  });
  return new Map(report.datasets.map((d) => [d.dataset, d]));
}

const RANK = { error: 2, warn: 1, info: 0 } as const;
const pct = (x: number | null) =>
  x === null ? '—' : `${(x * 100).toFixed(x >= 0.9995 || x === 0 ? 0 : 2)}%`;

/** What a gate finds wrong with the upstream datasets of a model (empty: nothing). */
export function gateFailures(
  gate: Gate,
  datasets: readonly string[],
  quality: ReadonlyMap<string, QualityReport['datasets'][number]>,
): GateFailure[] {
  if (gate === 'none') return [];
  const severity = typeof gate === 'string' ? 'error' : gate.rules;
  const out: GateFailure[] = [];
  for (const name of datasets) {
    const d = quality.get(name);
    if (!d) continue;
    if (severity !== 'none') {
      for (const r of d.rules) {
        if (r.status !== 'fail' || RANK[r.severity] < RANK[severity]) continue;
        out.push({
          dataset: name,
          rule: r.id,
          message: `${name} fails ${r.severity} rule ${r.id} (pass rate ${pct(r.passRate)} < mostly ${pct(r.mostly)})`,
        });
      }
    }
    if (typeof gate === 'object') {
      if (gate.score !== undefined && (d.score ?? 0) < gate.score) {
        out.push({
          dataset: name,
          rule: 'score',
          message: `${name} scores ${d.score ?? '—'} < ${gate.score}`,
        });
      }
      for (const [dim, min] of Object.entries(gate.dimensions ?? {})) {
        const got = d.dimensions[dim as keyof typeof d.dimensions]?.score ?? null;
        if (got !== null && got < (min as number)) {
          out.push({
            dataset: name,
            rule: `dimension:${dim}`,
            message: `${name} ${dim} scores ${got} < ${min}`,
          });
        }
      }
    }
  }
  return out;
}

/** The built nodes upstream of a node (transitively) that have declared quality rules: their gates apply. */
function gatedAncestors(graph: JobGraph, id: string, declared: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const visit = (n: string) => {
    for (const d of graph.deps.get(n) ?? []) {
      if (out.has(d)) continue;
      if (declared.has(d)) out.add(d);
      visit(d);
    }
  };
  visit(id);
  return [...out].sort();
}

/** The quality of one dataset or built table, as a gate reads it. */
type DatasetQuality = QualityReport['datasets'][number];

/** One build in progress: what it builds, its options, the lock, the outcomes so far, and the gates' quality. */
interface BuildRun {
  readonly wh: Warehouse;
  readonly project: ProjectWithJobs;
  readonly graph: JobGraph;
  readonly ids: readonly string[];
  readonly buildId: string;
  readonly options: BuildOptions;
  readonly withLock: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly outcomes: Map<string, NodeOutcome>;
  /** Built tables with declared rules (defineQuality('topic.x', …)): each assessed once, after it is built. */
  readonly declared: ReadonlySet<string>;
  readonly nodeGates: Map<string, Promise<DatasetQuality | undefined>>;
  /** The quality of every dataset a gated model reads, assessed once (when the first gated model needs it). */
  gates?: Promise<Map<string, DatasetQuality>>;
}

/** A node of the graph. */
type GraphNode = NonNullable<ReturnType<JobGraph['nodes']['get']>>;

/** Builds a project's foundations and models; see the module comment. Never throws for a failing node. */
export async function buildProject(
  wh: Warehouse,
  project: ProjectWithJobs,
  options: BuildOptions = {},
): Promise<BuildSummary> {
  const t0 = performance.now();
  const { graph } = projectJobs(project);
  const ids = selectNodes(graph, options.select ?? []);
  const run: BuildRun = {
    wh,
    project,
    graph,
    ids,
    buildId: newRunId('build', options.now ?? new Date()),
    options,
    withLock: lock(),
    outcomes: new Map(),
    declared: new Set((project.quality ?? []).map((q) => q.dataset).filter((d) => graph.nodes.has(d))),
    nodeGates: new Map(),
  };
  await scheduleNodes(run, (id) => runNode(run, id));
  const nodes = ids.map((id) => run.outcomes.get(id)!);
  return {
    buildId: run.buildId,
    status: nodes.some((n) => n.status === 'failed')
      ? 'failed'
      : nodes.some((n) => n.status === 'blocked')
        ? 'blocked'
        : 'succeeded',
    nodes,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Event-driven: a node enters the queue once all its selected dependencies have an outcome. */
async function scheduleNodes(run: BuildRun, build: (id: string) => Promise<NodeOutcome>): Promise<void> {
  const { ids, graph, outcomes } = run;
  const queue = new PQueue({ concurrency: Math.max(1, run.options.concurrency ?? 1) });
  const selected = new Set(ids);
  const waiting = new Map(ids.map((id) => [id, (graph.deps.get(id) ?? []).filter((d) => selected.has(d))]));
  await new Promise<void>((resolve, reject) => {
    const enqueue = (id: string) => {
      waiting.delete(id);
      queue
        .add(async () => {
          outcomes.set(id, await build(id));
          for (const [other, deps] of waiting) if (deps.every((d) => outcomes.has(d))) enqueue(other);
          if (outcomes.size === ids.length) resolve();
        })
        .catch(reject);
    };
    if (ids.length === 0) resolve();
    for (const [id, deps] of [...waiting]) if (deps.length === 0) enqueue(id);
  });
}

/** The quality of a built table with declared rules, assessed once it is built (undefined: not built). */
function nodeGate(run: BuildRun, node: string): Promise<DatasetQuality | undefined> {
  let g = run.nodeGates.get(node);
  if (!g) {
    g = run.withLock(async () => {
      if (!(await run.wh.hasTable(node))) return undefined;
      return (await gateQuality(run.wh, run.project, [node])).get(node);
    });
    run.nodeGates.set(node, g);
  }
  return g;
}

/** Every dataset the selected gated models read. */
function gateDatasets(run: BuildRun): string[] {
  const all = new Set<string>();
  for (const id of run.ids) {
    const n = run.graph.nodes.get(id)!;
    if (n.kind === 'model' && n.model.gate !== 'none')
      for (const d of upstreamDatasets(run.graph, id)) all.add(d);
  }
  return [...all].sort();
}

/** Builds one node: skipped when an upstream node did not succeed or the build stopped; gated models first. */
async function runNode(run: BuildRun, id: string): Promise<NodeOutcome> {
  const { options } = run;
  const node = run.graph.nodes.get(id)!;
  const n0 = performance.now();
  const details = { build: run.buildId, ...(options.parentRunId ? { parent: options.parentRunId } : {}) };
  const blocked = (run.graph.deps.get(id) ?? []).filter((d) => {
    const o = run.outcomes.get(d);
    return o && o.status !== 'succeeded';
  });
  if (blocked.length) {
    return skipNode(
      run,
      id,
      node,
      details,
      `upstream ${blocked.map((b) => `${b} ${run.outcomes.get(b)!.status}`).join(', ')}; previous table kept`,
    );
  }
  if (options.signal?.aborted)
    return skipNode(run, id, node, details, 'build stopped before this node started');
  let warnings: string[] = [];
  if (node.kind === 'model' && node.model.gate !== 'none' && (options.gates ?? true)) {
    const gated = await modelGate(run, id, node.model.gate, details);
    if ('outcome' in gated) return gated.outcome;
    warnings = gated.warnings;
  }
  return run.withLock(() => buildNode(run, id, node, details, warnings, n0));
}

/** Records a node as skipped, with the reason. */
async function skipNode(
  run: BuildRun,
  id: string,
  node: GraphNode,
  details: Record<string, unknown>,
  reason: string,
): Promise<NodeOutcome> {
  const runId = await run.withLock(() =>
    startRun(run.wh, 'build', id, { status: 'skipped', error: reason, details: { ...details, reason } }),
  );
  run.options.logger?.warn(`build ${id} skipped: ${reason}`);
  return { node: id, kind: node.kind, status: 'skipped', runId, rows: null, reason, seconds: 0 };
}

/**
 * Applies a model's quality gate to its upstream datasets and gated built tables: the outcome of a blocked
 * model (recorded), else the warnings of a `warn` gate (none when nothing fails).
 */
async function modelGate(
  run: BuildRun,
  id: string,
  gate: Gate,
  details: Record<string, unknown>,
): Promise<{ outcome: NodeOutcome } | { warnings: string[] }> {
  run.gates ??= run.withLock(() => gateQuality(run.wh, run.project, gateDatasets(run)));
  const quality = new Map(await run.gates);
  const ancestors = gatedAncestors(run.graph, id, run.declared);
  for (const a of ancestors) {
    const q = await nodeGate(run, a);
    if (q) quality.set(a, q);
  }
  const failures = gateFailures(gate, [...upstreamDatasets(run.graph, id), ...ancestors], quality);
  if (failures.length && gate === 'warn') {
    const warnings = failures.map((f) => `quality gate (warn): upstream ${f.message}`);
    for (const w of warnings) run.options.logger?.warn(`build ${id}: ${w}`);
    return { warnings };
  }
  if (!failures.length) return { warnings: [] };
  const reason = `quality gate: upstream ${failures.map((f) => f.message).join('; ')}; previous table kept`;
  const runId = await run.withLock(() =>
    startRun(run.wh, 'build', id, {
      status: 'blocked',
      error: reason,
      details: { ...details, reason, blockedBy: failures },
    }),
  );
  run.options.logger?.warn(`build ${id} blocked: ${reason}`);
  return {
    outcome: {
      node: id,
      kind: 'model',
      status: 'blocked',
      runId,
      rows: null,
      reason,
      seconds: 0,
      blockedBy: failures,
    },
  };
}

/** Builds a foundation or a model under the lock, recorded as a run; a failure is an outcome, not a throw. */
async function buildNode(
  run: BuildRun,
  id: string,
  node: GraphNode,
  details: Record<string, unknown>,
  warnings: string[],
  n0: number,
): Promise<NodeOutcome> {
  const { wh, options } = run;
  options.onStart?.(id);
  const runId = await startRun(wh, 'build', id, { details });
  try {
    if (node.kind === 'foundation') return await buildFoundationNode(run, id, node, details, runId);
    const warned = warnings.length ? { warnings } : {};
    const rows = await buildModel(wh, run.graph, node.model);
    await options.onStep?.(id, 'model');
    const seconds = (performance.now() - n0) / 1000;
    await finishRun(wh, runId, {
      status: 'succeeded',
      rowsLoaded: rows,
      details: { ...details, seconds, ...warned },
    });
    options.logger?.info(`build ${id} → ${rows.toLocaleString('en')} rows in ${seconds.toFixed(1)} s`);
    return { node: id, kind: node.kind, status: 'succeeded', runId, rows, reason: null, seconds, ...warned };
  } catch (error) {
    const message = (error as Error).message;
    const code = isGongshuError(error) ? error.code : 'internal';
    await finishRun(wh, runId, { status: 'failed', error: message, details: { ...details, code } });
    options.logger?.error(`build ${id} failed: ${message}`);
    return {
      node: id,
      kind: node.kind,
      status: 'failed',
      code,
      runId,
      rows: null,
      reason: message,
      seconds: (performance.now() - n0) / 1000,
    };
  }
}

/** Builds a foundation node (full or incremental) and records its run. */
async function buildFoundationNode(
  run: BuildRun,
  id: string,
  node: GraphNode & { kind: 'foundation' },
  details: Record<string, unknown>,
  runId: string,
): Promise<NodeOutcome> {
  const { wh, options } = run;
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
    `build ${id} → ${r.rows.toLocaleString('en')} rows (${r.mode}: ${r.reason}; ${r.keysRecomputed.toLocaleString('en')} keys, ${r.conflicts.toLocaleString('en')} conflicts) in ${r.seconds.toFixed(1)} s${
      r.computed
        ? `; computed in ${r.computed.parts} part${r.computed.parts === 1 ? '' : 's'} (${Object.entries(
            r.computed.sources,
          )
            .map(([s, how]) => `${s}: ${how}`)
            .join(', ')}${r.computed.recomputed ? '; again, as the load ledger was wrong' : ''})`
        : ''
    }`,
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
