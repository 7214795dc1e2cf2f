import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileGlob, matchFiles } from '../../connectors/folder/glob.ts';
import { type Connector, type ExtractContext, folder, SourceError } from '../../connectors/index.ts';
import { DefinitionError } from '../../schemas/errors.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gongshu-folder-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface FileRecord {
  path: string;
  sha256: string;
  rows: number;
}

async function extractAll(connector: Connector, ctx: Omit<ExtractContext, 'note'> = {}) {
  const out = {
    columns: [] as readonly string[],
    rows: [] as (string | null)[][],
    locations: [] as string[],
    notes: [] as string[],
    files: [] as FileRecord[],
    /** For each batch: how many rows, and which files it completes. */
    batches: [] as { rows: number; files: string[] }[],
  };
  for await (const batch of connector.extract({ ...ctx, note: (m) => out.notes.push(m) })) {
    if (out.batches.length > 0) expect(batch.columns).toEqual(out.columns);
    out.columns = batch.columns;
    out.rows.push(...batch.rows);
    out.locations.push(...batch.locations);
    out.files.push(...(batch.files ?? []));
    out.batches.push({ rows: batch.rows.length, files: (batch.files ?? []).map((f) => f.path) });
  }
  return out;
}

const HEADER = '公民身份号码,姓名';

async function drop(): Promise<string> {
  const d = join(dir, 'drop');
  await mkdir(d);
  await writeFile(
    join(d, 'hukou-2.csv'),
    `${HEADER}\n650102199001011234,艾合买提\n650102199001011235,古丽\n`,
  );
  await writeFile(join(d, 'hukou-1.csv'), `${HEADER}\n650102198502023456,阿依\n`);
  await writeFile(join(d, 'hukou-3.csv'), `姓名,公民身份号码\n买买提,650102197001011111\n`);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('户籍');
  ws.addRow(['2026年户籍人口登记表']);
  ws.mergeCells('A1:B1');
  ws.addRow(['公民身份号码', '姓名']);
  ws.addRow(['650102196001012222', '热依拉']);
  await wb.xlsx.writeFile(join(d, 'hukou-4.xlsx'));
  await writeFile(join(d, 'readme.md'), '# not data\n');
  return d;
}

describe('folder', () => {
  it('reads matching files in name order, each with its own locations and kind, and reports hashes', async () => {
    const d = await drop();
    const out = await extractAll(folder({ glob: join(d, 'hukou-*') }));
    expect(out.columns).toEqual(['公民身份号码', '姓名']);
    expect(out.rows).toEqual([
      ['650102198502023456', '阿依'],
      ['650102199001011234', '艾合买提'],
      ['650102199001011235', '古丽'],
      ['650102197001011111', '买买提'],
      ['650102196001012222', '热依拉'],
    ]);
    expect(out.locations).toEqual([
      'hukou-1.csv:2',
      'hukou-2.csv:2',
      'hukou-2.csv:3',
      'hukou-3.csv:2',
      'hukou-4.xlsx!户籍!3',
    ]);
    expect(out.files.map((f) => [f.path, f.rows])).toEqual([
      [join(d, 'hukou-1.csv'), 1],
      [join(d, 'hukou-2.csv'), 2],
      [join(d, 'hukou-3.csv'), 1],
      [join(d, 'hukou-4.xlsx'), 1],
    ]);
    for (const f of out.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Each file's record rides on its own last batch.
    expect(out.batches.map((b) => b.files.length)).toEqual([1, 1, 1, 1]);
    expect(out.notes).toContain('hukou-1.csv: encoding utf-8 (detected)');
  });

  it('skips a re-sent file (same content, another name) by hash, from the ledger and within the drop', async () => {
    const d = await drop();
    const first = await extractAll(folder({ glob: join(d, '*.csv') }));
    const loaded = new Set(first.files.map((f) => f.sha256));
    await writeFile(join(d, 'hukou-9-resent.csv'), `${HEADER}\n650102198502023456,阿依\n`);
    await writeFile(join(d, 'hukou-5.csv'), `${HEADER}\n650102198808083333,新人\n`);
    const second = await extractAll(folder({ glob: join(d, '*.csv') }), { seen: (h) => loaded.has(h) });
    expect(second.rows).toEqual([['650102198808083333', '新人']]);
    expect(second.files.map((f) => f.path)).toEqual([join(d, 'hukou-5.csv')]);
    const skipped = second.notes.filter((n) => n.startsWith('skip '));
    expect(skipped).toHaveLength(4);
    expect(skipped).toContainEqual(
      expect.stringMatching(/^skip .*hukou-9-resent\.csv: already loaded \(sha256 [0-9a-f]{12}…\)$/),
    );
    // Without a ledger, a copy inside the same drop is still read once.
    const third = await extractAll(folder({ glob: join(d, '*.csv') }));
    expect(third.notes).toContainEqual(
      expect.stringMatching(/^skip .*hukou-9-resent\.csv: same content as .*hukou-1\.csv/),
    );
  });

  it('reports a file without rows on a batch, and refuses a file whose columns differ', async () => {
    const d = join(dir, 'd');
    await mkdir(d);
    await writeFile(join(d, 'a.csv'), `${HEADER}\n`);
    const empty = await extractAll(folder({ glob: join(d, '*.csv') }));
    expect(empty.batches).toEqual([{ rows: 0, files: [join(d, 'a.csv')] }]);
    await writeFile(join(d, 'b.csv'), `${HEADER}\n1,x\n`);
    await writeFile(join(d, 'c.csv'), '公民身份号码,名字\n2,y\n');
    const error = await extractAll(folder({ glob: join(d, '*.csv') })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message.replaceAll(d, '<d>')).toMatchInlineSnapshot(
      `"<d>/c.csv: its columns differ from <d>/b.csv's; missing "姓名"; extra "名字". A folder drop loads files of one layout into one dataset. Fix: correct the file, or load it with its own pipeline"`,
    );
  });

  it('matches * and ** relative to the working directory, and validates per-kind options up front', async () => {
    const d = join(dir, 'tree');
    await mkdir(join(d, '2026', '01'), { recursive: true });
    await writeFile(join(d, 'top.csv'), 'a\n1\n');
    await writeFile(join(d, '2026', 'x.csv'), 'a\n2\n');
    await writeFile(join(d, '2026', '01', 'y.csv'), 'a\n3\n');
    await writeFile(join(d, '2026', '01', 'y.json'), '{}\n');
    expect(await matchFiles(join(d, '**/*.csv'))).toEqual([
      join(d, '2026/01/y.csv'),
      join(d, '2026/x.csv'),
      join(d, 'top.csv'),
    ]);
    expect(await matchFiles(join(d, '*/*.csv'))).toEqual([join(d, '2026/x.csv')]);
    expect(compileGlob('drop/hukou-?.csv')).toMatchObject({ base: 'drop', depth: 1 });
    const cwd = process.cwd();
    process.chdir(d);
    try {
      expect(await matchFiles('2026/**/*.csv')).toEqual(['2026/01/y.csv', '2026/x.csv']);
    } finally {
      process.chdir(cwd);
    }
    expect(() => folder({ glob: 'x/*.csv', options: { csv: { encoding: 'latin1' } } })).toThrow(
      DefinitionError,
    );
    expect(() => folder({ glob: 'x/*.csv', options: { csv: { path: 'a.csv' } } })).toThrow(/no path/);
    expect((await folder({ glob: join(d, '*.nothing') }).check()).ok).toBe(false);
  });
});
