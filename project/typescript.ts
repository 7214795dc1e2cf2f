/**
 * Importing a project's TypeScript (gongshu.config.ts and the files it imports) from wherever gongshu runs.
 * Run from its sources (tsx, vitest), the TypeScript loader is already there. Run as the compiled package
 * (`dist/`, the installed command), Node cannot import `.ts` by itself: the first TypeScript import registers
 * tsx (both hooks, as `node --import tsx` does: a config outside an ESM package loads as CommonJS), so a command
 * that imports no TypeScript (`--version`, `validate`, `--help`) never loads it. Imports of gongshu's own sources
 * are sent to their compiled modules (typescript-hooks.ts), keeping one copy of gongshu in the process.
 */
import { createRequire, register } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The folders of the package compiled to dist/ (scripts/build-js.ts builds them). */
export const COMPILED_LAYERS = [
  'schemas',
  'warehouse',
  'connectors',
  'pipelines',
  'quality',
  'jobs',
  'platform',
  'governance',
  'reports',
  'project',
  'public',
  'cli',
];

/** Whether this module is the compiled JavaScript under dist/ (else a TypeScript loader runs the sources). */
const COMPILED = import.meta.url.endsWith('.js');

/** The root of the gongshu package (the folder of its package.json), from its sources or its dist/. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), COMPILED ? '../..' : '..');

let registered: Promise<void> | undefined;

/** Registers tsx and the redirect of gongshu's sources to dist/, once. */
async function registerTypeScript(): Promise<void> {
  const [{ register: registerCommonJs }, { register: registerEsm }] = await Promise.all([
    import('tsx/cjs/api'),
    import('tsx/esm/api'),
  ]);
  const Module = createRequire(import.meta.url)('node:module') as {
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
    _extensions: Record<string, (module: unknown, filename: string) => void>;
  };
  const nodeJs = Module._extensions['.js']!;
  registerCommonJs();
  registerEsm();
  const data = { root: pathToFileURL(PACKAGE_ROOT + sep).href, layers: COMPILED_LAYERS };
  // Registered after tsx, so it runs first and sees what tsx resolved.
  register(new URL('./typescript-hooks.js', import.meta.url), { data });
  const { compiledUrl } = (await import(new URL('./typescript-hooks.js', import.meta.url).href)) as {
    compiledUrl: (url: string, r: typeof data) => string;
  };
  // CommonJS (a config outside an ESM package): require() does not pass through the module hooks, so the
  // same redirect is made on require's resolution; and a compiled module is loaded by Node's own handler (a
  // require of an ES module, answered from the module cache the CLI shares), not transpiled anew by tsx's.
  const dist = join(PACKAGE_ROOT, 'dist') + sep;
  const tsxJs = Module._extensions['.js']!;
  Module._extensions['.js'] = function (this: unknown, module: unknown, filename: string) {
    return (filename.startsWith(dist) ? nodeJs : tsxJs).call(this, module, filename);
  };
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    const file = resolveFilename.call(this, request, ...rest);
    if (!file.startsWith(PACKAGE_ROOT + sep) || !file.endsWith('.ts')) return file;
    return fileURLToPath(compiledUrl(pathToFileURL(file).href, data));
  };
}

/**
 * Imports a TypeScript module by file URL or path (gongshu.config.ts, the example project), registering the
 * TypeScript loader first when gongshu runs compiled. Returns the module's namespace (for a CommonJS module, its
 * exports).
 */
export async function importTypeScript(file: string): Promise<unknown> {
  const url = file.startsWith('file:') ? file : pathToFileURL(file).href;
  if (COMPILED && file.endsWith('.ts')) {
    registered ??= registerTypeScript();
    await registered;
  }
  const mod = (await import(url)) as { default?: { __esModule?: boolean } };
  // A config outside an ESM package loads as CommonJS: its exports (marked __esModule) are the namespace's
  // default. tsx applies the same interop to the import() calls in the sources it transpiles.
  return mod.default?.__esModule === true && Object.keys(mod).length === 1 ? mod.default : mod;
}
