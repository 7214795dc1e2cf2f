// The jobs layer: foundation / theme / topic builds, their DAG and runs, the scheduler and backfill.
export { type BackfillRange, backfill, inRange } from './backfill.ts';
export {
  BACKFLOW_SCHEMA,
  type BackflowOptions,
  type BackflowResult,
  requestBackflow,
} from './backflow.ts';
export {
  type BuildOptions,
  type BuildSummary,
  buildModel,
  buildProject,
  type NodeOutcome,
  tableOf,
} from './build.ts';
export {
  buildGraph,
  type GraphInput,
  type JobGraph,
  type JobNode,
  selectNodes,
  upstreamDatasets,
} from './dag.ts';
export { type DuplicateCollection, duplicateCollection } from './duplicates.ts';
export { BuildError, ScheduleError } from './errors.ts';
export {
  type BuildStep,
  buildFoundation,
  definitionHash,
  type FoundationBuildOptions,
  type FoundationBuildResult,
} from './foundation.ts';
export {
  defineFoundation,
  type Foundation,
  type FoundationSpec,
  foundationSchema,
  foundationSources,
  type SourceRef,
  type SourceRefSpec,
  sourceRefSchema,
} from './foundation-define.ts';
export { resolveSources } from './foundation-plan.ts';
export { asOfSql, historyTable } from './history.ts';
export {
  defineModel,
  MODEL_LAYERS,
  type Model,
  type ModelContext,
  type ModelLayer,
  type ModelSpec,
  modelSchema,
} from './model-define.ts';
export { type ProjectWithJobs, projectJobs, validateJobs } from './project.ts';
export { PUSH_PURPOSE, type PushedBatch, type PushOptions, type PushSummary, pushUpward } from './push.ts';
export { finishRun, listRuns, newRunId, type RunRecord, startRun } from './runs.ts';
export {
  type ActionOutcome,
  type RunningScheduler,
  type SchedulerActions,
  type SchedulerOptions,
  startScheduler,
} from './scheduler.ts';
export {
  defineSchedule,
  OVERLAP_POLICIES,
  type Schedule,
  type ScheduleSpec,
  scheduleSchema,
} from './scheduler-define.ts';
export { ensureJobTables, JOB_TABLES } from './state.ts';
export { theme } from './theme.ts';
export { topic } from './topic.ts';
