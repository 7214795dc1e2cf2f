export { type ColumnPlan, planColumns, SQL_TYPES } from './columns.ts';
export { ContractError, type SchemaChange } from './contract.ts';
export {
  CONTRACTS,
  datasetSpecSchema,
  definePipeline,
  type Pipeline,
  type PipelineSet,
  type PipelineSpec,
  pipelineSpecSchema,
  WRITE_MODES,
} from './define.ts';
export { INGEST_KINDS, type IngestRequest, ingestFile, parseKeyOption } from './ingest.ts';
export { citizenId, KEY_KINDS, type KeySpec, keySpecSchema, uscc } from './key-spec.ts';
export {
  LINEAGE_COLUMNS,
  LOAD_MEMORY_LIMIT,
  type LoadOptions,
  type LoadResult,
  loadPipeline,
  newLoadId,
} from './load.ts';
export {
  type RememberedDataset,
  rememberedDataset,
  rememberedDatasets,
  unknownDatasetError,
} from './remembered.ts';
export { type ReplayFilter, type ReplayResult, replayQuarantine } from './replay.ts';
export {
  type PipelineOutcome,
  type RunOptions,
  type RunSummary,
  runPipelines,
  selectPipelines,
} from './run-pipelines.ts';
