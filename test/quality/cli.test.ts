import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QualityReport } from '../../schemas/quality-report.ts';
import { gongshu } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { buildFixture } from './fixture.ts';

describe('gongshu quality', () => {
  it('prints the report as the last JSON line, writes it to a file and exits 1 with --fail-on error', async () => {
    const dir = tempDir();
    const file = join(dir, 'warehouse.duckdb');
    (await buildFixture(file)).close();
    const r = gongshu([
      'quality',
      '--project',
      dir,
      '--warehouse',
      file,
      '--json',
      '--fail-on',
      'error',
      '--as-of',
      '2026-11-29',
    ]);
    expect(r.code).toBe(1);
    const report = QualityReport.parse(JSON.parse(r.lines.at(-1)!));
    expect(report.datasets.map((d) => d.dataset)).toEqual(['people', 'registry']);
    expect(report.status).toBe('fail');
    const written = join(dir, 'reports', `quality-${report.runId}.json`);
    expect(existsSync(written)).toBe(true);
    expect(JSON.parse(readFileSync(written, 'utf8')).runId).toBe(report.runId);

    const one = gongshu(['quality', '--project', dir, '--warehouse', file, '--dataset', 'registry']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/registry/);
    expect(one.stdout).toMatch(/完整性/);

    // An unknown name exits 2 (bad usage), as in quarantine replay, run and build.
    const bad = gongshu(['quality', '--project', dir, '--warehouse', file, '--dataset', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /dataset "nope" is not in the warehouse .* \(known: people, registry\)\. Fix:/,
    );
  });
});
