/** `gongshu init DIR`: writes a working project (see templates.ts and sample.ts) into a new or empty folder. */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { getDivision, NODE_LEVELS } from '../../schemas/index.ts';
import { DefinitionError } from '../errors.ts';
import { sampleCsv } from './sample.ts';
import { config, gitignore, packageJson, readme, type ScaffoldSpec, tsconfigJson } from './templates.ts';

/** Options of `scaffoldProject`. */
export interface ScaffoldOptions {
  /** The node's division code; defaults to 650102 (乌鲁木齐市天山区). */
  readonly node?: string | undefined;
  readonly level?: 'county' | 'prefecture' | 'region' | undefined;
  /** Defaults to the division's name. */
  readonly name?: string | undefined;
  /** The gongshu dependency of package.json (`file:…` or a version range). */
  readonly gongshu: string;
}

/** What `scaffoldProject` wrote. */
export interface ScaffoldResult {
  readonly dir: string;
  readonly files: readonly string[];
  readonly spec: ScaffoldSpec;
}

/** The project name from a folder name: lower-case letters, digits and _. */
function projectName(dir: string): string {
  const n = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '');
  return n || 'node';
}

/** Writes a new project into `dir` (created; refused when it exists and is not empty). */
export function scaffoldProject(dir: string, options: ScaffoldOptions): ScaffoldResult {
  const root = resolve(dir);
  if (existsSync(root)) {
    if (!statSync(root).isDirectory() || readdirSync(root).length > 0) {
      throw new DefinitionError(
        `${root}: init: the folder is not empty. Fix: gongshu init a new folder (e.g. gongshu init ${basename(root)}-node), or empty this one`,
        { file: root, field: 'DIR', allowed: 'a new or empty folder', fix: 'choose a new folder' },
      );
    }
  }
  const code = options.node ?? '650102';
  if (!/^\d{6}$/.test(code)) {
    throw new DefinitionError(
      `--node: expected a six-digit GB/T 2260 division code; got ${JSON.stringify(code)}. Fix: --node 650102`,
      {
        field: '--node',
        allowed: 'six digits',
        fix: '--node 650102',
      },
    );
  }
  const division = getDivision(code);
  const name = options.name ?? division?.name;
  if (!name) {
    throw new DefinitionError(
      `--node ${code}: not a known division code, so its name is unknown. Fix: pass --name, e.g. --name 天山区`,
      { field: '--name', fix: '--name NAME' },
    );
  }
  const level = options.level ?? 'county';
  if (!NODE_LEVELS.includes(level)) {
    throw new DefinitionError(`--level: expected ${NODE_LEVELS.join(', ')}; got ${level}`, {
      field: '--level',
    });
  }
  const spec: ScaffoldSpec = {
    name: projectName(root),
    node: { id: code, level, name },
    gongshu: options.gongshu,
  };
  const files: [string, string | Buffer][] = [
    ['package.json', packageJson(spec)],
    ['tsconfig.json', tsconfigJson()],
    ['gongshu.config.ts', config(spec)],
    ['data/hukou.csv', sampleCsv(code)],
    ['.gitignore', gitignore()],
    ['README.md', readme(spec)],
  ];
  for (const [file, content] of files) {
    const path = join(root, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  return { dir: root, files: files.map(([f]) => f), spec };
}
