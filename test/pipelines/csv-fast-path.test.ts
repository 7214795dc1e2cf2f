import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { csv } from '../../connectors/index.ts';
import { generateRegion } from '../../examples/xinjiang/generate/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../../pipelines/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Loads a file with the given parser and returns the table and the quarantine, without load ids and times. */
async function load(wh: Warehouse, path: string, key: string, parser: 'auto' | 'js', dataset: string) {
  const p = definePipeline({
    name: dataset,
    source: csv({ path, parser }),
    dataset: { name: dataset, key: citizenId(key) },
  });
  const r = await loadPipeline(wh, p);
  const rows = (await wh.json(`SELECT * EXCLUDE (_load_id, _ingested_at) FROM ${dataset} ORDER BY _source`))
    .rows;
  const quarantine = (
    await wh.json(
      `SELECT source_location, reason, key_value, CAST(row_json AS VARCHAR) AS row FROM gongshu.quarantine
       WHERE dataset = $1 ORDER BY source_location`,
      [dataset],
    )
  ).rows;
  return { notes: r.notes, rows, quarantine };
}

describe('the DuckDB-native CSV path', () => {
  it('gives exactly what the JS parser gives on every example extract (encodings, CRLF, quoted newlines)', async () => {
    const dir = tempDir();
    const manifest = await generateRegion({ outDir: dir, people: 2000, seed: 11 });
    const wh = await openWarehouse({ path: ':memory:' });
    for (const file of Object.values(manifest.files).filter((f) => f.keyKind === 'citizen-id')) {
      const fast = await load(wh, join(dir, file.file), file.keyColumn, 'auto', 'fast');
      const js = await load(wh, join(dir, file.file), file.keyColumn, 'js', 'js');
      expect(
        fast.notes.some((n) => n.startsWith("staged by DuckDB's reader")),
        file.file,
      ).toBe(true);
      expect(fast.rows).toEqual(js.rows);
      expect(fast.quarantine).toEqual(js.quarantine);
    }
    wh.close();
  });

  it.each([
    ['a blank line', 'a,b\r\n11010519491231002X,1\r\n\r\n440524188001010014,2\r\n'],
    ['a ragged row', 'a,b\n11010519491231002X,1\n440524188001010014,2,extra\n360426199101010071,3\n'],
    ['lone CR line endings', 'a,b\r11010519491231002X,1\r440524188001010014,2\r'],
  ])('falls back to the JS parser for %s, with the same result', async (_what, text) => {
    const dir = tempDir();
    const path = join(dir, 'x.csv');
    writeFileSync(path, iconv.encode(text, 'gb18030'));
    const wh = await openWarehouse({ path: ':memory:' });
    const fast = await load(wh, path, 'a', 'auto', 'fast');
    const js = await load(wh, path, 'a', 'js', 'js');
    expect(fast.notes.some((n) => n.startsWith("staged by DuckDB's reader"))).toBe(false);
    expect(fast.rows).toEqual(js.rows);
    expect(fast.quarantine).toEqual(js.quarantine);
    wh.close();
  });

  it('keeps source order in the table over many row groups, with and without bad rows in between', async () => {
    // 300,000 rows = 3 of DuckDB's row groups, read and written in parallel; every 7th key is broken.
    const dir = tempDir();
    const path = join(dir, 'order.csv');
    const ids = ['11010519491231002X', '440524188001010014', '360426199101010071'];
    let text = '身份证号,序号\n';
    for (let i = 0; i < 300_000; i++) text += `${i % 7 === 3 ? 'bad' : ids[i % 3]},${i}\n`;
    writeFileSync(path, text);
    const wh = await openWarehouse({ path: join(dir, 'w.duckdb') });
    const p = definePipeline({
      name: 'ordered',
      source: csv({ path }),
      dataset: { name: 'ordered', key: citizenId('身份证号') },
    });
    const r = await loadPipeline(wh, p);
    expect(r.rowsLoaded).toBe(300_000 - Math.ceil((300_000 - 3) / 7));
    const [c] = await wh.all<{ n: number; back: number; loc: number }>(
      `SELECT count(*) AS n, count_if(seq <= prev) AS back, count_if(_source <> 'order.csv:' || (seq + 2)) AS loc
       FROM (SELECT CAST("序号" AS INTEGER) AS seq, lag(CAST("序号" AS INTEGER)) OVER (ORDER BY rowid) AS prev, _source FROM ordered)`,
    );
    expect(c).toEqual({ n: r.rowsLoaded, back: 0, loc: 0 });
    wh.close();
  });
});
