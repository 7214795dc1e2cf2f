import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csv, json, memory } from '../../connectors/index.ts';
import {
  citizenId,
  definePipeline,
  loadPipeline,
  type PipelineSpec,
  replayQuarantine,
} from '../../pipelines/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const A = '11010519491231002X';
const B = '440524188001010014';
const C = '360426199101010071';
const BAD = '36042619910102009X'; // bad check character

type Dataset = PipelineSpec['dataset'];

function people(
  rows: (string | null)[][],
  dataset: Partial<Dataset> = {},
  columns = ['身份证号', '更新日期'],
) {
  return definePipeline({
    name: 'people',
    source: memory({
      name: 'people.csv',
      columns,
      rows,
      locations: rows.map((_, i) => `people.csv:${i + 2}`),
    }),
    dataset: { name: 'people', key: citizenId('身份证号'), ...dataset },
  });
}

const current = async (wh: Warehouse) =>
  wh.all<{ source_location: string; reason: string; load_id: string }>(
    'SELECT source_location, reason, load_id FROM gongshu.quarantine_current ORDER BY quarantined_at, source_location',
  );
const stored = async (wh: Warehouse) => Number(await wh.value('SELECT count(*) FROM gongshu.quarantine'));

describe('rows behind the incremental cursor', () => {
  it('are skipped whatever their key: a re-read never quarantines a row twice', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const inc = { column: '更新日期' };
    const first = [
      [A, '2026-03-01'],
      [BAD, '2026-03-02'],
      [null, '2026-03-03'],
      [B, '2026-03-04'],
    ];
    const r1 = await loadPipeline(wh, people(first, { writeMode: 'append', incremental: inc }));
    expect(r1).toMatchObject({ rowsLoaded: 2, rowsQuarantined: 2, cursor: '2026-03-04' });
    // The department sends the whole file again, plus one new row: only that row is new.
    const r2 = await loadPipeline(
      wh,
      people([...first, [C, '2026-03-05']], { writeMode: 'append', incremental: inc }),
    );
    expect(r2).toMatchObject({ rowsLoaded: 1, rowsQuarantined: 0, rowsSkipped: 4 });
    expect(r2.quarantinedByReason).toEqual({});
    expect(await stored(wh)).toBe(2);
    wh.close();
  });

  it('are skipped in the lag window too when they were quarantined before, and a missing cursor value once', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const inc = { column: '更新日期', lag: 5 };
    const rows = [
      [A, '2026-03-01'],
      [BAD, '2026-03-03'],
      [B, null],
    ];
    const r1 = await loadPipeline(wh, people(rows, { writeMode: 'append', incremental: inc }));
    expect(r1.quarantinedByReason).toEqual({ 'key:checksum': 1, 'cursor:missing': 1 });
    const r2 = await loadPipeline(wh, people(rows, { writeMode: 'append', incremental: inc }));
    expect(r2).toMatchObject({ rowsLoaded: 0, rowsQuarantined: 0, rowsSkipped: 3 });
    expect(await stored(wh)).toBe(2);
    wh.close();
  });
});

describe('the current quarantine', () => {
  it('holds only rows of live loads: a replace supersedes the rows of the loads before it', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const rows = [
      [A, '2026-03-01'],
      [BAD, '2026-03-02'],
    ];
    for (let i = 0; i < 3; i++) await loadPipeline(wh, people(rows, { writeMode: 'replace' }));
    expect(await stored(wh)).toBe(3);
    const live = await current(wh);
    expect(live.map((r) => [r.source_location, r.reason])).toEqual([['people.csv:3', 'key:checksum']]);
    const lastLoad = await wh.value<string>(
      'SELECT load_id FROM gongshu.loads ORDER BY started_at DESC, finished_at DESC LIMIT 1',
    );
    expect(live[0]?.load_id).toBe(lastLoad);
    // Appends keep every load's rows current.
    await loadPipeline(wh, people([[BAD, '2026-03-09']], { writeMode: 'append' }));
    expect((await current(wh)).length).toBe(2);
    wh.close();
  });

  it('is what replay replays: superseded rows never, each current row once', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const rows = [
      [A, '2026-03-01'],
      ['6599012025010100', '2026-03-02'], // too short: key:format, fixed below by a definition change? no: stays
      [BAD, '2026-03-02'],
    ];
    for (let i = 0; i < 3; i++) await loadPipeline(wh, people(rows, { writeMode: 'replace' }));
    const r = await replayQuarantine(wh, 'people', { pipeline: people([], { writeMode: 'replace' }) });
    expect(r.replayed).toBe(2);
    expect(r.load?.rowsQuarantined).toBe(2);
    // The rows failed again: the replay's load holds the current ones, the replayed originals are history.
    expect((await current(wh)).map((q) => q.load_id)).toEqual([r.load?.loadId, r.load?.loadId]);
    expect(await wh.value('SELECT count(*) FROM people')).toBe(1);
    const again = await replayQuarantine(wh, 'people', { pipeline: people([], { writeMode: 'replace' }) });
    expect(again.replayed).toBe(2);
    expect(await wh.value('SELECT count(*) FROM people')).toBe(1);
    expect((await current(wh)).length).toBe(2);
    wh.close();
  });

  it('leaves malformed source rows out of a replay and says so', async () => {
    const dir = tempDir();
    const path = join(dir, 'p.ndjson');
    writeFileSync(path, `{"身份证号": "${A}"}\n{"身份证号": "${BAD}"}\n{"身份证号": "${B}", "姓名\n`);
    const p = definePipeline({
      name: 'p',
      source: json({ path }),
      dataset: { name: 'p', key: citizenId('身份证号'), writeMode: 'append' },
    });
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(wh, p);
    const r = await replayQuarantine(wh, 'p', { pipeline: p });
    expect(r.replayed).toBe(1);
    expect(r.notReplayable).toEqual({ json: 1 });
    expect(await wh.value('SELECT count(*) FROM p')).toBe(1);
    wh.close();
  });
});

describe('reason codes', () => {
  it('are stable codes with the parser message in detail, identity numbers masked, nothing of the row in either', async () => {
    const dir = tempDir();
    const path = join(dir, 'p.ndjson');
    writeFileSync(
      path,
      [
        `{"身份证号": "${A}", "姓名": "张三"}`,
        `{"身份证号": "${B}", "姓名": "李四`,
        `{"身份证号": "${C}", "姓名": 王五}`,
        `{"身份证号": "${BAD}", "姓名": "赵六"}`,
      ].join('\n'),
    );
    const p = definePipeline({
      name: 'p',
      source: json({ path }),
      dataset: { name: 'p', key: citizenId('身份证号') },
    });
    const wh = await openWarehouse({ path: ':memory:' });
    const r = await loadPipeline(wh, p);
    expect(r.quarantinedByReason).toEqual({ json: 2, 'key:checksum': 1 });
    const rows = await wh.all<{ reason: string; detail: string | null }>(
      'SELECT reason, detail FROM gongshu.quarantine ORDER BY source_location',
    );
    expect(rows).toEqual([
      { reason: 'json', detail: 'Unterminated string in JSON at position 40' },
      { reason: 'json', detail: "Unexpected token '王' (not valid JSON)" },
      { reason: 'key:checksum', detail: null },
    ]);
    const text = JSON.stringify({ r, rows });
    for (const secret of [B, C, '李四', '王五']) expect(text).not.toContain(secret);
    wh.close();
  });

  it('are migrated on open from the free-text reasons earlier versions stored', async () => {
    const dir = tempDir();
    const file = join(dir, 'w.duckdb');
    const wh = await openWarehouse({ path: file });
    // The first layout (main.gongshu_quarantine, without detail and row_hash), as an earlier version left it.
    await wh.run(
      'CREATE TABLE main.gongshu_quarantine AS SELECT * EXCLUDE (detail, row_hash) FROM gongshu.quarantine',
    );
    await wh.run(
      `INSERT INTO main.gongshu_quarantine (load_id, dataset, source_location, reason, row_json, quarantined_at)
       VALUES ('l1', 'p', 'p.ndjson:2', 'json: Unterminated string in JSON at position 37; the line reads "{\\"身份证号\\": \\"${B}\\", \\"姓名\\": \\"李四"', '{}', now()),
              ('l1', 'p', 'p.csv:3', 'field-count: expected 2 fields, got 3', '{}', now()),
              ('l1', 'p', 'p.csv:4', 'key:checksum', '{}', now())`,
    );
    wh.close();
    // A read-only open (quarantine list, sql) upgrades an older warehouse first.
    const ro = await openWarehouse({ path: file, readOnly: true });
    expect(await ro.all('SELECT reason, detail FROM gongshu.quarantine ORDER BY source_location')).toEqual([
      { reason: 'field-count', detail: 'expected 2 fields, got 3' },
      { reason: 'key:checksum', detail: null },
      { reason: 'json', detail: 'Unterminated string in JSON at position 37' },
    ]);
    ro.close();
    // A warehouse of this layout but an older version is upgraded too.
    const rw = await openWarehouse({ path: file });
    await rw.run(
      `UPDATE gongshu.quarantine SET reason = 'quote: unterminated', detail = NULL WHERE reason = 'json'`,
    );
    await rw.run(`UPDATE gongshu.meta SET value = '2' WHERE key = 'schema_version'`);
    rw.close();
    const ro2 = await openWarehouse({ path: file, readOnly: true });
    expect(await ro2.value(`SELECT detail FROM gongshu.quarantine WHERE reason = 'quote'`)).toBe(
      'unterminated',
    );
    ro2.close();
  });
});

describe('a row with more fields than the header', () => {
  it('keeps every field in the quarantined row_json, the extra ones as _extra_<field number>', async () => {
    const dir = tempDir();
    const path = join(dir, 'wide.csv');
    writeFileSync(path, `身份证号,姓名\n${A},甲\n${B},乙,北京,"多,余"\n${C},丙\n`);
    const wh = await openWarehouse({ path: ':memory:' });
    const p = definePipeline({
      name: 'wide',
      source: csv({ path }),
      dataset: { name: 'wide', key: citizenId('身份证号') },
    });
    const r = await loadPipeline(wh, p);
    expect(r.quarantinedByReason).toEqual({ 'field-count': 1 });
    const [q] = await wh.all<{ row: string; detail: string }>(
      'SELECT CAST(row_json AS VARCHAR) AS row, detail FROM gongshu.quarantine',
    );
    expect(JSON.parse(q!.row)).toEqual({ 身份证号: B, 姓名: '乙', _extra_3: '北京', _extra_4: '多,余' });
    expect(q!.detail).toBe('expected 2 fields, got 4');
    wh.close();
  });
});

describe('an empty source', () => {
  it('cannot create a dataset (a clear SourceError), and leaves an existing one unchanged, even in replace mode', async () => {
    const dir = tempDir();
    const wh = await openWarehouse({ path: ':memory:' });
    for (const [name, text] of [
      ['empty.csv', ''],
      ['empty.json', '[]'],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const source = name.endsWith('.csv') ? csv({ path }) : json({ path });
      const p = definePipeline({ name: 'e', source, dataset: { name: 'e', key: citizenId('身份证号') } });
      const error = (await loadPipeline(wh, p).catch((e: unknown) => e)) as Error;
      expect(error.constructor.name).toBe('SourceError');
      expect(error.message).toBe(
        `${path}: no rows and no columns (an empty file, or an empty JSON array): there is nothing to create dataset e from, so nothing was loaded. Fix: check the department's export, and load it once it has a header and rows`,
      );
    }
    await loadPipeline(wh, people([[A, '2026-03-01']], { writeMode: 'replace' }));
    const path = join(dir, 'empty.csv');
    const r = await loadPipeline(
      wh,
      definePipeline({
        name: 'people',
        source: csv({ path }),
        dataset: { name: 'people', key: citizenId('身份证号'), writeMode: 'replace' },
      }),
    );
    expect(r.rowsLoaded).toBe(0);
    expect(r.notes).toContain(
      'the source has no rows and no columns: nothing was written, the table is unchanged',
    );
    expect(await wh.all('SELECT 身份证号 FROM people')).toEqual([{ 身份证号: A }]);
    wh.close();
  });
});

describe('a JSON record with a repeated key', () => {
  it('is quarantined as duplicate-field with both values in row_json, NDJSON and arrays alike', async () => {
    const dir = tempDir();
    const nd = join(dir, 'two-ids.ndjson');
    writeFileSync(nd, `{"身份证号": "${A}"}\n{"身份证号": "${B}", "姓名": "乙", "身份证号": "${C}"}\n`);
    const doc = join(dir, 'two-ids.json');
    writeFileSync(
      doc,
      `{"data": {"list": [{"身份证号": "${A}"}, {"身份证号": "${B}", "地址": {"市": "甲", "市": "乙"}, "身份证号": "${C}"}]}}`,
    );
    const wh = await openWarehouse({ path: ':memory:' });
    for (const [name, source] of [
      ['nd', json({ path: nd })],
      ['doc', json({ path: doc, records: 'data.list' })],
    ] as const) {
      const r = await loadPipeline(
        wh,
        definePipeline({ name, source, dataset: { name, key: citizenId('身份证号') } }),
      );
      expect(r).toMatchObject({
        rowsLoaded: 1,
        rowsQuarantined: 1,
        quarantinedByReason: { 'duplicate-field': 1 },
      });
      const [q] = await wh.all<{ row: string; detail: string }>(
        'SELECT CAST(row_json AS VARCHAR) AS row, detail FROM gongshu.quarantine WHERE dataset = $1',
        [name],
      );
      expect(JSON.parse(q!.row)).toMatchObject({ 身份证号: C, _duplicate_身份证号: B });
      expect(q!.detail).toContain(
        'field "身份证号" appears twice; JSON keeps the last value, the earlier one is kept in the quarantined row as _duplicate_身份证号',
      );
    }
    const [d] = await wh.all<{ row: string }>(
      `SELECT CAST(row_json AS VARCHAR) AS row FROM gongshu.quarantine WHERE dataset = 'doc'`,
    );
    expect(JSON.parse(d!.row)).toMatchObject({ '地址.市': '乙', '_duplicate_地址.市': '甲' });
    wh.close();
  });
});
