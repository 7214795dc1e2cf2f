/**
 * Benchmark of the quality dashboard at scale: a synthetic report of 5,000 rules across 200 datasets (40
 * departments, 10-run trends, samples and SQL on ~30% of rules) → the full static site. Times gathering from a
 * warehouse (system tables filled synthetically), rendering (model → files) and writing (atomic swap), best of 3, and measures page sizes: the largest page, the overview, the median
 * dataset page, and the total. Optionally (`--browser`) opens the overview and the largest page in headless
 * Chromium and records load time. Writes `bench/results/report.json`.
 *
 * Run: `npx tsx bench/report.ts [--datasets N] [--rules N] [--browser]`.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gatherDashboard, renderSite } from '../reports/index.ts';
import { writeSiteAtomically } from '../reports/write.ts';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from '../test/reports/chromium.ts';
import { syntheticModel } from '../test/reports/fixture.ts';
import { openWarehouse } from '../warehouse/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const datasets = arg('--datasets', 200);
const rules = arg('--rules', 5_000);

const model = syntheticModel({ datasets, rules });

// Gathering: the same report against a warehouse holding 10 earlier runs of every metric, 20 loads and 1,000
// quarantined rows per dataset (system tables filled with SQL; the dataset tables themselves are not read).
const wh = await openWarehouse({ path: ':memory:' });
const names = model.quality.datasets.map((d) => d.dataset);
await wh.run(`CREATE TEMP TABLE ds AS SELECT unnest(string_split($1, ',')) AS dataset`, [names.join(',')]);
await wh.run(`INSERT INTO gongshu.quality_runs SELECT 'r' || i, TIMESTAMPTZ '2026-11-01 02:00:00+08' + INTERVAL (i) DAY,
  TIMESTAMPTZ '2026-11-01 02:00:00+08' + INTERVAL (i) DAY, DATE '2026-11-01' + CAST(i AS INTEGER), 'pass', ${datasets}, ${rules}, 99, 10, NULL
  FROM range(10) t(i)`);
await wh.run(`INSERT INTO gongshu.metrics SELECT 'r' || i, TIMESTAMPTZ '2026-11-01 02:00:00+08' + INTERVAL (i) DAY,
  DATE '2026-11-01' + CAST(i AS INTEGER), dataset, 'score', '', NULL, NULL, NULL, 95 + i / 3 FROM ds, range(10) t(i)`);
await wh.run(`INSERT INTO gongshu.metrics SELECT 'r' || i, TIMESTAMPTZ '2026-11-01 02:00:00+08' + INTERVAL (i) DAY,
  DATE '2026-11-01' + CAST(i AS INTEGER), dataset, 'rule', 'rule_' || j, 'validity', 1000, 1, 0.999 FROM ds, range(10) t(i),
  range(${Math.ceil(rules / datasets)}) r(j)`);
await wh.run(`INSERT INTO gongshu.loads (load_id, run_id, dataset, table_name, connector, source, write_mode, status,
  started_at, finished_at, rows_read, rows_loaded, rows_quarantined)
  SELECT dataset || '-' || i, 'run', dataset, dataset, 'csv', '/srv/' || dataset || '.csv', 'replace', 'committed',
    TIMESTAMPTZ '2026-11-01 02:00:00+08' + INTERVAL (i) HOUR, TIMESTAMPTZ '2026-11-01 02:00:00+08' + INTERVAL (i) HOUR,
    1000, 990, 10 FROM ds, range(20) t(i)`);
await wh.run(`INSERT INTO gongshu.quarantine (load_id, dataset, source_location, reason, key_column, key_value, row_json,
  quarantined_at) SELECT dataset || '-20261101080000-aaaaaa', dataset, dataset || '.csv:' || i, 'key:checksum', 'id', '65010219900307123' || (i % 10),
  '{}', now() FROM ds, range(1000) t(i)`);
let gatherSeconds = Number.POSITIVE_INFINITY;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  await gatherDashboard(wh, model.quality, { now: model.builtAt });
  gatherSeconds = Math.min(gatherSeconds, (performance.now() - t0) / 1000);
}
wh.close();
const out = join(tmpdir(), `gongshu-bench-report-${process.pid}`);

const runs: { render: number; write: number }[] = [];
let files = new Map<string, string>();
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  files = renderSite(model, { lang: 'zh-CN' });
  const t1 = performance.now();
  writeSiteAtomically(out, files);
  const t2 = performance.now();
  runs.push({ render: (t1 - t0) / 1000, write: (t2 - t1) / 1000 });
}
const best = runs.reduce((a, b) => (a.render + a.write <= b.render + b.write ? a : b));

const sizes = [...files.entries()].map(([name, text]) => ({ name, bytes: Buffer.byteLength(text) }));
const html = sizes.filter((s) => s.name.endsWith('.html'));
const datasetPages = html
  .filter((s) => s.name.startsWith('dataset-'))
  .map((s) => s.bytes)
  .sort((a, b) => a - b);
const largest = html.reduce((a, b) => (a.bytes >= b.bytes ? a : b));
const size = (name: string) => sizes.find((s) => s.name === name)?.bytes ?? null;

let browser: Record<string, number> | string | null = null;
if (process.argv.includes('--browser')) {
  const missing = ensureChromium();
  if (missing) browser = `skipped: ${missing}`;
  else {
    const { chromium } = await import('playwright-core');
    const b = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await b.newPage();
    browser = {};
    for (const name of ['index.html', largest.name, 'datasets.html']) {
      const t0 = performance.now();
      await page.goto(pathToFileURL(join(out, name)).href, { waitUntil: 'load' });
      browser[`${name} load ms`] = Math.round(performance.now() - t0);
    }
    await b.close();
  }
}

const result = {
  bench: 'report',
  node: process.version,
  input: { datasets, rules, departments: 40 },
  seconds: {
    gather: round(gatherSeconds),
    render: round(best.render),
    write: round(best.write),
    total: round(gatherSeconds + best.render + best.write),
  },
  runs: runs.map((r) => ({ render: round(r.render), write: round(r.write) })),
  files: files.size,
  pages: html.length,
  bytes: {
    total: sizes.reduce((s, f) => s + f.bytes, 0),
    html: html.reduce((s, f) => s + f.bytes, 0),
    'index.html': size('index.html'),
    'datasets.html': size('datasets.html'),
    'report.json': size('report.json'),
    'rules.csv': size('rules.csv'),
    'report.md': size('report.md'),
    datasetPageMedian: datasetPages[Math.floor(datasetPages.length / 2)] ?? null,
    largestPage: largest,
  },
  onDisk: statSync(join(out, 'index.html')).size > 0,
  browser,
};
rmSync(out, { recursive: true, force: true });

function round(x: number) {
  return Math.round(x * 1000) / 1000;
}

const file = join(here, 'results', 'report.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${file}.tmp`, file);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
