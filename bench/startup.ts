/**
 * Startup of the `gongshu` command (issue #21): whole processes, median and best of N interleaved rounds, against
 * a bare `node -e ""` on the same machine in the same run. Measures the compiled command (bin/gongshu.js →
 * dist/, what `npm install` gives) and, for comparison, the sources through tsx (what every start cost before
 * the build, and what `npm run -s gongshu` still runs): `--version`, `--help`, and an ingest of a 2-row CSV into
 * a new warehouse. With `--installed DIR`, also `DIR/node_modules/.bin/gongshu --version` (a project that
 * installed the packed tarball); with `--baseline CHECKOUT`, another checkout's bin/gongshu.js (the command before
 * this build). Target: the compiled `--version` within 4× of bare node. Writes
 * `bench/results/startup.json`.
 *
 * Run: `npm run build && npx tsx bench/startup.ts [--rounds 9] [--installed DIR] [--baseline CHECKOUT]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg('--rounds') ?? 9);
const installed = arg('--installed');
const baseline = arg('--baseline');
if (rounds < 5) throw new Error(`--rounds ${rounds}: the bench takes the median of at least 5 rounds`);
if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is not built. Fix: npm run build');

const BIN = join(ROOT, 'bin/gongshu.js');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SOURCE = ['--import', TSX, join(ROOT, 'cli/main.ts')];
const work = mkdtempSync(join(tmpdir(), 'gongshu-bench-startup-'));
writeFileSync(
  join(work, 'people.csv'),
  '公民身份号码,姓名\n11010519491231002X,张三\n110105194912310021,李四\n',
);
const ingest = (round: number, entry: string) => [
  'ingest',
  'people.csv',
  '--dataset',
  'hukou',
  '--key',
  'citizen-id:公民身份号码',
  '--warehouse',
  `w-${entry}-${round}.duckdb`,
  '--json',
];

/** What is timed: a label and the node arguments of one process (by round, for fresh warehouses). */
const cases: { name: string; args: (round: number) => string[]; check: (stdout: string) => boolean }[] = [
  { name: 'node', args: () => ['-e', ''], check: () => true },
  { name: 'version', args: () => [BIN, '--version'], check: (o) => o.startsWith('gongshu ') },
  { name: 'versionSource', args: () => [...SOURCE, '--version'], check: (o) => o.startsWith('gongshu ') },
  { name: 'help', args: () => [BIN, '--help'], check: (o) => o.includes('Usage: gongshu') },
  { name: 'helpSource', args: () => [...SOURCE, '--help'], check: (o) => o.includes('Usage: gongshu') },
  {
    name: 'ingestCsv',
    args: (r) => [BIN, ...ingest(r, 'dist')],
    check: (o) => JSON.parse(o).rowsLoaded === 1,
  },
  {
    name: 'ingestCsvSource',
    args: (r) => [...SOURCE, ...ingest(r, 'source')],
    check: (o) => JSON.parse(o).rowsLoaded === 1,
  },
];
if (baseline) {
  // The installed entry of another checkout (e.g. the main branch before this build): what starts cost then.
  const bin = join(baseline, 'bin/gongshu.js');
  if (!existsSync(bin)) throw new Error(`--baseline ${baseline}: no bin/gongshu.js there`);
  cases.push(
    { name: 'versionBaseline', args: () => [bin, '--version'], check: (o) => o.startsWith('gongshu ') },
    { name: 'helpBaseline', args: () => [bin, '--help'], check: (o) => o.includes('Usage: gongshu') },
    {
      name: 'ingestCsvBaseline',
      args: (r) => [bin, ...ingest(r, 'baseline')],
      check: (o) => JSON.parse(o).rowsLoaded === 1,
    },
  );
}
if (installed) {
  const bin = join(installed, 'node_modules/gongshu/bin/gongshu.js');
  if (!existsSync(bin)) throw new Error(`--installed ${installed}: no node_modules/gongshu there`);
  cases.push({
    name: 'versionInstalled',
    args: () => [bin, '--version'],
    check: (o) => o.startsWith('gongshu '),
  });
}

/** The commit a checkout is at, or undefined when it is not a git checkout. */
function commitOf(dir: string): string | undefined {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const load = { before: loadavg()[0]!, after: 0 };
const times: Record<string, number[]> = Object.fromEntries(cases.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const c of cases) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, c.args(round), {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0 || !c.check(r.stdout))
      throw new Error(
        `${c.name}: exit ${r.status}, unexpected output: ${r.stdout.slice(0, 200)} ${r.stderr.slice(0, 500)}`,
      );
    times[c.name]!.push(seconds);
  }
}
load.after = loadavg()[0]!;
rmSync(work, { recursive: true, force: true });

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median: Number(median.toFixed(4)), best: Number(s[0]!.toFixed(4)), runs: s.length };
};
const seconds = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
const ratio = (a: string, b: string) => Number((seconds[a]!.median / seconds[b]!.median).toFixed(2));
const result = {
  bench: 'startup',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    node: process.version,
    loadAverage1m: load,
    note: 'whole processes, rounds interleaved; a loaded machine slows every case, bare node included',
  },
  rounds,
  ...(baseline ? { baseline: { path: baseline, commit: commitOf(baseline) } } : {}),
  ...(installed ? { installed } : {}),
  startupSeconds: seconds.version!.median,
  seconds,
  ratios: {
    versionVsNode: ratio('version', 'node'),
    target: { versionVsNode: 4 },
    versionSourceVsNode: ratio('versionSource', 'node'),
    versionSourceVsCompiled: ratio('versionSource', 'version'),
    helpSourceVsCompiled: ratio('helpSource', 'help'),
    ingestCsvSourceVsCompiled: ratio('ingestCsvSource', 'ingestCsv'),
    ...(installed ? { versionInstalledVsNode: ratio('versionInstalled', 'node') } : {}),
    ...(baseline
      ? {
          versionBaselineVsCompiled: ratio('versionBaseline', 'version'),
          helpBaselineVsCompiled: ratio('helpBaseline', 'help'),
          ingestCsvBaselineVsCompiled: ratio('ingestCsvBaseline', 'ingestCsv'),
        }
      : {}),
  },
};
const out = join(ROOT, 'bench/results/startup.json');
writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
console.log(JSON.stringify({ startupSeconds: result.startupSeconds, ratios: result.ratios, load }, null, 1));
