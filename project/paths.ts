import { isAbsolute, join } from 'node:path';
import { loadDivisionTable } from '../schemas/index.ts';
import { DEFAULT_WAREHOUSE_PATH } from '../warehouse/index.ts';
import { type LoadedProject, loadProject } from './load.ts';

/** The warehouse file of a project: `--warehouse`, else the project's setting, else the default, under its dir. */
export function warehousePathOf(loaded: Pick<LoadedProject, 'project' | 'dir'>, override?: string): string {
  if (override) return override;
  const configured = loaded.project.warehouse ?? DEFAULT_WAREHOUSE_PATH;
  return isAbsolute(configured) ? configured : join(loaded.dir, configured);
}

/**
 * Loads the project of `--project` (or the nearest one upward from the working directory), merges its official division table (if it names one) so the warehouse
 * and the identifier checks see it, and names its warehouse file.
 */
export async function projectAndWarehouse(opts: { project?: string; warehouse?: string }) {
  const loaded = await loadProject(opts.project);
  const table = loaded.project.divisionTable;
  if (table) loadDivisionTable(isAbsolute(table) ? table : join(loaded.dir, table));
  return { loaded, warehousePath: warehousePathOf(loaded, opts.warehouse) };
}
