import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DefinitionError } from '../schemas/index.ts';
import type { Project } from './define.ts';

/** The file a project directory must contain. */
export const PROJECT_FILE = 'gongshu.config.ts';

/** A loaded project and the directory it lives in. */
export interface LoadedProject {
  readonly project: Project;
  readonly dir: string;
  readonly file: string;
}

/**
 * Imports `<dir>/gongshu.config.ts` and returns its default export, which must be `defineProject({...})`.
 * Definition errors thrown while importing (a bad pipeline, catalog entry) propagate unchanged.
 */
export async function loadProject(dir = '.'): Promise<LoadedProject> {
  const root = resolve(dir);
  const file = statSync(root, { throwIfNoEntry: false })?.isFile() ? root : join(root, PROJECT_FILE);
  if (!existsSync(file)) {
    throw new DefinitionError(
      `${file}: no project file. Expected ${PROJECT_FILE} in ${root}. ` +
        'Fix: pass --project DIR pointing at a folder with gongshu.config.ts (e.g. --project examples/xinjiang), or create one with export default defineProject({...})',
      {
        file,
        field: '--project',
        allowed: `a directory containing ${PROJECT_FILE}`,
        fix: 'pass --project DIR',
      },
    );
  }
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const project = mod.default as Project | undefined;
  if (
    !project ||
    typeof project !== 'object' ||
    !Array.isArray((project as Project).pipelines) ||
    !Object.isFrozen(project)
  ) {
    throw new DefinitionError(
      `${file}: default export: expected a project made by defineProject({...}); got ${typeof project}. ` +
        'Fix: export default defineProject({ name, node, pipelines })',
      {
        file,
        field: 'default export',
        allowed: 'defineProject({...})',
        fix: 'export default defineProject(...)',
      },
    );
  }
  return { project, dir: dirname(file), file };
}
