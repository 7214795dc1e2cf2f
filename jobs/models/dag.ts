/**
 * The build DAG: foundations and models as nodes (`foundation.population`, `theme.births_by_county`),
 * datasets as leaves. Validated when the jobs are defined: unknown refs and cycles are definition errors
 * naming the models involved.
 */
import { DefinitionError } from '../errors.ts';
import type { Foundation } from '../foundations/define.ts';
import { foundationSources } from '../foundations/define.ts';
import type { Model } from './define.ts';

/** A buildable node. */
export type JobNode =
  | { readonly id: string; readonly kind: 'foundation'; readonly foundation: Foundation }
  | { readonly id: string; readonly kind: 'model'; readonly model: Model };

/** The validated DAG. */
export interface JobGraph {
  readonly nodes: ReadonlyMap<string, JobNode>;
  /** Node id → the node ids it depends on. */
  readonly deps: ReadonlyMap<string, readonly string[]>;
  /** Node id → the datasets it reads directly. */
  readonly datasets: ReadonlyMap<string, readonly string[]>;
  /** Node ids in dependency order. */
  readonly order: readonly string[];
  /** Resolves a model's ref to a node id (`foundation.x`, `theme.x`, `topic.x`) or `dataset:x`. */
  resolve(ref: string): string | undefined;
}

/** What `buildGraph` checks against. */
export interface GraphInput {
  readonly foundations?: readonly Foundation[];
  readonly models?: readonly Model[];
  /** Dataset names the project loads; when absent, an unresolved bare ref is taken for a dataset. */
  readonly datasets?: readonly string[];
  /** The file to name in errors (the project file). */
  readonly file?: string | undefined;
}

const where = (file: string | undefined, m?: { file?: string }) => m?.file ?? file ?? 'project';

/** Validates foundations and models together and returns the DAG; see the module comment. */
export function buildGraph(input: GraphInput): JobGraph {
  const foundations = input.foundations ?? [];
  const models = input.models ?? [];
  const datasets = input.datasets ? new Set(input.datasets) : undefined;
  const nodes = new Map<string, JobNode>();
  for (const f of foundations) {
    const id = `foundation.${f.name}`;
    if (nodes.has(id)) {
      throw new DefinitionError(
        `${where(input.file, f)}: foundations: the name "${f.name}" is used twice. Fix: give each foundation its own name`,
        { file: input.file, field: 'foundations', fix: 'rename one foundation' },
      );
    }
    nodes.set(id, { id, kind: 'foundation', foundation: f });
  }
  const byName = new Map<string, Model>();
  for (const m of models) {
    const other = byName.get(m.name);
    if (other) {
      throw new DefinitionError(
        `${where(input.file, m)}: models: the name "${m.name}" is used twice (${other.layer}.${other.name}${
          other.file ? ` in ${other.file}` : ''
        } and ${m.layer}.${m.name}). Fix: give each model its own name`,
        { file: m.file ?? input.file, field: 'models', fix: 'rename one model' },
      );
    }
    byName.set(m.name, m);
    nodes.set(`${m.layer}.${m.name}`, { id: `${m.layer}.${m.name}`, kind: 'model', model: m });
  }
  const resolve = (ref: string): string | undefined => {
    const dot = ref.indexOf('.');
    if (dot > 0) return nodes.has(ref) ? ref : undefined;
    const m = byName.get(ref);
    if (m) return `${m.layer}.${m.name}`;
    if (!datasets || datasets.has(ref)) return `dataset:${ref}`;
    return undefined;
  };
  const deps = new Map<string, string[]>();
  const reads = new Map<string, string[]>();
  for (const f of foundations) {
    const sources = foundationSources(f);
    const unknown = datasets ? sources.filter((s) => !datasets.has(s)) : [];
    if (unknown.length) {
      throw new DefinitionError(
        `${where(input.file, f)}: foundation ${f.name}: source ${unknown.map((u) => `"${u}"`).join(', ')} is not a dataset of the project ` +
          `(datasets: ${[...datasets!].join(', ')}). Fix: name a dataset a pipeline loads`,
        { file: f.file ?? input.file, field: 'fields', allowed: [...datasets!].join(', ') },
      );
    }
    deps.set(`foundation.${f.name}`, []);
    reads.set(`foundation.${f.name}`, sources);
  }
  for (const m of models) {
    const id = `${m.layer}.${m.name}`;
    const d: string[] = [];
    const r: string[] = [];
    for (const ref of m.refs) {
      const target = resolve(ref);
      if (!target) {
        const known = [...nodes.keys(), ...(datasets ?? [])].join(', ');
        throw new DefinitionError(
          `${where(input.file, m)}: model ${id}: ref('${ref}') names nothing: no foundation, model or dataset of that name ` +
            `(known: ${known}). Fix: ref one of those, e.g. ref('foundation.population')`,
          { file: m.file ?? input.file, field: 'sql', model: id, ref, allowed: known },
        );
      }
      if (target.startsWith('dataset:')) r.push(target.slice(8));
      else {
        const node = nodes.get(target)!;
        if (m.layer === 'theme' && node.kind === 'model' && node.model.layer === 'topic') {
          throw new DefinitionError(
            `${where(input.file, m)}: model ${id}: ref('${ref}'): a theme model cannot depend on the topic model ${target}; ` +
              'themes are built from foundations and datasets, topics from themes. Fix: make the model a topic, or ref the topic’s inputs',
            { file: m.file ?? input.file, field: 'sql', model: id, ref },
          );
        }
        d.push(target);
      }
    }
    deps.set(id, d);
    reads.set(id, r);
  }
  const order = topoOrder(deps, input.file);
  return { nodes, deps, datasets: reads, order, resolve };
}

/** Orders nodes so every node comes after its dependencies; a cycle is a definition error naming it. */
function topoOrder(deps: ReadonlyMap<string, readonly string[]>, file: string | undefined): string[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id];
      throw new DefinitionError(
        `${file ?? 'project'}: models: ${cycle.join(' → ')} form a cycle; a model cannot depend on itself through refs. ` +
          'Fix: remove one of these ref() calls',
        { file, field: 'models', cycle },
      );
    }
    state.set(id, 'visiting');
    for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of [...deps.keys()].sort()) visit(id, []);
  return order;
}

/**
 * Picks nodes with dbt-style selectors: `x` (that node), `+x` (with everything upstream), `x+` (with
 * everything downstream). `x` is a node id or a bare foundation/model name. Returns ids in build order.
 */
export function selectNodes(graph: JobGraph, selectors: readonly string[]): string[] {
  if (selectors.length === 0) return [...graph.order];
  const chosen = new Set<string>();
  const down = new Map<string, string[]>();
  for (const [id, ds] of graph.deps) for (const d of ds) down.set(d, [...(down.get(d) ?? []), id]);
  const walk = (id: string, next: (id: string) => readonly string[]) => {
    for (const n of next(id)) {
      if (!chosen.has(n)) {
        chosen.add(n);
        walk(n, next);
      }
    }
  };
  for (const raw of selectors) {
    const up = raw.startsWith('+');
    const downstream = raw.endsWith('+');
    const name = raw.replace(/^\+|\+$/g, '');
    const id = graph.nodes.has(name)
      ? name
      : [...graph.nodes.keys()].find((k) => k.slice(k.indexOf('.') + 1) === name);
    if (!id) {
      throw new DefinitionError(
        `build: no foundation or model named "${name}" (known: ${[...graph.nodes.keys()].join(', ')}). Fix: use one of those names`,
        { field: 'MODEL', allowed: [...graph.nodes.keys()].join(', ') },
      );
    }
    chosen.add(id);
    if (up) walk(id, (n) => graph.deps.get(n) ?? []);
    if (downstream) walk(id, (n) => down.get(n) ?? []);
  }
  return graph.order.filter((id) => chosen.has(id));
}

/** The datasets a node reads, directly or through the nodes it depends on. */
export function upstreamDatasets(graph: JobGraph, id: string): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of graph.datasets.get(n) ?? []) out.add(d);
    for (const d of graph.deps.get(n) ?? []) visit(d);
  };
  visit(id);
  return [...out].sort();
}
