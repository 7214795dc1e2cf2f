import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csv } from '../../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../../pipelines/index.ts';
import { runQuality } from '../../quality/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

describe("a quality report's quarantine sample", () => {
  it('names the first rows by line, not as text (p.csv:2 … p.csv:6, not p.csv:10)', async () => {
    const path = join(tempDir(), 'p.csv');
    writeFileSync(
      path,
      `公民身份号码,姓名\n${Array.from({ length: 11 }, (_, i) => `x${i},某`).join('\n')}\n`,
    );
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const p = definePipeline({
        name: 'p',
        source: csv({ path }),
        dataset: { name: 'p', key: citizenId('公民身份号码') },
      });
      await loadPipeline(wh, p);
      const report = await runQuality(wh, { datasets: ['p'], history: false });
      const sample = report.datasets.find((d) => d.dataset === 'p')?.quarantine.byReason['key:format'];
      expect(sample).toEqual({
        count: 11,
        locations: ['p.csv:2', 'p.csv:3', 'p.csv:4', 'p.csv:5', 'p.csv:6'],
      });
    } finally {
      wh.close();
    }
  });
});
