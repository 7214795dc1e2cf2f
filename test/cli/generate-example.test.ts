import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_PROJECT } from '../../cli/commands/demo.ts';
import { generateExample, generatorHeapMb } from '../../cli/generate-example.ts';
import { generateRegion } from '../../examples/xinjiang/generate/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const files = async (dir: string) =>
  Object.fromEntries(
    await Promise.all(
      (await readdir(dir)).sort().map(async (f) => [f, (await readFile(join(dir, f))).toString('base64')]),
    ),
  );

describe('the demo generator in a worker thread', () => {
  it('writes the same files and manifest as the generator run in this thread, with progress', async () => {
    const options = { people: 600, seed: 11, asOf: '2026-11-29' };
    const inWorker = tempDir();
    const here = tempDir();
    const steps = new Set<string>();
    const manifest = await generateExample({
      generator: join(EXAMPLE_PROJECT, 'generate', 'index.ts'),
      outDir: inWorker,
      ...options,
      onProgress: (step) => steps.add(step),
    });
    expect(manifest).toEqual(await generateRegion({ outDir: here, ...options }));
    expect(await files(inWorker)).toEqual(await files(here));
    expect(steps.has('gongan_hukou.csv')).toBe(true);
  });

  it('bounds the heap by the population size', () => {
    expect(generatorHeapMb(1_000_000)).toBeLessThan(850);
    expect(generatorHeapMb(5_000_000)).toBeGreaterThan(3000);
  });

  it('rejects with the generator error when the generator fails', async () => {
    await expect(
      generateExample({
        generator: join(EXAMPLE_PROJECT, 'generate', 'index.ts'),
        outDir: tempDir(),
        people: 5,
      }),
    ).rejects.toThrow(/people/);
  });
});
