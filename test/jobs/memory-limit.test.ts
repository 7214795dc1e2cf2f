import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFoundation, defineFoundation, FOUNDATION_MEMORY_LIMIT } from '../../jobs/index.ts';
import { loadPipeline } from '../../pipelines/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ids, memPipeline } from './helpers.ts';

/** What DuckDB's buffer manager enforces (current_setting only echoes the configured text). */
const enforced = async (wh: Warehouse) =>
  Number.parseFloat(
    (await wh.value<string>('SELECT memory_limit FROM pragma_database_size() LIMIT 1')) ?? '0',
  );

const KEYS = ids(4);
const people = defineFoundation({
  name: 'people',
  key: 'citizen-id',
  fields: { name: { source: 'reg', column: 'name' } },
});
const reg = (rows: string[][]) => memPipeline('reg', ['id', 'name'], rows);

describe('the memory limit of a foundation build', () => {
  it('bounds DuckDB during a full build in a warehouse opened without one, not an incremental one, and gives the old limit back', async () => {
    const wh = await openWarehouse({ path: join(tempDir(), 'w.duckdb') });
    try {
      await loadPipeline(wh, reg(KEYS.map((k, i) => [k, `人${i}`])));
      const before = await enforced(wh);
      const during: number[] = [];
      const onStep = async () => {
        during.push(await enforced(wh));
      };
      const full = await buildFoundation(wh, people, { onStep });
      expect(full.mode).toBe('full');
      expect(FOUNDATION_MEMORY_LIMIT).toBe('500MB');
      // 500 MB = 476.8 MiB, as DuckDB shows it.
      expect(during.length).toBeGreaterThan(0);
      for (const limit of during) expect(limit).toBeCloseTo(476.8, 0);
      expect(await enforced(wh)).toBeCloseTo(before, 0);
      await loadPipeline(wh, reg([[KEYS[0]!, '新名']]));
      during.length = 0;
      const inc = await buildFoundation(wh, people, { onStep });
      expect(inc.mode).toBe('incremental');
      for (const limit of during) expect(limit).toBeCloseTo(before, 0);
      expect(await enforced(wh)).toBeCloseTo(before, 0);
      expect(await wh.all('SELECT name FROM foundation.people ORDER BY name')).toHaveLength(4);
    } finally {
      wh.close();
    }
  });
});
