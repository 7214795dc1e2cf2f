/**
 * Benchmark of the yearly evaluation a node sends with its pushes (GOVERNANCE I): the example region generated
 * with N residents, loaded, built and assessed once; then, best of 3 each, the full evaluation (`evaluateYear`),
 * the fingerprint of its inputs alone, and a push's evaluation when nothing changed (`cachedEvaluation`: the
 * fingerprint and a read of the kept evaluation). Writes `bench/results/evaluation.json`.
 *
 * Run: `npx tsx bench/evaluation.ts [--people N]`.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xinjiangFoundations } from '../examples/xinjiang/foundations.ts';
import { generateRegion } from '../examples/xinjiang/generate/index.ts';
import { xinjiangPipelines } from '../examples/xinjiang/pipelines.ts';
import { cachedEvaluation, evaluateYear, evaluationFingerprint } from '../governance/index.ts';
import { buildProject } from '../jobs/index.ts';
import { runPipelines } from '../pipelines/index.ts';
import { defineProject } from '../project/index.ts';
import { runQuality } from '../quality/index.ts';
import { openWarehouse } from '../warehouse/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const people = arg('--people', 20_000);
const dir = join(tmpdir(), `gongshu-bench-evaluation-${process.pid}`);
const at = new Date();
const asOf = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
await generateRegion({ outDir: dir, people, seed: 7, asOf });
const node = { id: '650000', level: 'region' as const, name: '新疆维吾尔自治区' };
const project = defineProject({
  name: 'xinjiang',
  node,
  pipelines: xinjiangPipelines(dir),
  foundations: xinjiangFoundations,
});
const wh = await openWarehouse({ path: join(dir, 'w.duckdb') });
await runPipelines(wh, project);
await buildProject(wh, project, { gates: false });
await runQuality(wh, { definitions: project.quality, node });
const options = { year: Number(asOf.slice(0, 4)), at, node, backups: null };
const ctx = { wh, project };

const best = async (fn: () => Promise<unknown>) => {
  let s = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await fn();
    s = Math.min(s, (performance.now() - t0) / 1000);
  }
  return Math.round(s * 1000) / 1000;
};
const full = await best(() => evaluateYear(ctx, options));
const fingerprint = await best(() => evaluationFingerprint(wh, project, options));
const first = await cachedEvaluation(ctx, options); // computes and keeps it
const hit = await best(async () => {
  const r = await cachedEvaluation(ctx, options);
  if (!r.cached) throw new Error('bench: expected a cache hit');
});
wh.close();
rmSync(dir, { recursive: true, force: true });

const result = {
  bench: 'evaluation',
  node: process.version,
  input: { people, departments: first.evaluation.departments.length },
  seconds: { evaluate: full, fingerprint, unchangedPush: hit },
  speedup: Math.round((full / hit) * 10) / 10,
};
const file = join(here, 'results', 'evaluation.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${file}.tmp`, file);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
