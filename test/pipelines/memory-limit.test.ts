import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csv } from '../../connectors/index.ts';
import { citizenId, definePipeline, LOAD_MEMORY_LIMIT, loadPipeline } from '../../pipelines/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

/** What DuckDB's buffer manager enforces (current_setting only echoes the configured text). */
const enforced = (wh: Awaited<ReturnType<typeof openWarehouse>>) =>
  wh.value<string>('SELECT memory_limit FROM pragma_database_size() LIMIT 1');

describe('the memory limit of a load', () => {
  it('bounds DuckDB during a load into a warehouse opened without one, and gives the old limit back after', async () => {
    const dir = tempDir();
    const path = join(dir, 'people.csv');
    writeFileSync(path, '公民身份号码,姓名\n11010519491231002X,甲\n440524188001010014,乙\n');
    const wh = await openWarehouse({ path: join(dir, 'w.duckdb') });
    try {
      const before = await enforced(wh);
      const pipeline = definePipeline({
        name: 'people',
        source: csv({ path }),
        dataset: { name: 'people', key: citizenId('公民身份号码') },
      });
      await loadPipeline(wh, pipeline);
      expect(LOAD_MEMORY_LIMIT).toBe('500MB');
      // Twice: the limit given back must not drift with each load (DuckDB prints it rounded).
      await loadPipeline(wh, pipeline);
      const after = await enforced(wh);
      expect(Number.parseFloat(after ?? '0')).toBeCloseTo(Number.parseFloat(before ?? '1'), 0);
      expect(after).not.toMatch(/MiB/);
    } finally {
      wh.close();
    }
  });
});
