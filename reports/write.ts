/**
 * Building the dashboard on disk: find and parse the quality report, gather from the warehouse, render, and
 * write the site atomically (into a temporary folder, swapped in on success).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { QualityReport } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { ReportError } from './errors.ts';
import { type GatherOptions, gatherDashboard } from './gather/gather.ts';
import type { ReportLang } from './i18n/texts.ts';
import type { DashboardModel } from './model.ts';
import { renderSite } from './site.ts';

/** Where a project keeps its quality reports, relative to the project folder. */
export const REPORTS_DIR = join('.gongshu', 'reports');
/** The default output folder of the dashboard, relative to the project folder. */
export const DEFAULT_DASHBOARD_DIR = join('out', 'report');

/** The newest `quality-<runId>.json` in a folder (run ids start with a timestamp), or undefined. */
export function latestReportFile(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => /^quality-.+\.json$/.test(f))
    .sort();
  const last = files.at(-1);
  return last === undefined ? undefined : join(dir, last);
}

/** Reads and validates a quality report file. */
export function readReportFile(path: string): QualityReport {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReportError(
      `${path}: cannot read the quality report (${(error as Error).message}). Fix: rerun gongshu quality`,
      { path },
      error,
    );
  }
  const parsed = QualityReport.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReportError(
      `${path}: not a quality report of this gongshu version: ${issue?.path.join('.') || '(root)'}: ${issue?.message}. Fix: rerun gongshu quality`,
      { path },
    );
  }
  return parsed.data;
}

/** Options of `writeDashboard`. */
export interface WriteDashboardOptions extends GatherOptions {
  /** The quality report to render. */
  readonly report: QualityReport;
  /** The warehouse to read history, loads and the catalog from (read-only use); null for the report alone. */
  readonly warehouse: Warehouse | null;
  /** The output folder; replaced as a whole. */
  readonly outDir: string;
  /** Defaults to zh-CN. */
  readonly lang?: ReportLang;
  /** Notes to show on the overview (e.g. why the warehouse could not be read). */
  readonly notes?: readonly string[];
}

/** What `writeDashboard` wrote. */
export interface DashboardResult {
  readonly dir: string;
  readonly index: string;
  readonly files: readonly { name: string; bytes: number }[];
  readonly pages: number;
  readonly bytes: number;
  readonly seconds: { gather: number; render: number; write: number };
  readonly model: DashboardModel;
}

/** Whether a folder may be replaced: absent, empty, or a dashboard written earlier. */
function replaceable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  const entries = readdirSync(dir);
  return entries.length === 0 || (entries.includes('index.html') && entries.includes('report.json'));
}

/** Writes files into a fresh folder next to `dir`, then swaps it in. */
export function writeSiteAtomically(
  dir: string,
  files: ReadonlyMap<string, string>,
): { name: string; bytes: number }[] {
  const target = resolve(dir);
  if (!replaceable(target)) {
    throw new ReportError(
      `${target}: the output folder exists and is not a gongshu report (no index.html and report.json); it would be replaced. Fix: choose an empty or new folder with --out`,
      { path: target },
    );
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.partial-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const written: { name: string; bytes: number }[] = [];
  try {
    for (const [name, text] of files) {
      writeFileSync(join(tmp, name), text);
      written.push({ name, bytes: Buffer.byteLength(text) });
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    throw new ReportError(
      `${target}: cannot write the dashboard: ${(error as Error).message}`,
      { path: target },
      error,
    );
  }
  rmSync(old, { recursive: true, force: true });
  return written;
}

/**
 * Builds the static dashboard of a quality report into `outDir` and returns what it wrote.
 *
 * @example
 * const result = await writeDashboard({ report, warehouse: wh, outDir: 'out/report', lang: 'zh-CN' });
 * console.log(result.index); // …/out/report/index.html
 */
export async function writeDashboard(options: WriteDashboardOptions): Promise<DashboardResult> {
  const t0 = performance.now();
  const model = await gatherDashboard(options.warehouse, options.report, options);
  if (options.notes?.length) model.notes.push(...options.notes);
  const t1 = performance.now();
  const files = renderSite(model, options.lang ? { lang: options.lang } : {});
  const t2 = performance.now();
  const written = writeSiteAtomically(options.outDir, files);
  const t3 = performance.now();
  const dir = resolve(options.outDir);
  return {
    dir,
    index: join(dir, 'index.html'),
    files: written,
    pages: written.filter((f) => f.name.endsWith('.html')).length,
    bytes: written.reduce((s, f) => s + f.bytes, 0),
    seconds: { gather: (t1 - t0) / 1000, render: (t2 - t1) / 1000, write: (t3 - t2) / 1000 },
    model,
  };
}
