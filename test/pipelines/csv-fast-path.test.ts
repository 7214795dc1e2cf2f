import { isUtf8 } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EncodingCheck } from '../../connectors/csv/encoding-check.ts';
import { checkInWorker, PARALLEL_CHECK_BYTES } from '../../connectors/csv/fast-path.ts';
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

  it('notes blank and repeated header names it renames, as the JS parser does', async () => {
    const dir = tempDir();
    const path = join(dir, 'h.csv');
    writeFileSync(path, '身份证号,,身份证号\n11010519491231002X,1,2\n');
    const wh = await openWarehouse({ path: ':memory:' });
    const fast = await load(wh, path, '身份证号', 'auto', 'fast');
    const js = await load(wh, path, '身份证号', 'js', 'js');
    expect(fast.notes.some((n) => n.startsWith("staged by DuckDB's reader"))).toBe(true);
    for (const r of [fast, js]) {
      expect(r.notes).toContain('header: column 2 has no name; named "column_2"');
      expect(r.notes).toContain('header: duplicate column "身份证号" (column 3) renamed "身份证号_2"');
    }
    wh.close();
  });

  it('deletes the temporary UTF-8 copies killed loads left behind, at the next load', async () => {
    const dir = tempDir();
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const stale = join(tmp, 'gongshu-4194305-1796540000000-hukou.csv.utf8.csv'); // a pid no process can have
    const mine = join(tmp, `gongshu-${process.pid}-1796540000000-other.csv.utf8.csv`);
    writeFileSync(stale, 'x');
    writeFileSync(mine, 'x');
    const path = join(dir, 'gb.csv');
    writeFileSync(path, iconv.encode('身份证号,姓名\n11010519491231002X,张三\n', 'gb18030'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const r = await load(wh, path, '身份证号', 'auto', 'gb');
      expect(r.notes).toContain("transcoded gb18030 → UTF-8 for DuckDB's reader");
      expect(readdirSync(tmp)).toEqual([basename(mine)]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      wh.close();
    }
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

describe("bytes that are not in the file's encoding", () => {
  const ids = ['11010519491231002X', '440524188001010014', '360426199101010071'];
  const fastAndJs = async (path: string, encoding: 'auto' | 'gb18030' = 'auto') => {
    const wh = await openWarehouse({ path: ':memory:' });
    const out = [];
    for (const parser of ['auto', 'js'] as const) {
      const dataset = parser === 'auto' ? 'fast' : 'js';
      const p = definePipeline({
        name: dataset,
        source: csv({ path, parser, encoding }),
        dataset: { name: dataset, key: citizenId('身份证号') },
      });
      const r = await loadPipeline(wh, p);
      const quarantine = (
        await wh.json(
          `SELECT source_location, reason FROM gongshu.quarantine WHERE dataset = $1 ORDER BY rowid`,
          [dataset],
        )
      ).rows;
      const names = (await wh.json(`SELECT "姓名" FROM ${dataset} ORDER BY rowid`)).rows.map((x) => x.姓名);
      // the values the quarantine keeps of each row
      const kept = (
        await wh.json(
          `SELECT row_json->>'姓名' AS name, row_json->>'身份证号' AS id FROM gongshu.quarantine WHERE dataset = $1 ORDER BY rowid`,
          [dataset],
        )
      ).rows.map((x) => [x.id, x.name]);
      out.push({ r, quarantine, names, kept });
    }
    wh.close();
    const [fast, js] = out as [(typeof out)[0], (typeof out)[0]];
    expect(
      fast.r.notes.some((n) => n.startsWith("staged by DuckDB's reader")),
      fast.r.notes.join('; '),
    ).toBe(true);
    expect(fast.quarantine).toEqual(js.quarantine);
    expect(fast.names).toEqual(js.names);
    expect(fast.kept).toEqual(js.kept);
    expect(fast.r.rowsLoaded).toBe(js.r.rowsLoaded);
    return { fast, js };
  };

  it('quarantines the rows of a GB18030 file with invalid bytes as encoding with file:line, on both paths', async () => {
    const dir = tempDir();
    const path = join(dir, 'gb.csv');
    const lines = [iconv.encode('身份证号,姓名\n', 'gb18030')];
    for (let i = 0; i < 50; i++) {
      lines.push(iconv.encode(`${ids[i % 3]},`, 'gb18030'));
      // rows 10 and 20 hold a byte that is not GB18030 (0xFF) after 张
      lines.push(i === 10 || i === 20 ? Buffer.from([0xd5, 0xc5, 0xff]) : iconv.encode('张三', 'gb18030'));
      lines.push(Buffer.from('\n'));
    }
    writeFileSync(path, Buffer.concat(lines));
    const { fast } = await fastAndJs(path);
    expect(fast.quarantine).toEqual([
      { source_location: 'gb.csv:12', reason: expect.stringMatching(/^encoding/) },
      { source_location: 'gb.csv:22', reason: expect.stringMatching(/^encoding/) },
    ]);
    expect(fast.r.rowsLoaded).toBe(48);
    expect(fast.names.every((n) => n === '张三')).toBe(true);
  });

  it('loads a UTF-8 file with GB18030 lines after the first 64 KB, quarantining those lines and naming the mix once', async () => {
    const dir = tempDir();
    const path = join(dir, 'mixed.csv');
    const parts: Buffer[] = [Buffer.from('身份证号,姓名\n')];
    for (let i = 0; i < 3000; i++) parts.push(Buffer.from(`${ids[i % 3]},张三丰${i}\n`));
    for (let i = 0; i < 3; i++) parts.push(iconv.encode(`${ids[i]},李四光\n`, 'gb18030'));
    parts.push(Buffer.from(`${ids[0]},王五\n`));
    writeFileSync(path, Buffer.concat(parts));
    expect(Buffer.concat(parts).length).toBeGreaterThan(64 * 1024);
    const { fast, js } = await fastAndJs(path);
    expect(fast.quarantine.map((q) => q.source_location)).toEqual([
      'mixed.csv:3002',
      'mixed.csv:3003',
      'mixed.csv:3004',
    ]);
    expect(fast.quarantine.every((q) => String(q.reason).startsWith('encoding'))).toBe(true);
    // the quarantine keeps the lines' text decoded as GB18030, not U+FFFD
    expect(fast.kept).toEqual([0, 1, 2].map((i) => [ids[i], '李四光']));
    expect(fast.r.rowsLoaded).toBe(3001);
    for (const r of [fast.r, js.r]) {
      const mixNotes = r.notes.filter((n) => n.includes('mixes encodings'));
      expect(mixNotes).toEqual([
        'encoding: 3 lines are not utf-8 (first at mixed.csv:3002); they decode as GB18030: the file mixes encodings; their rows are quarantined as encoding',
      ]);
    }
  });

  it('quarantines GB18030 lines of a UTF-8 file that happen to be valid UTF-8 (谢伟 reads as лΰ), on both paths', async () => {
    const dir = tempDir();
    const path = join(dir, 'short.csv');
    const parts: Buffer[] = [Buffer.from('身份证号,姓名\n')];
    for (let i = 0; i < 3000; i++) parts.push(Buffer.from(`${ids[i % 3]},张三丰${i}\n`));
    // a GB18030 line that is not UTF-8, then two that are (two-byte UTF-8 only), then UTF-8 rows again
    parts.push(iconv.encode(`${ids[0]},李四光\n`, 'gb18030'));
    parts.push(iconv.encode(`${ids[1]},谢伟\n`, 'gb18030'));
    parts.push(Buffer.from(`${ids[2]},王五\n`));
    parts.push(iconv.encode(`${ids[0]},石英\n`, 'gb18030'));
    parts.push(Buffer.from(`${ids[1]},Олег 王\n`));
    const bytes = Buffer.concat(parts);
    expect(isUtf8(iconv.encode(`${ids[1]},谢伟\n`, 'gb18030'))).toBe(true);
    writeFileSync(path, bytes);
    const { fast } = await fastAndJs(path);
    expect(fast.quarantine).toEqual(
      [3002, 3003, 3005].map((line) => ({ source_location: `short.csv:${line}`, reason: 'encoding' })),
    );
    expect(fast.kept).toEqual([
      [ids[0], '李四光'],
      [ids[1], '谢伟'],
      [ids[0], '石英'],
    ]);
    expect(fast.names.slice(-2)).toEqual(['王五', 'Олег 王']);
    expect(fast.r.notes).toContain(
      'encoding: 1 line is not utf-8 (first at short.csv:3002); they decode as GB18030: the file mixes encodings; 2 more lines are valid utf-8 but GB18030 text like them (first at short.csv:3003); their rows are quarantined as encoding',
    );
  });

  it('reads a UTF-8 file with bad lines in its first 64 KB as UTF-8: only those lines are quarantined, on both paths', async () => {
    const dir = tempDir();
    const path = join(dir, 'early.csv');
    const parts: Buffer[] = [Buffer.from('身份证号,姓名\n')];
    for (let i = 0; i < 100; i++) {
      const row = `${ids[i % 3]},张三丰\n`;
      // line 4 has a byte that is neither UTF-8 nor GB18030, line 6 is GB18030 text
      parts.push(
        i === 2
          ? Buffer.concat([Buffer.from(`${ids[2]},张`), Buffer.from([0xff]), Buffer.from('\n')])
          : i === 4
            ? iconv.encode(row, 'gb18030')
            : Buffer.from(row),
      );
    }
    writeFileSync(path, Buffer.concat(parts));
    const { fast } = await fastAndJs(path);
    expect(fast.quarantine).toEqual([
      { source_location: 'early.csv:4', reason: 'encoding' },
      { source_location: 'early.csv:6', reason: 'encoding' },
    ]);
    expect(fast.names).toEqual(Array(98).fill('张三丰'));
    expect(fast.r.notes).toContain('encoding utf-8 (detected)');
  });

  it('quarantines UTF-8 lines of a file declared GB18030 instead of loading them as mojibake, on both paths', async () => {
    const dir = tempDir();
    const path = join(dir, 'declared.csv');
    const parts = [iconv.encode('身份证号,姓名\n', 'gb18030')];
    for (let i = 0; i < 30; i++) {
      const row = `${ids[i % 3]},张三丰\n`;
      parts.push(i % 10 === 5 ? Buffer.from(row) : iconv.encode(row, 'gb18030'));
    }
    writeFileSync(path, Buffer.concat(parts));
    const { fast } = await fastAndJs(path, 'gb18030');
    expect(fast.quarantine.map((q) => q.source_location)).toEqual([
      'declared.csv:7',
      'declared.csv:17',
      'declared.csv:27',
    ]);
    expect(fast.quarantine.every((q) => String(q.reason).startsWith('encoding'))).toBe(true);
    expect(fast.names).toEqual(Array(27).fill('张三丰'));
    // the quarantine keeps the lines' text decoded as UTF-8, not mojibake
    expect(fast.kept).toEqual([5, 15, 25].map((i) => [ids[i % 3], '张三丰']));
    expect(fast.r.notes).toContain(
      'encoding: 3 lines of this gb18030 file are UTF-8 text (first at declared.csv:7): the file mixes encodings; their rows are quarantined as encoding',
    );
  });

  it('checks a large GB18030 file in a worker thread while it transcodes it, with the same findings', async () => {
    const dir = tempDir();
    const path = join(dir, 'large.csv');
    // Rows of ~1 KB, enough lines to pass PARALLEL_CHECK_BYTES; UTF-8 lines at known places, CR LF breaks.
    const pad = 'x'.repeat(1000);
    const utf8At = new Set([5, 40_000, 60_000]);
    const parts = [iconv.encode('身份证号,姓名,备注\r\n', 'gb18030')];
    let bytes = 0;
    let line = 1;
    while (bytes <= PARALLEL_CHECK_BYTES) {
      line++;
      const row = `${ids[line % 3]},张三丰,${pad}\r\n`;
      const encoded = utf8At.has(line) ? Buffer.from(row) : iconv.encode(row, 'gb18030');
      parts.push(encoded);
      bytes += encoded.length;
    }
    writeFileSync(path, Buffer.concat(parts));
    expect(line).toBeGreaterThan(60_000);

    const inline = new EncodingCheck('gb18030');
    inline.push(readFileSync(path));
    inline.end();
    const worker = await checkInWorker(path, 'gb18030', 0).check;
    expect(worker?.findings()).toEqual(inline.findings());
    expect(worker?.mixedLines).toEqual([5, 40_000, 60_000]);
    // A worker that cannot read the file says so with undefined (the caller then checks the file itself).
    expect(await checkInWorker(join(dir, 'missing.csv'), 'gb18030', 0).check).toBeUndefined();

    const wh = await openWarehouse({ path: ':memory:' });
    const fast = await load(wh, path, '身份证号', 'auto', 'large');
    wh.close();
    expect(fast.notes.some((n) => n.startsWith("staged by DuckDB's reader"))).toBe(true);
    expect(fast.notes).toContain('the encoding checked in a worker thread while transcoding');
    expect(fast.quarantine.map((q) => [q.source_location, q.reason])).toEqual([
      ['large.csv:40000', 'encoding'],
      ['large.csv:5', 'encoding'],
      ['large.csv:60000', 'encoding'],
    ]);
    expect(fast.rows).toHaveLength(line - 1 - 3);
  });
});
