import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `name` beside the calling module (`import.meta.url` as `base`): the
 * compiled `name.js` in `dist/`, or, run from the TypeScript sources (`npm start`, tsx, vitest), `name.ts`
 * through a one-line module that registers tsx in the thread first (module hooks are per thread, so a worker
 * has no TypeScript loader of its own).
 */
export function startWorker(base: string, name: string, options: WorkerOptions): Worker {
  const sources = base.endsWith('.ts');
  const entry = new URL(`./${name}.${sources ? 'ts' : 'js'}`, base);
  if (!sources) return new Worker(entry, options);
  const bootstrap = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(entry.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
