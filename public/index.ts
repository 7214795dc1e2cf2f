/**
 * The package root, `import { … } from 'gongshu'`: everything a gongshu.config.ts needs in one import —
 * connectors, pipelines, the catalog and identifiers, quality rules, foundations, models and schedules, and
 * `defineProject`. Each layer is also its own entry (`gongshu/connectors`, `gongshu/pipelines`, …).
 * @example
 * import { citizenId, csv, definePipeline, defineProject } from 'gongshu';
 */
export * from '../connectors/index.ts';
export * from '../jobs/index.ts';
export * from '../pipelines/index.ts';
export * from '../project/index.ts';
export * from '../quality/index.ts';
export * from '../schemas/index.ts';
