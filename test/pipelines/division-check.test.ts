import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csv } from '../../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../../pipelines/index.ts';
import { citizenIdCheckChar } from '../../schemas/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A citizen ID of `division` with a correct check character (or a wrong one). */
function id(division: string, n: number, checksum = true): string {
  const body = `${division}19900101${String(n).padStart(3, '0')}`;
  const check = citizenIdCheckChar(body);
  return body + (checksum ? check : check === '0' ? '1' : '0');
}

/**
 * Loads rows whose keys hold `unknown` divisions unknown to GB/T 2260 (99xxxx), and known ones; returns the
 * quarantine's reasons by line, the loaded lines in table order, and how the check looked the divisions up.
 * `before` runs on the warehouse first (e.g. to change the division table).
 */
async function loadWith(unknown: number, before?: (wh: Warehouse) => Promise<void>) {
  const dir = tempDir();
  const path = join(dir, 'people.csv');
  const lines = ['身份证号,序号'];
  const expected: Record<string, string> = {};
  for (let i = 0; i < unknown; i++) {
    const division = `99${String(i).padStart(4, '0')}`;
    lines.push(`${id(division, i)},${i}`);
    expected[`people.csv:${lines.length}`] = 'key:division';
    // A wrong check character is found before the division.
    lines.push(`${id(division, i, false)},${i}`);
    expected[`people.csv:${lines.length}`] = 'key:checksum';
    lines.push(`${id('650102', i)},${i}`);
    // Full-width digits and spaces: normalised first, then checked.
    lines.push(
      ` ${[...id(division, i + 500)].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')} ,${i}`,
    );
    expected[`people.csv:${lines.length}`] = 'key:division';
  }
  // A name in the key column fails the format, and no part of it is written into the check's SQL.
  lines.push('王小明同志的,x');
  expected[`people.csv:${lines.length}`] = 'key:format';
  writeFileSync(path, `${lines.join('\n')}\n`);
  const wh = await openWarehouse({ path: ':memory:' });
  await before?.(wh);
  const statements: string[] = [];
  const run = wh.run.bind(wh);
  wh.run = (sql, params) => {
    statements.push(sql);
    return run(sql, params);
  };
  try {
    const p = definePipeline({
      name: 'people',
      source: csv({ path }),
      dataset: { name: 'people', key: citizenId('身份证号') },
    });
    const r = await loadPipeline(wh, p);
    const quarantined = await wh.all<{ source_location: string; reason: string }>(
      'SELECT source_location, reason FROM gongshu.quarantine',
    );
    const loaded = await wh.all<{ _source: string }>('SELECT _source FROM people ORDER BY rowid');
    return {
      r,
      expected,
      reasons: Object.fromEntries(quarantined.map((q) => [q.source_location, q.reason])),
      loaded: loaded.map((l) => Number(l._source.split(':')[1])),
      bits: statements.some((s) => s.includes('gs__cid_reason_bits')),
      joined: statements.some((s) => s.includes('gs_division_known') || s.includes('gs__cid_reason(')),
      named: statements.some((s) => s.includes('王小明')),
    };
  } finally {
    wh.close();
  }
}

describe("the division check of a load's citizen IDs", () => {
  it.each([3, 300])(
    'quarantines unknown divisions by one lookup each, no join, and keeps the table in source order (%i unknown)',
    async (n) => {
      const { r, expected, reasons, loaded, bits, joined, named } = await loadWith(n);
      expect({ bits, joined, named }).toEqual({ bits: true, joined: false, named: false });
      expect(reasons).toEqual(expected);
      expect(r.rowsQuarantined).toBe(3 * n + 1);
      expect(r.rowsLoaded).toBe(n);
      expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
      expect(loaded).toHaveLength(n);
    },
  );

  it('reads the division table at each load: a division added counts, and an empty table knows none', async () => {
    const added = await loadWith(2, (wh) =>
      wh.run(
        `INSERT INTO gongshu.divisions (code, name, level, current) VALUES ('990000', '测试区', 3, true), ('990001', '测试县', 3, true)`,
      ),
    );
    // 990000 and 990001 are known now: only the checksum and format failures are left
    expect(Object.values(added.reasons).sort()).toEqual(['key:checksum', 'key:checksum', 'key:format']);
    expect(added.r.rowsLoaded).toBe(2 + 4);
    const none = await loadWith(1, (wh) => wh.run('DELETE FROM gongshu.divisions'));
    expect(none.r.rowsLoaded).toBe(0);
    expect(Object.values(none.reasons).filter((x) => x === 'key:division')).toHaveLength(3);
  });
});
