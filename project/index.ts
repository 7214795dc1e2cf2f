// The project layer: `defineProject` (the node's registry), loading gongshu.config.ts and resolving the
// project's paths. It sits above jobs/, platform/ and reports/; nothing below imports it.
export { defineProject, type Project, type ProjectSpec, projectSpecSchema } from './define.ts';
export { findProjectDir, type LoadedProject, loadProject, PROJECT_FILE, projectFileOf } from './load.ts';
export { projectAndWarehouse, warehousePathOf } from './paths.ts';
