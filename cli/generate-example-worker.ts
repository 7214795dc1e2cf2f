/** Worker entry of `generateExample` (cli/generate-example.ts): imports the generator and posts its results. */
import { parentPort, workerData } from 'node:worker_threads';
import type { GenerateOptions } from '../examples/xinjiang/generate/index.ts';
import { importTypeScript } from '../project/index.ts';
import type { GenerateMessage } from './generate-example.ts';

type Generator = typeof import('../examples/xinjiang/generate/index.ts');
const { generator, progress, ...options } = workerData as GenerateOptions & {
  generator: string;
  progress: boolean;
};
const post = (m: GenerateMessage) => parentPort!.postMessage(m);
try {
  const { generateRegion } = (await importTypeScript(generator)) as Generator;
  const manifest = await generateRegion({
    ...options,
    ...(progress
      ? {
          onProgress: (step: string, done: number, total?: number) =>
            post({ kind: 'progress', step, done, ...(total === undefined ? {} : { total }) }),
        }
      : {}),
  });
  post({ kind: 'done', manifest });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ kind: 'failed', message: e.message, name: e.name });
}
