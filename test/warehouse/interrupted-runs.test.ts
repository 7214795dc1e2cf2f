import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../pipelines/index.ts';
import { listRuns, openWarehouse, startRun } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ids, memPipeline } from '../jobs/helpers.ts';

describe('runs left running by a process that died', () => {
  it('are marked interrupted at the next writer, saying whether their work had committed', async () => {
    const path = join(tempDir(), 'w.duckdb');
    const wh = await openWarehouse({ path });
    // One run died before its load committed, one after (before its end was recorded).
    const before = await startRun(wh, 'pipeline', 'reg');
    const after = await startRun(wh, 'pipeline', 'reg');
    await loadPipeline(wh, memPipeline('reg', ['id', 'name'], [[ids(1)[0]!, '甲']]), { runId: after });
    const loadEnd = await wh.value<string>(
      `SELECT strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') FROM gongshu.loads WHERE run_id = $1`,
      [after],
    );
    wh.close();
    // The next writer opens it later: its `seconds` must not run until then.
    await new Promise((r) => setTimeout(r, 1100));
    const again = await openWarehouse({ path });
    try {
      const runs = await listRuns(again);
      const of = (id: string) => runs.find((r) => r.run_id === id);
      expect(of(before)).toMatchObject({ status: 'interrupted' });
      expect(of(before)?.error).toMatch(
        /^interrupted: the process running it stopped .*; its open transaction was rolled back$/,
      );
      expect(of(after)).toMatchObject({ status: 'interrupted' });
      expect(of(after)?.error).toMatch(
        /^interrupted after its work committed: .* once its load or build was in place/,
      );
      // When the process stopped is not known: no end for a run without committed work, else that work's end.
      expect(of(before)).toMatchObject({ finished_at: null, seconds: null });
      expect(of(after)?.finished_at).toBe(loadEnd);
      expect(of(after)?.seconds).toBeLessThan(1);
    } finally {
      again.close();
    }
  });
});
