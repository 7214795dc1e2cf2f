import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Pipeline } from '../pipelines/index.ts';
import { DefinitionError, isGongshuError } from '../schemas/index.ts';
import type { Project } from './define.ts';
import { importTypeScript } from './typescript.ts';

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
  let mod: { default?: unknown };
  try {
    mod = (await importTypeScript(file)) as { default?: unknown };
  } catch (error) {
    // A definition error (a bad pipeline, catalog entry) already says where and how to fix it.
    if (isGongshuError(error)) throw error;
    throw loadError(file, error);
  }
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

/**
 * Why importing the project file failed, as a definition error naming `file:line` (of the config or a file it
 * imports) and the problem: a syntax error, an import that does not resolve, or an error thrown while it ran.
 */
function loadError(file: string, error: unknown): DefinitionError {
  const e = error as Error & {
    code?: string;
    errors?: { text?: string; location?: { file?: string; line?: number; column?: number } }[];
  };
  const message = String(e?.message ?? e);
  const dir = dirname(file);
  // esbuild (tsx): "Transform failed with 1 error:\n/path/file.ts:2:93: ERROR: Expected …"; oxc (vite):
  // "[PARSE_ERROR] Unexpected token\n ╭─[ ../path/file.ts:2:42 ]".
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  const esbuild = /([^\s:]+\.[cm]?[jt]sx?):(\d+):(\d+): ERROR: (.+)/.exec(plain);
  const oxc = /\[[A-Z_]+\]\s*(.+)\n[\s\S]*?\[\s*(\S+\.[cm]?[jt]sx?):(\d+):(\d+)\s*\]/.exec(plain);
  const syntax = esbuild ? esbuild.slice(1, 5) : oxc ? [resolve(oxc[2]!), oxc[3], oxc[4], oxc[1]] : undefined;
  if (syntax) {
    const [where, line, column, what] = syntax;
    return new DefinitionError(
      `${where}:${line}:${column}: syntax error: ${what}. Fix: correct the code there (\`npx tsc --noEmit\` lists every problem)`,
      { file: where, field: 'syntax', fix: 'correct the syntax' },
    );
  }
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') {
    const specifier = /Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1] ?? '';
    const from = /(?:imported from |Require stack:\n- )(\S+)/.exec(message)?.[1] ?? file;
    const line = lineOf(from, specifier);
    const relative = specifier.startsWith('.') || specifier.startsWith('/');
    return new DefinitionError(
      `${from}${line ? `:${line}` : ''}: import ${JSON.stringify(specifier)} does not resolve. Fix: ` +
        (relative
          ? `check the path (relative to ${dirname(from)}) and the file's extension (.ts)`
          : `install the package (npm install ${specifier
              .split('/')
              .slice(0, specifier.startsWith('@') ? 2 : 1)
              .join('/')}) or correct its name`),
      { file: from, field: 'import', fix: 'correct the import' },
    );
  }
  // Thrown while the config ran: the first stack frame in the project's folder says where.
  const frame = (e?.stack ?? '')
    .split('\n')
    .map((l) => /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/.exec(l.trim()))
    .find((m) => m && m[1]!.replace(/^file:\/\//, '').startsWith(dir));
  const where = frame ? `${frame[1]!.replace(/^file:\/\//, '')}:${frame[2]}` : file;
  return new DefinitionError(
    `${where}: ${e?.name ?? 'Error'} while loading the project: ${message}. Fix: correct the code there`,
    { file: where, field: 'project file', fix: 'correct the code' },
  );
}

/** The 1-based line of `file` that mentions `text` (an import specifier), or undefined. */
function lineOf(file: string, text: string): number | undefined {
  if (!text) return undefined;
  try {
    const i = readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(`'${text}'`) || l.includes(`"${text}"`));
    return i >= 0 ? i + 1 : undefined;
  } catch {
    return undefined;
  }
}
