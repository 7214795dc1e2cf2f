import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const GOOD = ['11010519491231002X', '440524188001010014', '360426199101010071'];

describe('gongshu ingest', () => {
  it('loads a GB18030 file ad hoc, remembers the key, and prints the summary as the last JSON line', () => {
    const dir = tempDir();
    const file = join(dir, '户籍.csv');
    writeFileSync(
      file,
      iconv.encode(
        `公民身份号码,姓名\r\n${GOOD[0]},甲\r\n36042619910102009X,乙\r\n,丙\r\n659999199001010018,丁\r\n${GOOD[1]},戊\r\n`,
        'gb18030',
      ),
    );
    const warehouse = join(dir, 'w.duckdb');
    const r = gongshu([
      'ingest',
      file,
      '--dataset',
      'hukou',
      '--key',
      'citizen-id:公民身份号码',
      '--warehouse',
      warehouse,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.lines.at(-1)!);
    expect(summary).toEqual({
      dataset: 'hukou',
      rowsRead: 5,
      rowsLoaded: 2,
      rowsQuarantined: 3,
      quarantineByReason: { checksum: 1, missing: 1, division: 1 },
      loadId: expect.stringMatching(/^hukou-\d{14}-[0-9a-f]{6}$/),
      notes: expect.arrayContaining(['encoding gb18030 (detected)']),
    });
    expect(r.stderr).toContain('load hukou → 2 rows (3 quarantined)');

    // Remembered key: a second file needs no --key.
    const more = join(dir, 'more.csv');
    writeFileSync(more, `公民身份号码,姓名\n${GOOD[2]},己\n`);
    const r2 = gongshu(['ingest', more, '--dataset', 'hukou', '--warehouse', warehouse, '--json']);
    expect(JSON.parse(r2.lines.at(-1)!)).toMatchObject({ rowsLoaded: 1, rowsQuarantined: 0 });

    const sql = gongshu([
      'sql',
      'SELECT 公民身份号码, 姓名 FROM hukou ORDER BY 1',
      '--warehouse',
      warehouse,
      '--json',
    ]);
    expect(sql.lines.map((l) => JSON.parse(l))).toEqual([
      { 公民身份号码: GOOD[0], 姓名: '甲' },
      { 公民身份号码: GOOD[2], 姓名: '己' },
      { 公民身份号码: GOOD[1], 姓名: '戊' },
    ]);

    const list = gongshu(['quarantine', 'list', 'hukou', '--warehouse', warehouse, '--json']);
    expect(
      list.lines.map((l) => JSON.parse(l)).map((x) => [x.source_location, x.reason, x.key_value]),
    ).toEqual([
      ['户籍.csv:3', 'key:checksum', '360426********009X'],
      ['户籍.csv:4', 'key:missing', ''],
      ['户籍.csv:5', 'key:division', '659999********0018'],
    ]);
  });

  it('lists quarantined rows in line order, not as text', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      `公民身份号码,姓名\n${Array.from({ length: 11 }, (_, i) => `x${i},某`).join('\n')}\n`,
    );
    const warehouse = join(dir, 'w.duckdb');
    gongshu([
      'ingest',
      file,
      '--dataset',
      'bad',
      '--key',
      'citizen-id:公民身份号码',
      '--warehouse',
      warehouse,
    ]);
    const list = gongshu(['quarantine', 'list', 'bad', '--warehouse', warehouse, '--json']);
    expect(list.lines.map((l) => JSON.parse(l).source_location)).toEqual(
      Array.from({ length: 11 }, (_, i) => `bad.csv:${i + 2}`),
    );
  });

  it('rejects a bad --key with the allowed forms', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), 'x\n1\n');
    const r = gongshu([
      'ingest',
      join(dir, 'a.csv'),
      '--dataset',
      'a',
      '--key',
      'idcard:x',
      '--warehouse',
      join(dir, 'w.duckdb'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--key: expected citizen-id:COLUMN or uscc:COLUMN; got "idcard:x"');
  });
});

describe('gongshu ingest --dataset naming a system table or schema', () => {
  it('is refused with exit 2 and a fix, in replace and append mode, and the system tables stay intact', async () => {
    const dir = tempDir();
    const file = join(dir, 'people.csv');
    writeFileSync(file, `公民身份号码,姓名\n${GOOD[0]},甲\n`);
    const warehouse = join(dir, 'w.duckdb');
    expect(gongshu(['ingest', file, '--dataset', 'people', '--warehouse', warehouse]).code).toBe(0);
    for (const [dataset, mode, fix] of [
      ['gongshu_loads', 'replace', '--dataset loads'],
      ['gongshu_divisions', 'replace', '--dataset divisions'],
      ['gongshu_runs', 'append', '--dataset runs'],
      ['main', 'append', '--dataset main_data'],
      ['foundation', 'append', '--dataset foundation_data'],
    ] as const) {
      const r = gongshu(['ingest', file, '--dataset', dataset, '--mode', mode, '--warehouse', warehouse]);
      expect(r.code, dataset).toBe(2);
      expect(r.stderr).toContain(`gongshu: --dataset: "${dataset}" is reserved`);
      expect(r.stderr).toContain(`Fix: ${fix}`);
      expect(r.stderr).not.toContain('query failed');
    }
    // Written in capitals, the name is refused for its case, and the fix is not the reserved name itself.
    const upper = gongshu(['ingest', file, '--dataset', 'GONGSHU_LOADS', '--warehouse', warehouse]);
    expect(upper.code).toBe(2);
    expect(upper.stderr).toContain('got "GONGSHU_LOADS". Fix: --dataset loads');
    const wh = await openWarehouse({ path: warehouse, readOnly: true });
    try {
      expect(await wh.value('SELECT count(*) FROM gongshu.loads')).toBe(1);
      expect(await wh.value(`SELECT count(*) FROM gongshu.divisions`)).toBeGreaterThan(3000);
    } finally {
      wh.close();
    }
  });
});

describe('gongshu ingest of nothing to load', () => {
  it('exits 4 for an empty file or [] with --key, and 2 for --mode merge without a key, with no SQL in the message', () => {
    const dir = tempDir();
    const warehouse = join(dir, 'w.duckdb');
    writeFileSync(join(dir, 'empty.json'), '[]');
    const empty = gongshu([
      'ingest',
      join(dir, 'empty.json'),
      '--dataset',
      'e',
      '--key',
      'citizen-id:身份证号',
      '--warehouse',
      warehouse,
    ]);
    expect(empty.code).toBe(4);
    expect(empty.stderr).toContain(
      'empty.json: no rows and no columns (an empty file, or an empty JSON array)',
    );
    writeFileSync(join(dir, 'p.csv'), `身份证号\n${GOOD[0]}\n`);
    const merge = gongshu([
      'ingest',
      join(dir, 'p.csv'),
      '--dataset',
      'm',
      '--mode',
      'merge',
      '--warehouse',
      warehouse,
    ]);
    expect(merge.code).toBe(2);
    expect(merge.stderr).toContain(
      'gongshu: --mode merge: a merge matches rows on the key, and dataset m has none. Fix: --key citizen-id:COLUMN',
    );
    for (const r of [empty, merge]) expect(r.stderr).not.toMatch(/query failed|Binder|Parser Error/);
  });
});

describe('gongshu ingest errors', () => {
  it("speak of the file and the --key flag, not of gongshu's source or config syntax; a JSON scalar is not a key problem", () => {
    const dir = tempDir();
    const warehouse = join(dir, 'w.duckdb');
    writeFileSync(join(dir, 'p.csv'), `公民身份号码,姓名\n${GOOD[0]},甲\n`);
    const key = gongshu([
      'ingest',
      join(dir, 'p.csv'),
      '--dataset',
      'p',
      '--key',
      'citizen-id:身份证',
      '--warehouse',
      warehouse,
    ]);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain(
      `${join(dir, 'p.csv')}: --key: the file has no column "身份证"; its columns are ["公民身份号码", "姓名"]. Fix: --key citizen-id:`,
    );
    expect(key.stderr).not.toMatch(/pipelines\/ingest\.ts|citizenId\(/);
    // A file without a header line: its "columns" are a person's values, never shown; the fix is the header.
    const noHeader = (first: string, ...flags: string[]) => {
      writeFileSync(join(dir, 'nohead.csv'), `${first},艾合买提\n${GOOD[1]},古丽\n`);
      const r = gongshu([
        'ingest',
        join(dir, 'nohead.csv'),
        '--dataset',
        'n',
        '--key',
        'citizen-id:公民身份号码',
        '--warehouse',
        warehouse,
        ...flags,
      ]);
      return { code: r.code, said: `${r.stdout}${r.stderr}` };
    };
    const nohead = noHeader(GOOD[0]!, '--json');
    expect(nohead.code).toBe(2);
    const said = nohead.said;
    expect(said).toContain('its header holds values, not column names (one is an identity number)');
    expect(said).toContain('add a line of column names at the top of the file');
    expect(said).not.toMatch(new RegExp(`${GOOD[0]!.slice(6, 14)}|艾合买提`));
    // Also when the number is written full-width or grouped, as people write it.
    const fullWidth = [...GOOD[0]!].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    const grouped = `${GOOD[0]!.slice(0, 6)}-${GOOD[0]!.slice(6, 14)}-${GOOD[0]!.slice(14)}`;
    for (const written of [fullWidth, grouped]) {
      const r = noHeader(written);
      expect(r.code).toBe(2);
      const out = r.said;
      expect(out).toContain('its header holds values, not column names (one is an identity number)');
      expect(out).not.toContain(written.slice(6, 14));
      expect(out).not.toContain('艾合买提');
    }
    writeFileSync(join(dir, 's.json'), '42\n');
    const scalar = gongshu([
      'ingest',
      join(dir, 's.json'),
      '--dataset',
      's',
      '--key',
      'citizen-id:身份证号',
      '--warehouse',
      warehouse,
    ]);
    expect(scalar.code).toBe(4);
    expect(scalar.stderr).toContain(
      's.json: holds JSON values such as a number, but no record (a JSON object)',
    );
    expect(scalar.stderr).not.toContain('key');
  });

  it('give the fix of a connector option as the ingest flag (--sheet, --header-row, --encoding)', async () => {
    const dir = tempDir();
    const warehouse = join(dir, 'w.duckdb');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('户籍').addRow(['公民身份号码', '姓名']);
    await book.xlsx.writeFile(join(dir, 'p.xlsx'));
    writeFileSync(join(dir, 'bom.csv'), `\uFEFF公民身份号码,姓名\n${GOOD[0]},甲\n`);
    for (const [file, flags, fix] of [
      ['p.xlsx', ['--sheet', 'nope'], 'Fix: --sheet 户籍 or --sheet 1'],
      ['p.xlsx', ['--header-row', '9'], 'Fix: --header-row N with N the Excel row number'],
      ['bom.csv', ['--encoding', 'gb18030'], 'Fix: --encoding utf-8 or --encoding auto'],
    ] as const) {
      const r = gongshu(['ingest', join(dir, file), '--dataset', 'p', ...flags, '--warehouse', warehouse]);
      expect(r.code, file).toBe(4);
      expect(r.stderr).toContain(fix);
      expect(r.stderr).not.toMatch(/excel\(|csv\(/);
    }
  });
});

describe('gongshu quarantine list', () => {
  it("lists the current rows with totals by reason, masked; --all the history with each row's status", () => {
    const dir = tempDir();
    const file = join(dir, 'p.csv');
    writeFileSync(file, `身份证号,姓名\n${GOOD[0]},甲\n36042619910102009X,乙\n${GOOD[1]},丙,多余\n`);
    const warehouse = join(dir, 'w.duckdb');
    for (let i = 0; i < 2; i++) {
      const r = gongshu([
        'ingest',
        file,
        '--dataset',
        'p',
        '--key',
        'citizen-id:身份证号',
        '--mode',
        'replace',
        '--warehouse',
        warehouse,
        '--json',
      ]);
      expect(JSON.parse(r.lines.at(-1)!).quarantineByReason).toEqual({ checksum: 1, 'field-count': 1 });
    }
    const list = gongshu(['quarantine', 'list', 'p', '--warehouse', warehouse]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/p\.csv:3\s+key:checksum\s+360426\*{8}009X/);
    expect(list.stdout).toMatch(/p\.csv:4\s+field-count\s+expected 2 fields, got 3/);
    expect(list.stdout).toMatch(/p\s+field-count\s+1/);
    expect(list.stdout).not.toContain('36042619910102009X');
    expect(list.stdout).toContain('360426********009X');
    expect(list.stderr).toContain('(2 current quarantined rows; key values masked');
    const all = gongshu(['quarantine', 'list', 'p', '--all', '--warehouse', warehouse, '--json']);
    const statuses = all.lines.map((l) => JSON.parse(l).status).sort();
    expect(statuses).toEqual(['current', 'current', 'superseded', 'superseded']);
    expect(all.stderr).toContain('(4 quarantined rows in the history');
    // A misspelled dataset is an unknown name (exit 2, as in replay), not an empty quarantine.
    for (const action of ['list', 'replay']) {
      const typo = gongshu(['quarantine', action, 'pp', '--warehouse', warehouse]);
      expect(typo.code, action).toBe(2);
      expect(typo.stderr).toContain('dataset "pp" is not in this warehouse. Known: p.');
    }
  });

  it('never shows an identity number from a malformed line, in the summary or the logs', () => {
    const dir = tempDir();
    const file = join(dir, 'p.ndjson');
    writeFileSync(file, `{"身份证号": "${GOOD[0]}"}\n{"身份证号": "${GOOD[1]}", "姓名": "李\n`);
    const r = gongshu([
      'ingest',
      file,
      '--dataset',
      'p',
      '--key',
      'citizen-id:身份证号',
      '--warehouse',
      join(dir, 'w.duckdb'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/json\s+1/);
    expect(`${r.stdout}${r.stderr}`).not.toContain(GOOD[1]);
  });
});

describe('gongshu quarantine replay', () => {
  it('replays rows after the cause is fixed, once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.csv'), `身份证号,姓名\n${GOOD[0]},甲\n659901202501010013,新生儿\n`);
    const config = (table: boolean) =>
      writeFileSync(
        join(dir, 'gongshu.config.ts'),
        `import { csv } from '${REPO_ROOT}connectors/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
export default defineProject({
  name: 'county',
  node: { id: '659901', level: 'county', name: '测试甲市' },
  ${table ? "divisionTable: 'divisions.csv'," : ''}
  pipelines: [definePipeline({ name: 'p', source: csv({ path: '${dir}/p.csv' }), dataset: { name: 'p', key: citizenId('身份证号') } })],
});
`,
      );
    writeFileSync(join(dir, 'divisions.csv'), 'code,name,start,end\n659901,测试甲市,2025,\n');
    config(false);
    expect(JSON.parse(gongshu(['run', '--project', dir, '--json']).stdout).rowsQuarantined).toBe(1);
    config(true);
    const replay = gongshu(['quarantine', 'replay', 'p', '--project', dir, '--json']);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ replayed: 1, loaded: 1, quarantinedAgain: 0 });
    const again = gongshu(['quarantine', 'replay', 'p', '--project', dir, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ replayed: 0, loaded: 0 });
    const rows = gongshu(['sql', 'SELECT 姓名, _source FROM p ORDER BY 1', '--project', dir, '--json']);
    expect(rows.lines.map((l) => JSON.parse(l))).toEqual([
      { 姓名: '新生儿', _source: 'p.csv:3' },
      { 姓名: '甲', _source: 'p.csv:2' },
    ]);
  });
});

describe('a crash in the middle of a load', () => {
  it('leaves the previous table, ledger and lock in a state the next run picks up', async () => {
    const dir = tempDir();
    const warehouse = join(dir, 'w.duckdb');
    const small = join(dir, 'small.csv');
    writeFileSync(small, `身份证号\n${GOOD.join('\n')}\n`);
    expect(
      gongshu([
        'ingest',
        small,
        '--dataset',
        'p',
        '--key',
        'citizen-id:身份证号',
        '--mode',
        'replace',
        '--warehouse',
        warehouse,
      ]).code,
    ).toBe(0);
    const big = join(dir, 'big.csv');
    const lines = ['身份证号,序号'];
    for (let i = 0; i < 400_000; i++) lines.push(`${GOOD[i % 3]},${i}`);
    writeFileSync(big, `${lines.join('\n')}\n`);

    for (const delayMs of [150, 600, 1200]) {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          `${REPO_ROOT}cli/main.ts`,
          'ingest',
          big,
          '--dataset',
          'p',
          '--mode',
          'replace',
          '--warehouse',
          warehouse,
        ],
        { stdio: 'ignore' },
      );
      // Listened for at once: on a quiet machine the load may finish before the kill (then the new table is whole).
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await exited;
      // Either the old table or the whole new one — never a part — and the ledger agrees.
      const wh = await openWarehouse({ path: warehouse });
      const rows = await wh.value<number>('SELECT count(*) FROM p');
      const loads = await wh.all<{ rows_loaded: number }>(
        'SELECT rows_loaded FROM gongshu.loads ORDER BY started_at DESC LIMIT 1',
      );
      expect([3, 400_000]).toContain(rows);
      expect(loads[0]!.rows_loaded).toBe(rows);
      wh.close();
    }
    // A re-run completes (the dead process's lock is taken over).
    const r = gongshu([
      'ingest',
      big,
      '--dataset',
      'p',
      '--mode',
      'replace',
      '--warehouse',
      warehouse,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.lines.at(-1)!)).toMatchObject({ rowsLoaded: 400_000 });
  });
});
