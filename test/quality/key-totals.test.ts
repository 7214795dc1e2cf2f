import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, memory } from '../../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../../pipelines/index.ts';
import { runQuality } from '../../quality/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const A = '11010519491231002X';
const B = '440524188001010014';
const C = '360426199101010071';
const BAD = '36042619910102009X';

async function keyRules(wh: Warehouse, dataset: string) {
  const report = await runQuality(wh, { datasets: [dataset], history: false, asOf: '2026-03-10' });
  const rules = report.datasets[0]!.rules;
  const pick = (id: string) => {
    const r = rules.find((x) => x.id === id)!;
    return { total: r.total, failed: r.failed };
  };
  return { complete: pick('key-complete'), valid: pick('key-valid') };
}

describe('key-rule totals', () => {
  it('count the current state (rows loaded plus rows currently quarantined), not the rows every load read', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const rows = [
      [A, '2026-03-01'],
      [BAD, '2026-03-02'],
      [null, '2026-03-03'],
      [B, '2026-03-04'],
    ];
    const p = (extra: (string | null)[][]) =>
      definePipeline({
        name: 'people',
        source: memory({ name: 'people.csv', columns: ['身份证号', '更新日期'], rows: [...rows, ...extra] }),
        dataset: {
          name: 'people',
          key: citizenId('身份证号'),
          writeMode: 'append',
          incremental: { column: '更新日期' },
        },
      });
    await loadPipeline(wh, p([]));
    await loadPipeline(wh, p([[C, '2026-03-05']]));
    await loadPipeline(wh, p([[C, '2026-03-05']]));
    // 3 rows in the table, 1 missing key and 1 bad checksum in quarantine; the loads read 4 + 5 + 5 rows.
    expect(await keyRules(wh, 'people')).toEqual({
      complete: { total: 5, failed: 1 },
      valid: { total: 4, failed: 1 },
    });
    wh.close();
  });

  it('leave out a replace load superseded by the next one, and a malformed record whose key was never read', async () => {
    const dir = tempDir();
    const path = join(dir, 'p.ndjson');
    writeFileSync(
      path,
      `{"身份证号": "${A}"}\n{"身份证号": "${BAD}"}\n{"身份证号": "${B}", "姓\n{"身份证号": "${C}"}\n`,
    );
    const wh = await openWarehouse({ path: ':memory:' });
    const p = definePipeline({
      name: 'p',
      source: json({ path }),
      dataset: { name: 'p', key: citizenId('身份证号'), writeMode: 'replace' },
    });
    await loadPipeline(wh, p);
    await loadPipeline(wh, p);
    expect(await keyRules(wh, 'p')).toEqual({
      complete: { total: 3, failed: 0 },
      valid: { total: 3, failed: 1 },
    });
    wh.close();
  });
});
