import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Pipeline } from '../pipelines/index.ts';
import { DefinitionError } from '../schemas/index.ts';
import type { Project } from './define.ts';

/** The file a project directory must contain. */
export const PROJECT_FILE = 'gongshu.config.ts';

/** A loaded project and the directory it lives in. */
export interface LoadedProject {
  /** The project, with every connector's relative paths resolved from `dir`. */
  readonly project: Project;
  /** The folder of gongshu.config.ts: every relative path of the config resolves from it. */
  readonly dir: string;
  readonly file: string;
}

/** The nearest folder at or above `start` holding gongshu.config.ts, or undefined. */
export function findProjectDir(start = process.cwd()): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, PROJECT_FILE))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The project file a `--project` value names: a gongshu.config.ts file, a folder holding one, or (no value)
 * the nearest folder upward from the working directory holding one. Undefined when there is none.
 */
export function projectFileOf(project?: string): string | undefined {
  if (project === undefined) {
    const dir = findProjectDir();
    return dir ? join(dir, PROJECT_FILE) : undefined;
  }
  const root = resolve(project);
  const file = statSync(root, { throwIfNoEntry: false })?.isFile() ? root : join(root, PROJECT_FILE);
  return existsSync(file) ? file : undefined;
}

/** The pipeline with its connector's relative paths resolved from `dir`. */
function resolvedPipeline(p: Pipeline, dir: string): Pipeline {
  const source = p.source.withBaseDir?.(dir);
  return source ? Object.freeze({ ...p, source }) : p;
}

/**
 * Imports gongshu.config.ts (of `dir`, or the nearest one upward from the working directory when `dir` is
 * undefined) and returns its default export, which must be `defineProject({...})`, with every connector's
 * relative paths resolved from the config's folder. Definition errors thrown while importing (a bad pipeline,
 * catalog entry) propagate unchanged.
 */
export async function loadProject(dir?: string): Promise<LoadedProject> {
  const file = projectFileOf(dir);
  if (!file) {
    const where = dir === undefined ? `${process.cwd()} or any folder above it` : resolve(dir);
    throw new DefinitionError(
      `${dir === undefined ? process.cwd() : resolve(dir)}: no project file. Expected ${PROJECT_FILE} in ${where}. ` +
        'Fix: run the command inside a project folder, pass --project DIR pointing at a folder with gongshu.config.ts (e.g. --project examples/xinjiang), or create one with gongshu init DIR',
      {
        file: dir === undefined ? process.cwd() : resolve(dir),
        field: '--project',
        allowed: `a directory containing ${PROJECT_FILE}`,
        fix: 'pass --project DIR, or gongshu init DIR',
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
  const root = dirname(file);
  const resolved: Project = Object.freeze({
    ...project,
    pipelines: Object.freeze(project.pipelines.map((p) => resolvedPipeline(p, root))),
  }) as Project;
  return { project: resolved, dir: root, file };
}
