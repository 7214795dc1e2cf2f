/** Reads the jobs of a project (`foundations`, `models`, `schedules` of `defineProject`). */
import type { PipelineSet } from '../pipelines/index.ts';
import type { BuiltTable, DatasetQuality } from '../quality/index.ts';
import type { Foundation } from './foundations/define.ts';
import { buildGraph, type JobGraph } from './models/dag.ts';
import type { Model } from './models/define.ts';
import type { Schedule } from './schedules/define.ts';

/** A project as the jobs layer reads it (`defineProject` in project/ makes one). */
export type ProjectWithJobs = PipelineSet & {
  readonly foundations?: readonly Foundation[];
  readonly models?: readonly Model[];
  readonly schedules?: readonly Schedule[];
  readonly quality?: readonly DatasetQuality[];
};

/** The jobs of a project and their validated DAG (a definition error when refs are unknown or cyclic). */
export function projectJobs(project: ProjectWithJobs): {
  foundations: readonly Foundation[];
  models: readonly Model[];
  schedules: readonly Schedule[];
  graph: JobGraph;
} {
  const p = project;
  const foundations = p.foundations ?? [];
  const models = p.models ?? [];
  const graph = buildGraph({
    foundations,
    models,
    datasets: project.pipelines.map((x) => x.dataset.name),
    file: project.file,
  });
  return { foundations, models, schedules: p.schedules ?? [], graph };
}

/**
 * Validates a project's jobs when it is defined: call from `defineProject` with the parsed spec.
 * Throws a DefinitionError naming the models for unknown refs, cycles, duplicate names, or foundation
 * sources that no pipeline loads.
 */
export function validateJobs(spec: {
  pipelines: readonly { dataset: { name: string } }[];
  foundations?: readonly Foundation[];
  models?: readonly Model[];
  file?: string | undefined;
}): JobGraph {
  return buildGraph({
    foundations: spec.foundations ?? [],
    models: spec.models ?? [],
    datasets: spec.pipelines.map((p) => p.dataset.name),
    file: spec.file,
  });
}

/**
 * The tables a project builds, as the quality engine assesses them: each foundation (its key, its compared
 * fields, always assessed) and each theme/topic model (assessed when rules are declared for it).
 */
export function builtTablesOf(project: Pick<ProjectWithJobs, 'foundations' | 'models'>): BuiltTable[] {
  return [
    ...(project.foundations ?? []).map((f) => ({
      name: `foundation.${f.name}`,
      title: f.title,
      keyKind: f.key,
      keyColumn: f.keyColumn,
      conflictFields: Object.keys(f.others),
      always: true,
    })),
    ...(project.models ?? []).map((m) => ({
      name: `${m.layer}.${m.name}`,
      title: m.title,
      keyKind: null,
      keyColumn: null,
    })),
  ];
}
