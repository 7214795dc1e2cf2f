import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Connector,
  createConnector,
  type ExtractContext,
  json,
  SourceError,
} from '../../connectors/index.ts';
import { duplicateKeys } from '../../connectors/json/duplicates.ts';
import { DefinitionError } from '../../schemas/errors.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gongshu-json-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string, encoding = 'utf-8'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, iconv.encode(content, encoding));
  return path;
}

async function extractAll(connector: Connector, ctx: Omit<ExtractContext, 'note'> = {}) {
  const out = {
    columns: [] as readonly string[],
    rows: [] as (string | null)[][],
    locations: [] as string[],
    problems: [] as (string | null)[],
    notes: [] as string[],
    batches: 0,
  };
  for await (const batch of connector.extract({ ...ctx, note: (m) => out.notes.push(m) })) {
    expect(batch.locations).toHaveLength(batch.rows.length);
    if (out.batches > 0) expect(batch.columns).toEqual(out.columns);
    out.columns = batch.columns;
    out.rows.push(...batch.rows);
    out.locations.push(...batch.locations);
    out.problems.push(...(batch.problems ?? batch.rows.map(() => null)));
    out.batches++;
  }
  return out;
}

describe('json records', () => {
  it('reads an array, flattening nested objects and keeping arrays as JSON text', async () => {
    const records = [
      {
        id: '650102199001011234',
        姓名: '艾合买提',
        地址: { 省: '新疆', 市: '乌鲁木齐' },
        标签: ['a', 1],
        在册: true,
      },
      { id: '650102198502023456', 姓名: '古丽娜尔', 地址: { 省: '新疆' }, 人数: 3.5, 备注: null },
    ];
    const out = await extractAll(json({ path: await file('list.json', JSON.stringify(records, null, 2)) }));
    expect(out.columns).toEqual(['id', '姓名', '地址.省', '地址.市', '标签', '在册', '人数', '备注']);
    expect(out.rows).toEqual([
      ['650102199001011234', '艾合买提', '新疆', '乌鲁木齐', '["a",1]', 'true', null, null],
      ['650102198502023456', '古丽娜尔', '新疆', null, null, null, '3.5', null],
    ]);
    expect(out.locations).toEqual(['list.json[#0]', 'list.json[#1]']);
  });

  it('reads NDJSON line by line with physical line numbers, a new key late, CRLF and blank lines', async () => {
    const text = '{"a":1,"b":{"c":"x"}}\r\n\r\n{"a":2}\r\n{"a":3,"d":false}\r\n';
    const out = await extractAll(json({ path: await file('rows.ndjson', text), batchSize: 2 }));
    expect(out.columns).toEqual(['a', 'b.c', 'd']);
    expect(out.rows).toEqual([
      ['1', 'x', null],
      ['2', null, null],
      ['3', null, 'false'],
    ]);
    expect(out.locations).toEqual(['rows.ndjson:1', 'rows.ndjson:3', 'rows.ndjson:4']);
    expect(out.batches).toBe(2);
  });

  it('honours flatten separator and maxDepth', async () => {
    const path = await file('deep.ndjson', '{"a":{"b":{"c":1}}}\n');
    const out = await extractAll(json({ path, flatten: { separator: '_', maxDepth: 1 } }));
    expect(out.columns).toEqual(['a_b']);
    expect(out.rows).toEqual([['{"c":1}']]);
  });

  it('finds the records array inside an object with records: "data.list"', async () => {
    const doc = {
      code: 0,
      data: { total: 2, list: [{ 统一社会信用代码: '91650100MA7XXXXXXX' }, { 统一社会信用代码: 'x' }] },
    };
    const path = await file('api.json', JSON.stringify(doc));
    const out = await extractAll(json({ path, records: 'data.list' }));
    expect(out.columns).toEqual(['统一社会信用代码']);
    expect(out.rows).toEqual([['91650100MA7XXXXXXX'], ['x']]);
    expect(out.locations).toEqual(['api.json[#0]', 'api.json[#1]']);
    const error = await extractAll(json({ path, records: 'data.rows' })).catch((e: unknown) => e);
    expect((error as Error).message.replace(dir, '<tmp>')).toMatchInlineSnapshot(
      `"<tmp>/api.json: records: no key "rows" at data (an object with keys "total", "list"). Fix: json({ records: "<dotted path to the array>" }), e.g. records: "data.list""`,
    );
  });

  it('detects GB18030 NDJSON', async () => {
    const text = '{"姓名":"艾合买提·买买提","民族":"维吾尔族"}\n{"姓名":"𠀀","民族":"哈萨克族"}\n';
    const out = await extractAll(json({ path: await file('gb.ndjson', text, 'gb18030') }));
    expect(out.rows).toEqual([
      ['艾合买提·买买提', '维吾尔族'],
      ['𠀀', '哈萨克族'],
    ]);
    expect(out.notes).toContain('encoding gb18030 (detected)');
  });

  it('reads UTF-8 with a BOM', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"名":"值"}]')]));
    expect((await extractAll(json({ path }))).rows).toEqual([['值']]);
  });
});

describe('json bad input', () => {
  it('quarantines a malformed NDJSON line via problems, with its line number, and loads the rest', async () => {
    const text = '{"a":1}\n{"a":2,\n{"a":3}\n[1,2]\n{"a":12345678901234567890}\n';
    const out = await extractAll(json({ path: await file('bad.ndjson', text) }));
    expect(out.rows).toEqual([['1'], [null], ['3'], [null], ['12345678901234567000']]);
    expect(out.locations).toEqual([
      'bad.ndjson:1',
      'bad.ndjson:2',
      'bad.ndjson:3',
      'bad.ndjson:4',
      'bad.ndjson:5',
    ]);
    expect(out.problems[0]).toBeNull();
    expect(out.problems[1]).toMatch(/^json: Expected .* in JSON at position \d+$/);
    expect(out.problems[2]).toBeNull();
    expect(out.problems[3]).toBe('json: the record is an array, expected an object');
    expect(out.problems[4]).toBe(
      'json-number-precision: field a holds an integer beyond 2^53; send it as a string',
    );
  });

  it('flags records holding bytes invalid in the encoding as encoding (NDJSON and arrays)', async () => {
    const nd = join(dir, 'bad-bytes.ndjson');
    await writeFile(
      nd,
      Buffer.concat([Buffer.from('{"a":"张"}\n{"a":"'), Buffer.from([0xff]), Buffer.from('"}\n')]),
    );
    const out = await extractAll(json({ path: nd, encoding: 'utf-8' }));
    expect(out.problems).toEqual([null, 'encoding: bytes invalid in utf-8 (decoded as U+FFFD)']);
    const arr = join(dir, 'bad-bytes.json');
    await writeFile(
      arr,
      Buffer.concat([Buffer.from('[{"a":"x"},{"a":"'), Buffer.from([0xff]), Buffer.from('"}]')]),
    );
    expect((await extractAll(json({ path: arr, encoding: 'utf-8' }))).problems).toEqual([
      null,
      'encoding: bytes invalid in utf-8 (decoded as U+FFFD)',
    ]);
  });

  it('quarantines a record nested 10,000 levels deep as json-depth instead of overflowing the stack', async () => {
    const n = 10_000;
    const text = `{"id": "1", "a": ${'['.repeat(n)}${']'.repeat(n)}}\n{"id": "2", "b": ${'{"x":'.repeat(n)}1${'}'.repeat(n)}}\n{"id": "3", "c": [[1]]}\n`;
    const out = await extractAll(json({ path: await file('deep.ndjson', text) }));
    expect(out.columns).toEqual(['id', 'a', 'b', 'c']);
    expect(out.rows).toEqual([
      ['1', null, null, null],
      ['2', null, null, null],
      ['3', null, null, '[[1]]'],
    ]);
    expect(out.problems).toEqual([
      'json-depth: field a nests more than 100 levels deep; json() reads up to 100',
      'json-depth: field b nests more than 100 levels deep; json() reads up to 100',
      null,
    ]);
    const doc = await extractAll(
      json({ path: await file('deep.json', `[${text.trim().split('\n').join(',')}]`) }),
    );
    expect(doc.problems.filter(Boolean)).toHaveLength(2);
  });

  it('refuses a truncated array with the position', async () => {
    const path = await file('cut.json', '[\n  {"a": 1},\n  {"a": 2');
    const error = await extractAll(json({ path })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message.replace(dir, '<tmp>')).toMatch(
      /^<tmp>\/cut\.json: malformed JSON at line 3, column 10 \(character 23, the end of the file: is it truncated\?\): .+\. Fix: re-export the file completely, or send NDJSON so one bad record does not stop the load$/,
    );
    const bad = await file('bad.json', '[{"a":1},\n {"a" 2}]');
    const e2 = await extractAll(json({ path: bad })).catch((e: unknown) => e);
    expect((e2 as Error).message).toMatch(/malformed JSON at line 2, column \d+ \(character \d+\)/);
  });

  it('refuses a pretty-printed object without records, and bad options', async () => {
    const path = await file('doc.json', '{\n  "data": {\n    "list": []\n  }\n}\n');
    const error = await extractAll(json({ path })).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      'Fix: json({ records: "<dotted path to the records array>" })',
    );
    expect(() => json({ path, format: 'xml' as never })).toThrow(DefinitionError);
    expect(() => createConnector('json', { path, records: 'a..b' })).toThrow(/json\(\): records/);
    const missing = await extractAll(json({ path: join(dir, 'none.json') })).catch((e: unknown) => e);
    expect((missing as Error).message).toContain('file not found. Fix: check json({ path })');
  });
});

describe('duplicateKeys', () => {
  it.each([
    ['{"a": 1, "b": 2}', []],
    ['{"a": 1, "a": {"x": [1, "}"]}}', [{ path: ['a'], dropped: ['1'] }]],
    [
      '[{"a": "x,\\"y"}, {"b": 1, "b": 2, "b": 3}]',
      [
        { path: [1, 'b'], dropped: ['1'] },
        { path: [1, 'b'], dropped: ['1', '2'] },
      ],
    ],
    ['{"o": {"k": null, "\\u006b": true}}', [{ path: ['o', 'k'], dropped: ['null'] }]],
    ['{"a": [{"a": 1}, {"a": 2}]}', []],
  ])('finds the repeated keys of %s', (text, expected) => {
    expect(duplicateKeys(text)).toEqual(expected);
  });
});
