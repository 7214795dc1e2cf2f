import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { nodeBackupStatus } from '../../governance/index.ts';
import { buildProject, builtTablesOf } from '../../jobs/index.ts';
import { type RunSummary, runPipelines } from '../../pipelines/index.ts';
import {
  importTypeScript,
  type LoadedProject,
  loadProject,
  PACKAGE_ROOT,
  warehousePathOf,
} from '../../project/index.ts';
import { reportFilePath, runQuality, writeReportFile } from '../../quality/index.ts';
import {
  DEFAULT_DASHBOARD_DIR,
  evaluationReader,
  openDataReader,
  writeDashboard,
} from '../../reports/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { demoOpenData } from '../demo-open-data.ts';
import { EXIT } from '../errors.ts';
import { generateExample } from '../generate-example.ts';
import { invocation } from '../invocation.ts';
import { createLogger } from '../logger.ts';
import { formatTable, type Output, processOutput } from '../output.ts';
import {
  buildProgress,
  loadProgress,
  type ProgressReporter,
  type ProgressWanted,
  progressReporter,
  progressWanted,
  qualityProgress,
} from '../progress.ts';
import { printQualitySummary } from '../quality-summary.ts';
import { printRunSummary } from '../run-summary.ts';

/** The example project folder (TypeScript, also when gongshu runs compiled from dist/). */
export const EXAMPLE_PROJECT = join(PACKAGE_ROOT, 'examples', 'xinjiang', '/');

type Generator = typeof import('../../examples/xinjiang/generate/index.ts');
type Manifest = Awaited<ReturnType<Generator['generateRegion']>>;

/** Today in Asia/Shanghai as YYYY-MM-DD: the generator's "as of" date, so future birth dates stay future. */
function todayInShanghai(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/** Compares what each load quarantined with what the generator injected; returns rows for a table. */
export function checkAgainstManifest(summary: RunSummary, manifest: Manifest) {
  return summary.pipelines.flatMap((p) => {
    if (p.status !== 'succeeded') return [];
    const file = Object.values(manifest.files).find((f) => p.source.endsWith(f.file));
    if (!file) return [];
    const injected = Object.values(file.expected.keyInvalid).reduce((a, n) => a + n, 0);
    const got = Object.entries(p.quarantinedByReason)
      .filter(([r]) => r.startsWith('key:'))
      .reduce((a, [, n]) => a + n, 0);
    return [
      {
        file: file.file,
        'invalid keys injected': injected,
        'quarantined for key': got,
        'duplicate keys injected': file.expected.duplicateKeyRows,
        'duplicate keys found': p.duplicateKeyRows,
        match: injected === got && file.expected.duplicateKeyRows === p.duplicateKeyRows ? '✓' : '✗',
      },
    ];
  });
}

function printCheck(out: Output, rows: ReturnType<typeof checkAgainstManifest>) {
  out.data('');
  out.data('loader vs the generator manifest (examples/xinjiang/data/manifest.json):');
  for (const line of formatTable(rows)) out.data(line);
}

/** Every problem of the demo command line: --people (the generator's range) and --seed. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  problems.integer('--people', options.people as string | undefined, 100, 5_000_000, '--people 100000');
  problems.integer(
    '--seed',
    options.seed as string | undefined,
    0,
    Number.MAX_SAFE_INTEGER,
    '--seed 20261129',
  );
}

/** `gongshu demo`: generate the example region, run its pipelines, and check the result against the manifest. */
export default async function demo(_args: unknown[], command: Command): Promise<number> {
  const opts = command.opts<{ people: string; seed: string; json?: boolean }>();
  const out = processOutput();
  const logger = createLogger(command.parent?.opts().logLevel);
  const wanted = progressWanted(command);
  const progress = progressReporter(wanted);
  const manifest = await generate(
    { people: Number(opts.people), seed: Number(opts.seed) },
    progress,
    wanted,
    logger,
  );
  const loaded = await loadProject(EXAMPLE_PROJECT);
  const warehousePath = warehousePathOf(loaded);
  const wh = await openWarehouse({
    path: warehousePath,
    ...(loaded.project.memoryLimit ? { memoryLimit: loaded.project.memoryLimit } : {}),
  });
  try {
    const ran = await runExample({ wh, loaded, manifest, progress, wanted, logger });
    if (opts.json)
      out.json({
        ...ran.summary,
        warehouse: warehousePath,
        manifestCheck: ran.check,
        quality: ran.report,
        reportFile: ran.reportFile,
        build: ran.build,
        dashboard: ran.dashboard.index,
      });
    else printDemo(out, ran, warehousePath);
    const ok =
      ran.summary.status === 'succeeded' &&
      ran.check.every((r) => r.match === '✓') &&
      ran.build.status === 'succeeded';
    return ok ? EXIT.ok : EXIT.failures;
  } finally {
    progress.stop();
    wh.close();
  }
}

/** Generates the example region's department extracts (into the example's data folder); returns the manifest. */
async function generate(
  size: { people: number; seed: number },
  progress: ProgressReporter,
  wanted: ProgressWanted,
  logger: Logger,
): Promise<Manifest> {
  // The example is a TypeScript project like any user's: imported through the project's TypeScript loader. Its
  // generator runs in a worker with a bounded heap (cli/generate-example.ts).
  const { DATA_DIR } = (await importTypeScript(join(EXAMPLE_PROJECT, 'pipelines.ts'))) as {
    DATA_DIR: string;
  };
  const t0 = performance.now();
  const manifest = await generateExample({
    generator: join(EXAMPLE_PROJECT, 'generate', 'index.ts'),
    outDir: DATA_DIR,
    people: size.people,
    seed: size.seed,
    asOf: todayInShanghai(),
    ...(wanted.show
      ? {
          onProgress: (step: string, done: number, total?: number) =>
            progress.step(`generate ${step}`, done, total, step === 'people' ? 'people' : 'rows'),
        }
      : {}),
  });
  progress.end();
  logger.info(
    `generate xinjiang → ${Object.keys(manifest.files).length} department extracts, ${manifest.residents.toLocaleString('en')} residents in ${((performance.now() - t0) / 1000).toFixed(1)} s (${DATA_DIR})`,
  );
  return manifest;
}

/** What the demo does once the region is generated. */
interface ExampleRun {
  readonly wh: Warehouse;
  readonly loaded: LoadedProject;
  readonly manifest: Manifest;
  readonly progress: ProgressReporter;
  readonly wanted: ProgressWanted;
  readonly logger: Logger;
}

/**
 * Runs the example project end to end: its pipelines (checked against the manifest), the build, open data and
 * objections, quality and the dashboard.
 */
async function runExample({ wh, loaded, manifest, progress, wanted, logger }: ExampleRun) {
  const onProgress = await loadProgress(progress, wh, wanted);
  const summary = await runPipelines(wh, loaded.project, {
    logger,
    ...(onProgress ? { onProgress } : {}),
  });
  progress.end();
  const check = checkAgainstManifest(summary, manifest);
  // The example data is dirty on purpose, so the quality gates (which skip models whose upstream fails an
  // error-severity rule) would skip every model; the demo builds without them and says so. Quality runs after
  // the build, so the foundations and the topic table are assessed with the departments' datasets.
  const build = await buildProject(wh, loaded.project, {
    gates: false,
    logger,
    ...(await buildProgress(progress, wh, wanted)),
  });
  progress.end();
  // Open data and objections before quality, so the confirmed error counts in the accuracy of enterprises.
  const openData = await demoOpenData(wh, loaded);
  const report = await runQuality(wh, {
    ...(await qualityProgress(progress, wh, wanted)),
    definitions: loaded.project.quality,
    builtTables: builtTablesOf(loaded.project),
    node: { id: loaded.project.node.id, name: loaded.project.node.name },
  });
  const reportFile = writeReportFile(
    reportFilePath(join(loaded.dir, '.gongshu', 'reports'), report.runId),
    report,
  );
  progress.end();
  const dashboard = await writeDashboard({
    report,
    warehouse: wh,
    outDir: join(loaded.dir, DEFAULT_DASHBOARD_DIR),
    foundationDefinitions: loaded.project.foundations ?? [],
    openData: openDataReader({ at: new Date(report.generatedAt), project: loaded.project }),
    // The yearly evaluation of the generator's year: repeated collection, the article-44 failures per department.
    evaluation: evaluationReader({
      year: Number(manifest.asOf.slice(0, 4)),
      at: new Date(),
      project: loaded.project,
      node: loaded.project.node,
      backups: (path, at) => nodeBackupStatus(loaded.project, loaded.dir, path, at),
    }),
  });
  return { summary, check, build, openData, report, reportFile, dashboard };
}

/** The demo's text output: the run, the manifest check, quality, the build, open data, where things are. */
function printDemo(out: Output, ran: Awaited<ReturnType<typeof runExample>>, warehousePath: string): void {
  const { summary, check, build, openData, report, reportFile, dashboard } = ran;
  printRunSummary(out, summary);
  printCheck(out, check);
  out.data('');
  out.data('quality (完整性 / 有效性 / 及时性 / 一致性 / 准确性):');
  printQualitySummary(out, report);
  out.data(`quality report: ${reportFile}`);
  out.data('');
  out.data('build (基础库 → 主题库 → 专题库; quality gates off in the demo):');
  for (const line of formatTable(
    build.nodes.map((n) => ({
      node: n.node,
      kind: n.kind,
      status: n.status,
      rows: n.rows,
      seconds: Number(n.seconds.toFixed(2)),
      reason: n.reason,
    })),
  )) {
    out.data(line);
  }
  out.data('');
  out.data('open data (开放) and objections (异议):');
  for (const x of openData.exported)
    out.data(`  open export ${x.code} v${x.version}: ${x.rows.toLocaleString('en')} rows → ${x.dir}`);
  out.data(`  objections: ${openData.objections} (${openData.open} open)`);
  out.data(`dashboard: ${dashboard.index}`);
  out.data(
    `yearly evaluation and article-44 failures per department: ${join(dirname(dashboard.index), 'evaluation.html')}`,
  );
  out.data('');
  out.data(`warehouse: ${warehousePath}`);
  out.data(
    `try: ${invocation()} quarantine list --project ${relative(process.cwd(), EXAMPLE_PROJECT) || '.'}   (the current quarantine: masked rows, totals by reason)`,
  );
}
