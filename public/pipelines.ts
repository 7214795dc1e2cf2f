/**
 * `gongshu/pipelines`: the pipelines layer, plus `defineProject` (which lives in the project layer since the
 * architecture moves; configs written as `import { defineProject } from 'gongshu/pipelines'` keep working).
 */
export * from '../pipelines/index.ts';
export { defineProject, type Project, type ProjectSpec } from '../project/index.ts';
