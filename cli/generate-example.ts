/**
 * Runs the example region's generator (examples/xinjiang/generate) in a worker thread with a bounded heap.
 *
 * The generator holds the whole synthetic population as JavaScript objects (about 0.6 KB per person at its
 * peak). In the CLI's own heap V8 lets garbage grow far beyond that before collecting (a 1M-person demo peaked at
 * 1.37 GB resident while generating, before DuckDB loaded a row), and the heap is not given back afterwards. In a
 * worker whose old generation is capped at what the population needs, V8 collects as it goes, and the whole heap
 * is freed when the worker ends: `demo --people 1000000` generates within about 0.85 GB.
 */
import type { GenerateOptions, Manifest } from '../examples/xinjiang/generate/index.ts';
import { startWorker } from '../schemas/index.ts';

/** Options of `generateExample`: the generator's, with the generator module's path. */
export interface GenerateExampleOptions extends Omit<GenerateOptions, 'onProgress'> {
  /** Absolute path of examples/xinjiang/generate/index.ts. */
  readonly generator: string;
  readonly onProgress?: GenerateOptions['onProgress'];
}

/** Messages the worker posts: progress, then the manifest or an error. */
export type GenerateMessage =
  | { kind: 'progress'; step: string; done: number; total?: number }
  | { kind: 'done'; manifest: Manifest }
  | { kind: 'failed'; message: string; name: string };

/** The heap the generator may use: what the population needs at its peak, with room (MB). */
export function generatorHeapMb(people: number): number {
  return Math.ceil(200 + (people * 0.62) / 1024);
}

/** Generates the example region in a worker thread; resolves to its manifest. */
export function generateExample(options: GenerateExampleOptions): Promise<Manifest> {
  const { onProgress, ...data } = options;
  const people = data.people ?? 20000;
  const worker = startWorker(import.meta.url, 'generate-example-worker', {
    workerData: { ...data, progress: onProgress !== undefined },
    resourceLimits: { maxOldGenerationSizeMb: generatorHeapMb(people) },
  });
  return new Promise<Manifest>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: GenerateMessage) => {
      if (m.kind === 'progress') onProgress?.(m.step, m.done, m.total);
      else if (m.kind === 'done') {
        settled = true;
        resolve(m.manifest);
      } else {
        settled = true;
        const error = new Error(m.message);
        error.name = m.name;
        reject(error);
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      settled = true;
      reject(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Error(
              `the example generator ran out of its ${generatorHeapMb(people)} MB heap for ${people} people. Fix: generate fewer people (--people)`,
            )
          : error,
      );
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the example generator stopped (exit ${code}) without a manifest`));
    });
  });
}
