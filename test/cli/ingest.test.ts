import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
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
