import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QualityReport } from '../schemas/index.ts';

/** The report file of a run: `<dir>/quality-<runId>.json`. */
export function reportFilePath(dir: string, runId: string): string {
  return join(dir, `quality-${runId}.json`);
}

/** Writes a report atomically (temporary name, then rename) and returns its path. */
export function writeReportFile(path: string, report: QualityReport): string {
  mkdirSync(join(path, '..'), { recursive: true });
  const tmp = `${path}.partial`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
