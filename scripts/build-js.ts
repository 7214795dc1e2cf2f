/**
 * Builds the JavaScript the installed `gongshu` command and the package's `exports` run: every TypeScript file of
 * the library layers and the CLI, transpiled one module per file (the same esbuild transform tsx applies at run
 * time, so the code that runs is the code that ran through tsx) into `dist/<layer>/…/*.js`, with relative
 * `.ts` imports rewritten to `.js`. Nothing is bundled: commands stay lazily imported, one module each.
 * Declarations come from tsc (tsconfig.build.json, `dist/types/`); type checking is `npm run typecheck`.
 * Files read next to a module (the division table) are copied beside its output. Runs at `prepare` (npm ci,
 * npm install of a checkout, npm pack) and before the tests (test/setup/build.ts). `tsx scripts/build-js.ts`.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { COMPILED_LAYERS } from '../project/typescript.ts';

/** The package root. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The folders compiled to `dist/` (the layers and the CLI; examples, tests, benches and scripts are not). */
export { COMPILED_LAYERS };

/** Data files read relative to a module's own URL, copied to the same place under `dist/`. */
const DATA_FOLDERS = ['schemas/data'];

/** Every `.ts` file (not `.d.ts`) under `dir`. */
function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return typeScriptFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Whether an absolute path lies in a compiled layer. */
function isCompiled(path: string): boolean {
  const [top] = relative(ROOT, path).split(sep);
  return (COMPILED_LAYERS as readonly string[]).includes(top ?? '');
}

/**
 * Keeps every import external (one output file per module) and rewrites relative `.ts` specifiers to `.js`;
 * a relative import of a file outside the compiled layers is a build error (it would dangle under `dist/`).
 */
const externalImports: Plugin = {
  name: 'gongshu-external-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (!/^\.\.?\//.test(args.path)) return { path: args.path, external: true };
      const target = resolve(args.resolveDir, args.path);
      if (!isCompiled(target))
        return {
          errors: [
            {
              text: `${relative(ROOT, args.importer)} imports ${args.path}, which is not compiled to dist/. Fix: import it lazily from its TypeScript source (project/typescript.ts), or move it into a layer`,
            },
          ],
        };
      return { path: args.path.replace(/\.ts$/, '.js'), external: true };
    });
  },
};

/** The file whose modification time says when `dist/` was last built. */
const STAMP = '.js-build';

/**
 * Builds `dist/<layer>/**\/*.js`; returns the number of modules written. The output is built in a scratch
 * folder and each layer's folder swapped in by rename, so a test run reading `dist/` at the same time sees
 * whole layers, never a half-written one.
 */
export async function buildJs(outDir = join(ROOT, 'dist')): Promise<number> {
  const entryPoints = COMPILED_LAYERS.flatMap((layer) => typeScriptFiles(join(ROOT, layer)));
  mkdirSync(outDir, { recursive: true });
  const scratch = mkdtempSync(join(outDir, '.next-'));
  try {
    await build({
      entryPoints,
      outdir: scratch,
      outbase: ROOT,
      bundle: true,
      plugins: [externalImports],
      platform: 'node',
      format: 'esm',
      target: 'node20',
      tsconfig: join(ROOT, 'tsconfig.json'),
      logLevel: 'warning',
    });
    for (const folder of DATA_FOLDERS)
      if (existsSync(join(ROOT, folder)))
        cpSync(join(ROOT, folder), join(scratch, folder), { recursive: true });
    for (const layer of COMPILED_LAYERS) {
      const old = join(scratch, `${layer}.old`);
      if (existsSync(join(outDir, layer))) renameSync(join(outDir, layer), old);
      renameSync(join(scratch, layer), join(outDir, layer));
    }
    writeFileSync(join(outDir, STAMP), `${new Date().toISOString()}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return entryPoints.length;
}

/** Whether `dist/` is missing or older than a compiled source or this script. */
export function isStale(outDir = join(ROOT, 'dist')): boolean {
  const stamp = statSync(join(outDir, STAMP), { throwIfNoEntry: false });
  if (!stamp) return true;
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const layer of COMPILED_LAYERS)
    for (const f of typeScriptFiles(join(ROOT, layer))) newest = Math.max(newest, statSync(f).mtimeMs);
  return newest > stamp.mtimeMs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const n = await buildJs();
  process.stderr.write(
    `build → ${n} modules in dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
  );
}
