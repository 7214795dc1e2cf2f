// The jobs layer: foundations/ (one source per field, SCD2 versions), models/ (theme and topic SQL models and their
// DAG), schedules/ (cron schedules, backfill) and the build that walks the DAG.

export {
  type BuildOptions,
  type BuildSummary,
  buildModel,
  buildProject,
  type NodeOutcome,
  tableOf,
} from './build.ts';
export { BuildError, ScheduleError } from './errors.ts';
export {
  type BuildStep,
  buildFoundation,
  definitionHash,
  type FoundationBuildOptions,
  type FoundationBuildResult,
} from './foundations/build.ts';
export {
  defineFoundation,
  type Foundation,
  type FoundationSpec,
  foundationSchema,
  foundationSources,
  type SourceRef,
  type SourceRefSpec,
  sourceRefSchema,
} from './foundations/define.ts';
export { type DuplicateCollection, duplicateCollection } from './foundations/duplicates.ts';
export { resolveSources } from './foundations/plan.ts';
export { asOfSql, historyTable } from './foundations/versions.ts';
export {
  buildGraph,
  type GraphInput,
  type JobGraph,
  type JobNode,
  selectNodes,
  upstreamDatasets,
} from './models/dag.ts';
export {
  defineModel,
  MODEL_LAYERS,
  type Model,
  type ModelContext,
  type ModelLayer,
  type ModelSpec,
  modelSchema,
} from './models/define.ts';
export { theme } from './models/theme.ts';
export { topic } from './models/topic.ts';
export { type ProjectWithJobs, projectJobs, validateJobs } from './project.ts';
export { type BackfillRange, backfill, inRange } from './schedules/backfill.ts';
export {
  defineSchedule,
  OVERLAP_POLICIES,
  type Schedule,
  type ScheduleSpec,
  scheduleSchema,
} from './schedules/define.ts';
export {
  type ActionOutcome,
  type RunningScheduler,
  type SchedulerActions,
  type SchedulerOptions,
  startScheduler,
} from './schedules/scheduler.ts';
