// The jobs layer: foundations/ (one source per field, SCD2 versions), models/ (theme and topic SQL models and their
// DAG), schedules/ (cron schedules, backfill) and the build that walks the DAG.

export {
  type BuildOptions,
  type BuildSummary,
  buildModel,
  buildProject,
  type GateFailure,
  gateFailures,
  type NodeOutcome,
  tableOf,
} from './build.ts';
export { BuildError, ScheduleError } from './errors.ts';
export {
  type BuildStep,
  buildFoundation,
  definitionHash,
  FOUNDATION_MEMORY_LIMIT,
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
export { type FreshRowsHow, type PartRows, ROWS_PER_PART } from './foundations/fresh-rows.ts';
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
  type Gate,
  gateSchema,
  gateThresholdsSchema,
  MODEL_LAYERS,
  type Model,
  type ModelContext,
  type ModelLayer,
  type ModelSpec,
  modelSchema,
} from './models/define.ts';
export { theme } from './models/theme.ts';
export { topic } from './models/topic.ts';
export { builtTablesOf, type ProjectWithJobs, projectJobs, validateJobs } from './project.ts';
export { type BackfillRange, backfill, inRange } from './schedules/backfill.ts';
export {
  defineSchedule,
  nextFirings,
  OVERLAP_POLICIES,
  SCHEDULE_STEPS,
  type Schedule,
  type ScheduledBackfill,
  type ScheduleSpec,
  type ScheduleStep,
  scheduleRunSchema,
  scheduleSchema,
  scheduleSteps,
} from './schedules/define.ts';
export {
  type ActionOutcome,
  type Enqueue,
  type FiringResult,
  type RunningScheduler,
  runJobSteps,
  runScheduleOnce,
  type ScheduleContext,
  type ScheduleExecutor,
  type ScheduleOutcome,
  type SchedulerActions,
  type SchedulerOptions,
  startScheduler,
} from './schedules/scheduler.ts';
