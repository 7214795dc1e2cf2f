import { isAbsolute, join } from 'node:path';
import { useCalendarFiles } from '../quality/index.ts';
import { loadDivisionTable } from '../schemas/index.ts';
import { DEFAULT_WAREHOUSE_PATH } from '../warehouse/index.ts';
import { type LoadedProject, loadProject } from './load.ts';

/** A path of the config resolved from the project folder (the folder of gongshu.config.ts). */
export function projectPath(loaded: Pick<LoadedProject, 'dir'>, path: string): string {
  return isAbsolute(path) ? path : join(loaded.dir, path);
}

/** The warehouse file of a project: `--warehouse`, else the project's setting, else the default, under its dir. */
export function warehousePathOf(loaded: Pick<LoadedProject, 'project' | 'dir'>, override?: string): string {
  if (override) return override;
  return projectPath(loaded, loaded.project.warehouse ?? DEFAULT_WAREHOUSE_PATH);
}

/**
 * Makes the project's reference data current for this process: its official division table (merged into the
 * built-in one, so the warehouse and the identifier checks see it) and its calendar files (over the package's).
 */
export function useProjectReferenceData(loaded: LoadedProject): void {
  const table = loaded.project.divisionTable;
  if (table) loadDivisionTable(projectPath(loaded, table));
  useCalendarFiles((loaded.project.calendar ?? []).map((c) => projectPath(loaded, c)));
}

/**
 * Loads the project of `--project` (or the nearest one upward from the working directory), makes its
 * reference data current (division table, calendar files) and names its warehouse file.
 */
export async function projectAndWarehouse(opts: {
  project?: string | undefined;
  warehouse?: string | undefined;
}) {
  const loaded = await loadProject(opts.project);
  useProjectReferenceData(loaded);
  return { loaded, warehousePath: warehousePathOf(loaded, opts.warehouse) };
}
