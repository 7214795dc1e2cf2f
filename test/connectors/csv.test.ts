import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_CHUNK } from '../../connectors/csv/csv.ts';
import { createDecoder } from '../../connectors/csv/encoding.ts';
import { CsvParser } from '../../connectors/csv/parser.ts';
import {
  type Connector,
  type CsvOptionsInput,
  connectorKinds,
  createConnector,
  csv,
  type ExtractContext,
  SourceError,
} from '../../connectors/index.ts';
import { DefinitionError } from '../../schemas/errors.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gongshu-csv-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `content` (text in `encoding`, or raw bytes) to a file in the test's temp dir; returns its path. */
async function file(name: string, content: string | Uint8Array, encoding = 'utf-8'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? iconv.encode(content, encoding) : content);
  return path;
}

interface Extracted {
  columns: readonly string[];
  rows: (string | null)[][];
  locations: string[];
  problems: (string | null)[];
  notes: string[];
  batchSizes: number[];
}

async function extractAll(connector: Connector, ctx: Omit<ExtractContext, 'note'> = {}): Promise<Extracted> {
  const out: Extracted = { columns: [], rows: [], locations: [], problems: [], notes: [], batchSizes: [] };
  for await (const batch of connector.extract({ ...ctx, note: (m) => out.notes.push(m) })) {
    expect(batch.locations).toHaveLength(batch.rows.length);
    if (batch.problems) expect(batch.problems).toHaveLength(batch.rows.length);
    out.columns = batch.columns;
    out.rows.push(...batch.rows);
    out.locations.push(...batch.locations);
    out.problems.push(...(batch.problems ?? batch.rows.map(() => null)));
    out.batchSizes.push(batch.rows.length);
  }
  return out;
}

async function read(
  name: string,
  content: string | Uint8Array,
  options: Omit<CsvOptionsInput, 'path'> = {},
  encoding = 'utf-8',
) {
  return extractAll(csv({ path: await file(name, content, encoding), ...options }));
}

const CHINESE_ROWS = [
  ['650102199001011234', '艾合买提·买买提', '维吾尔族', '𠀀'],
  ['650102198502023456', '古丽娜尔', '哈萨克族', '乌鲁木齐市天山区'],
];
const CHINESE_CSV = `身份号码,姓名,民族,备注\n${CHINESE_ROWS.map((r) => r.join(',')).join('\n')}\n`;

describe('csv encodings', () => {
  it('reads UTF-8 with a BOM, strips the BOM and notes the detection', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CHINESE_CSV)]);
    const out = await read('bom.csv', bytes);
    expect(out.columns).toEqual(['身份号码', '姓名', '民族', '备注']);
    expect(out.rows).toEqual(CHINESE_ROWS);
    expect(out.locations).toEqual(['bom.csv:2', 'bom.csv:3']);
    expect(out.notes).toContain('encoding utf-8 (detected)');
  });

  it('reads UTF-8 without a BOM', async () => {
    const out = await read('plain.csv', CHINESE_CSV);
    expect(out.rows).toEqual(CHINESE_ROWS);
    expect(out.notes).toContain('encoding utf-8 (detected)');
  });

  it('detects GB18030, including 4-byte characters, and reports it in describe()', async () => {
    const path = await file('gb.csv', CHINESE_CSV, 'gb18030');
    const connector = csv({ path });
    expect(connector.describe().options).not.toHaveProperty('encodingUsed');
    const out = await extractAll(connector);
    expect(out.columns).toEqual(['身份号码', '姓名', '民族', '备注']);
    expect(out.rows).toEqual(CHINESE_ROWS);
    expect(out.notes).toContain('encoding gb18030 (detected)');
    expect(connector.describe().options).toMatchObject({
      encoding: 'auto',
      encodingUsed: 'gb18030',
      delimiterUsed: ',',
    });
  });

  it('reads GBK, detected as its superset GB18030 or declared as gbk', async () => {
    const gbk = '姓名,民族\n艾合买提·买买提,维吾尔族\n';
    const detected = await read('gbk.csv', gbk, {}, 'gbk');
    expect(detected.rows).toEqual([['艾合买提·买买提', '维吾尔族']]);
    expect(detected.notes).toContain('encoding gb18030 (detected)');
    const declared = await read('gbk2.csv', gbk, { encoding: 'gbk' }, 'gbk');
    expect(declared.rows).toEqual([['艾合买提·买买提', '维吾尔族']]);
    expect(declared.notes).toContain('encoding gbk (declared)');
  });

  it('detects GB18030 when the first 64 KiB are plain ASCII', async () => {
    const ascii = Array.from({ length: 5000 }, (_, i) => `${i},${'x'.repeat(20)}`).join('\n');
    const out = await read('late.csv', `id,name\n${ascii}\n9999,维吾尔族\n`, {}, 'gb18030');
    expect(out.notes).toContain('encoding gb18030 (detected)');
    expect(out.rows.at(-1)).toEqual(['9999', '维吾尔族']);
  });

  it('flags rows whose bytes are invalid in the encoding instead of failing', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,维\n2,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const out = await read('mixed.csv', bytes, { encoding: 'utf-8' });
    expect(out.problems).toEqual([null, 'encoding: bytes invalid in utf-8 (decoded as U+FFFD)']);
  });

  it('refuses UTF-16 with how to convert', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]);
    const connector = csv({ path: await file('u16.csv', bytes) });
    const error = await extractAll(connector).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message.replace(dir, '<tmp>')).toMatchInlineSnapshot(
      `"<tmp>/u16.csv: the file is UTF-16LE (byte-order mark found); csv() reads UTF-8, GB18030 and GBK. Fix: convert it, e.g. \`iconv -f UTF-16LE -t UTF-8 in.csv > out.csv\`, or re-export it from the source system as UTF-8"`,
    );
    expect((await connector.check()).ok).toBe(false);
  });

  it.each([
    [
      'a PNG renamed .csv',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      'it starts like a PNG image',
    ],
    [
      'an xlsx renamed .csv',
      Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'),
      'it starts like a ZIP archive',
    ],
    // seeded "random" bytes without NUL: still mostly control characters and invalid sequences
    [
      'random bytes',
      Buffer.from(Array.from({ length: 3000 }, (_, i) => ((i * 7919 + 13) % 255) + 1)),
      'control characters',
    ],
    [
      'random bytes with NULs',
      Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256)),
      'it holds NUL bytes',
    ],
  ])('refuses binary input (%s) naming the file, with no row loaded', async (_what, bytes, why) => {
    const path = await file('data.csv', bytes);
    const error = await extractAll(csv({ path })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain(`${path}: not a text file: `);
    expect((error as Error).message).toContain(why);
    const json = await extractAll(createConnector('json', { path })).catch((e: unknown) => e);
    expect(json).toBeInstanceOf(SourceError);
  });

  it('keeps every character of a >1 MB GB18030 file whose multi-byte characters straddle reads', async () => {
    const pieces = ['维吾尔族', '艾合买提·买买提', '𠀀', '𠀀𠀁', '哈萨克族', 'é€', '"引号,逗号"'];
    const rows: string[][] = [];
    for (let i = 0; rows.length < 40_000; i++) {
      rows.push([
        String(i),
        `${pieces[i % pieces.length]}${'𠀀'.repeat(i % 3)}`,
        `${pieces[(i * 7) % pieces.length]}${i}`,
        '𠀀'.repeat(1 + (i % 5)),
      ]);
    }
    const text = `id,名称,备注,扩展\n${rows.map((r) => r.map(quoteIfNeeded(',')).join(',')).join('\n')}\n`;
    const bytes = iconv.encode(text, 'gb18030');
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    // At least one read boundary falls inside a multi-byte character.
    const starts = new Set<number>();
    let offset = 0;
    for (const ch of text) {
      starts.add(offset);
      offset += iconv.encode(ch, 'gb18030').length;
    }
    const boundaries = Array.from(
      { length: Math.floor(bytes.length / READ_CHUNK) },
      (_, k) => (k + 1) * READ_CHUNK,
    );
    expect(boundaries.some((b) => !starts.has(b))).toBe(true);
    const out = await read('big.csv', bytes);
    expect(out.notes).toContain('encoding gb18030 (detected)');
    expect(out.rows).toEqual(rows);
    expect(out.problems.every((p) => p === null)).toBe(true);
  });

  it('the GB18030 decoder survives any split, even byte by byte (iconv-lite drops code units there)', () => {
    const text = 'a𠀀b,维吾尔族\n𠀀x𠀀,艾合买提·买买提\r\n';
    const bytes = iconv.encode(text, 'gb18030');
    const decoder = createDecoder('gb18030');
    let out = '';
    for (const byte of bytes) out += decoder.write(Uint8Array.of(byte));
    out += decoder.end();
    expect(out).toBe(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const d = createDecoder('gb18030');
      expect(d.write(bytes.subarray(0, cut)) + d.write(bytes.subarray(cut)) + d.end()).toBe(text);
    }
  });

  it('GB18030 decodes by GB 18030-2022: where it differs from iconv-lite (2005 mapping), and nowhere else', () => {
    const gb = (hex: string) => {
      const d = createDecoder('gb18030');
      return d.write(Buffer.from(hex, 'hex')) + d.end();
    };
    const cps = (s: string) => [...s].map((c) => c.codePointAt(0)!);
    // The 18 two-byte codes the 2005 edition mapped to the private-use area, now standard characters.
    const changed: [string, number, number][] = [
      ['a6d9', 0xe78d, 0xfe10],
      ['a6da', 0xe78e, 0xfe12],
      ['a6db', 0xe78f, 0xfe11],
      ['a6dc', 0xe790, 0xfe13],
      ['a6dd', 0xe791, 0xfe14],
      ['a6de', 0xe792, 0xfe15],
      ['a6df', 0xe793, 0xfe16],
      ['a6ec', 0xe794, 0xfe17],
      ['a6ed', 0xe795, 0xfe18],
      ['a6f3', 0xe796, 0xfe19],
      ['fe59', 0xe81e, 0x9fb4],
      ['fe61', 0xe826, 0x9fb5],
      ['fe66', 0xe82b, 0x9fb6],
      ['fe67', 0xe82c, 0x9fb7],
      ['fe6d', 0xe832, 0x9fb8],
      ['fe7e', 0xe843, 0x9fb9],
      ['fe90', 0xe854, 0x9fba],
      ['fea0', 0xe864, 0x9fbb],
    ];
    for (const [hex, old, now] of changed) {
      expect(cps(iconv.decode(Buffer.from(hex, 'hex'), 'gb18030'))).toEqual([old]);
      expect(cps(gb(hex))).toEqual([now]);
    }
    // Every other two-byte code decodes as iconv-lite does (the 6 codes still in the PUA included).
    const differing: string[] = [];
    for (let a = 0x81; a <= 0xfe; a++) {
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const bytes = Buffer.from([a, b]);
        if (gb(bytes.toString('hex')) !== iconv.decode(bytes, 'gb18030'))
          differing.push(bytes.toString('hex'));
      }
    }
    expect(differing).toEqual(changed.map(([hex]) => hex));
    expect(cps(gb('fe51'))).toEqual([0xe816]);
    // Four-byte codes: BMP and supplementary ones agree; unassigned ones are invalid bytes (U+FFFD), where
    // iconv-lite invents a character (8431A530 → U+10000) or lone surrogates (E3329A36).
    expect(gb('84318236')).toBe(iconv.decode(Buffer.from('84318236', 'hex'), 'gb18030'));
    expect(gb('8431a439')).toBe('\uffff');
    expect(gb('90308130')).toBe('\u{10000}');
    expect(gb('95328236')).toBe('𠀀');
    expect(gb('e3329a35')).toBe('\u{10ffff}');
    expect(cps(iconv.decode(Buffer.from('8431a530', 'hex'), 'gb18030'))).toEqual([0x10000]);
    expect(gb('8431a530')).toBe('\ufffd');
    expect(gb('e3329a36')).toBe('\ufffd');
    // A four-byte sequence cut short by the end of the text: one U+FFFD (iconv-lite: U+FFFD then the digit).
    expect(gb('8130')).toBe('\ufffd');
    expect(iconv.decode(Buffer.from('8130', 'hex'), 'gb18030')).toBe('\ufffd0');
    // …but inside the text the bytes after a broken sequence are kept: "81 30 2C" is U+FFFD, "0", ",".
    expect(gb('81302c')).toBe('\ufffd0,');
  });
});

describe('csv structure', () => {
  it('parses quoted delimiters, doubled quotes and embedded newlines with the start line of each record', async () => {
    const text = [
      'id,text,n', // 1
      '1,"a, b",x', // 2
      '2,"say ""hi""",y', // 3
      '3,"line one', // 4
      'line two\r', // 5 (CRLF inside the quotes)
      'line three",z', // 6
      '4,plain,w', // 7
    ].join('\n');
    const out = await read('q.csv', `${text}\n`);
    expect(out.rows).toEqual([
      ['1', 'a, b', 'x'],
      ['2', 'say "hi"', 'y'],
      ['3', 'line one\nline two\r\nline three', 'z'],
      ['4', 'plain', 'w'],
    ]);
    expect(out.locations).toEqual(['q.csv:2', 'q.csv:3', 'q.csv:4', 'q.csv:7']);
  });

  it('numbers lines from the physical start: a record spanning lines 7-8 is :7, the next :9', async () => {
    const text = 'h1,h2\na,1\nb,2\n\nc,3\nd,4\n"e\nf",5\ng,6\n';
    const out = await read('lines.csv', text);
    expect(out.locations).toEqual([
      'lines.csv:2',
      'lines.csv:3',
      'lines.csv:5',
      'lines.csv:6',
      'lines.csv:7',
      'lines.csv:9',
    ]);
    expect(out.rows[4]).toEqual(['e\nf', '5']);
  });

  it('reads CRLF files and lone-CR files alike', async () => {
    const crlf = await read('crlf.csv', 'a,b\r\n1,2\r\n\r\n3,"x\r\ny"\r\n4,5\r\n');
    expect(crlf.rows).toEqual([
      ['1', '2'],
      ['3', 'x\r\ny'],
      ['4', '5'],
    ]);
    expect(crlf.locations).toEqual(['crlf.csv:2', 'crlf.csv:4', 'crlf.csv:6']);
    const cr = await read('cr.csv', 'a,b\r1,2\r3,4\r');
    expect(cr.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(cr.locations).toEqual(['cr.csv:2', 'cr.csv:3']);
  });

  it('does not make a record of the trailing newline, and reads a last line without one', async () => {
    expect((await read('t1.csv', 'a,b\n1,2\n')).rows).toEqual([['1', '2']]);
    expect((await read('t2.csv', 'a,b\n1,2')).rows).toEqual([['1', '2']]);
    expect((await read('t3.csv', 'a,b\n1,')).rows).toEqual([['1', '']]);
  });

  it('skips blank lines but keeps empty values as empty strings, untrimmed', async () => {
    const out = await read('blank.csv', '\na,b,c\n\n\n 1 ,,3\n"",x,\n\n');
    expect(out.columns).toEqual(['a', 'b', 'c']);
    expect(out.rows).toEqual([
      [' 1 ', '', '3'],
      ['', 'x', ''],
    ]);
    expect(out.locations).toEqual(['blank.csv:5', 'blank.csv:6']);
  });

  it.each([
    ['tab', '\t'],
    ['pipe', '|'],
    ['semicolon', ';'],
  ])('sniffs the %s delimiter, outside quotes', async (_, d) => {
    const text = `姓名${d}民族${d}备注\n艾合买提·买买提${d}维吾尔族${d}"a,b${d}c"\n古丽${d}哈萨克族${d}x,y\n`;
    const out = await read('d.csv', text);
    expect(out.rows).toEqual([
      ['艾合买提·买买提', '维吾尔族', `a,b${d}c`],
      ['古丽', '哈萨克族', 'x,y'],
    ]);
    expect(out.notes).toContain(`delimiter ${JSON.stringify(d)} (detected)`);
  });

  it('uses a declared delimiter and quote', async () => {
    const out = await read('dq.csv', "a|b\n'x|y'|'it''s'\n", { delimiter: '|', quote: "'" });
    expect(out.rows).toEqual([['x|y', "it's"]]);
  });

  it('pads short rows with null, truncates long rows, and flags both with a field-count problem', async () => {
    const out = await read('ragged.csv', 'a,b,c\n1,2,3\n4\n5,6,7,8,9\n10,11\n');
    expect(out.rows).toEqual([
      ['1', '2', '3'],
      ['4', null, null],
      ['5', '6', '7'],
      ['10', '11', null],
    ]);
    expect(out.problems).toEqual([
      null,
      'field-count: expected 3 fields, got 1',
      'field-count: expected 3 fields, got 5',
      'field-count: expected 3 fields, got 2',
    ]);
  });

  it('reports an unterminated quote at the end as a problem of the last row', async () => {
    const out = await read('open.csv', 'a,b\n1,2\n3,"never closed\n4,5\n');
    expect(out.rows).toEqual([
      ['1', '2'],
      ['3', 'never closed\n4,5\n'],
    ]);
    expect(out.locations).toEqual(['open.csv:2', 'open.csv:3']);
    expect(out.problems).toEqual([null, 'quote: unterminated quoted field opened on line 3']);
  });

  it('flags text after a closing quote but keeps it', async () => {
    const out = await read('after.csv', 'a,b\n"x"y,2\n');
    expect(out.rows).toEqual([['xy', '2']]);
    expect(out.problems).toEqual(['quote: text after the closing quote in field 1']);
  });

  it('trims header names, names blank ones column_N and suffixes duplicates, with notes', async () => {
    const out = await read('h.csv', ' 姓名 ,,民族,姓名,姓名_2,\n1,2,3,4,5,6\n');
    expect(out.columns).toEqual(['姓名', 'column_2', '民族', '姓名_3', '姓名_2', 'column_6']);
    expect(out.notes).toEqual(
      expect.arrayContaining([
        'header: column 2 has no name; named "column_2"',
        'header: duplicate column "姓名" (column 4) renamed "姓名_3"',
      ]),
    );
  });

  it('uses an explicit column list: the first record is data', async () => {
    const out = await read('nohead.csv', '1,2\n3,4\n', { header: ['x', 'y'] });
    expect(out.columns).toEqual(['x', 'y']);
    expect(out.locations).toEqual(['nohead.csv:1', 'nohead.csv:2']);
  });

  it('skips title lines above the header, counting them in locations', async () => {
    const text =
      '2024年第三季度户籍人口统计表\r\n填报单位：乌鲁木齐市公安局\r\n姓名,民族\r\n艾合买提·买买提,维吾尔族\r\n';
    const out = await read('title.csv', text, { skipLines: 2 }, 'gb18030');
    expect(out.columns).toEqual(['姓名', '民族']);
    expect(out.rows).toEqual([['艾合买提·买买提', '维吾尔族']]);
    expect(out.locations).toEqual(['title.csv:4']);
    expect(out.notes).toContain('delimiter "," (detected)');
  });

  it('yields nothing for an empty file and says so', async () => {
    const out = await read('empty.csv', '');
    expect(out.rows).toEqual([]);
    expect(out.notes).toContain('empty.csv: no header line (the file is empty)');
  });
});

describe('csv streaming', () => {
  it('streams 200,000 rows in batches of batchSize without holding the file', async () => {
    const path = join(dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('id,姓名,民族,地址,电话,日期,金额,备注\n');
    for (let i = 0; i < 200_000; i++) {
      out.write(
        `${i},艾合买提${i},维吾尔族,乌鲁木齐市天山区${i}号,1380000${i},2024-01-01,${i * 3}.50,"备注,${i}"\n`,
      );
    }
    await new Promise((done) => out.end(done));
    // Live heap after a full collection, at every batch: what the reader keeps, not garbage awaiting GC.
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await new Promise((tick) => setImmediate(tick));
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    const sizes: number[] = [];
    let expectedId = 0;
    for await (const batch of csv({ path }).extract()) {
      sizes.push(batch.rows.length);
      for (const row of batch.rows) expect(row[0]).toBe(String(expectedId++));
      expect(batch.locations.at(-1)).toBe(`big.csv:${expectedId + 1}`);
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
    expect(sizes).toEqual(Array(20).fill(10_000));
    expect((await stat(path)).size).toBeGreaterThan(20 * 1024 * 1024);
    // A batch of 10,000 rows (~16 MB with its strings) stays alive; the 20 MB file and its 200,000 rows never do.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  });

  it('yields batches of a small batchSize, the last one partial', async () => {
    const body = Array.from({ length: 25 }, (_, i) => `${i},x`).join('\n');
    const out = await read('small.csv', `a,b\n${body}\n`, { batchSize: 10 });
    expect(out.batchSizes).toEqual([10, 10, 5]);
  });

  it('stops reading when the signal is aborted', async () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `${i},x`).join('\n');
    const path = await file('abort.csv', `a,b\n${body}\n`);
    const controller = new AbortController();
    let batches = 0;
    const run = async () => {
      for await (const _ of csv({ path, batchSize: 1000 }).extract({ signal: controller.signal })) {
        batches++;
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(batches).toBe(1);
  });
});

describe('csv errors and check()', () => {
  it('names a missing file and the fix', async () => {
    const path = join(dir, 'missing.csv');
    const error = await extractAll(csv({ path })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message.replace(dir, '<tmp>')).toMatchInlineSnapshot(
      `"<tmp>/missing.csv: file not found. Fix: check csv({ path }); relative paths resolve from the project folder (where gongshu.config.ts is), or the working directory outside a project"`,
    );
    const check = await csv({ path }).check();
    expect(check.ok).toBe(false);
    expect(check.message).toContain('file not found');
  });

  it('shows where a relative path resolved to', async () => {
    const error = await extractAll(csv({ path: 'no/such/file.csv' })).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      `no/such/file.csv (resolved to ${process.cwd()}/no/such/file.csv)`,
    );
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'folder.csv');
    await mkdir(path);
    const error = await extractAll(csv({ path })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message.replace(dir, '<tmp>')).toMatchInlineSnapshot(
      `"<tmp>/folder.csv: is a directory, not a file. Fix: point csv({ path }) at a file inside it"`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('reports permission denied', async () => {
    const path = await file('secret.csv', 'a\n1\n');
    await chmod(path, 0o000);
    const check = await csv({ path }).check();
    expect(check).toMatchObject({ ok: false });
    expect(check.message).toContain('permission denied');
  });

  it('check() reports encoding, delimiter and column count', async () => {
    const path = await file('ok.csv', '标题\n姓名\t民族\t备注\n艾合买提·买买提\t维吾尔族\t\n', 'gb18030');
    const check = await csv({ path, skipLines: 1 }).check();
    expect(check).toEqual({
      ok: true,
      message: `${path}: readable, encoding gb18030 (detected), delimiter "\\t" (detected), 3 columns`,
    });
  });

  it('validates options once, naming the field', () => {
    expect(() => csv({ path: 'a.csv', encoding: 'big5' as 'gbk' })).toThrow(DefinitionError);
    expect(() => csv({ path: 'a.csv', batchSize: 0 })).toThrow(/batchSize/);
    expect(() => csv({ path: 'a.csv', header: ['a', 'a'] })).toThrow(/unique/);
    expect(() => csv({ path: 'a.csv', delimiter: '|', quote: '|' })).toThrow(/quote/);
  });
});

describe('connector registry', () => {
  it('lists kinds and creates a csv connector', async () => {
    expect(connectorKinds()).toEqual([
      'arrow',
      'csv',
      'excel',
      'folder',
      'http',
      'json',
      'mysql',
      'parquet',
      'postgres',
    ]);
    const path = await file('r.csv', 'a,b\n1,2\n');
    const connector = createConnector('csv', { path });
    expect(connector.kind).toBe('csv');
    expect((await extractAll(connector)).rows).toEqual([['1', '2']]);
  });

  it('rejects an unknown kind with the allowed ones', () => {
    expect(() => createConnector('xlsx', {})).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: createConnector(): kind: expected one of "arrow" | "csv" | "excel" | "folder" | "http" | "json" | "mysql" | "parquet" | "postgres"; got "xlsx". Fix: createConnector("arrow", { … })]`,
    );
  });
});

/** Quotes a value when RFC 4180 requires it (and a lone empty value, which would read as a blank line). */
function quoteIfNeeded(delimiter: string) {
  return (value: string, _index: number, row: readonly string[]): string =>
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes('\n') ||
    value.includes('\r') ||
    (value === '' && row.length === 1)
      ? `"${value.replaceAll('"', '""')}"`
      : value;
}

const PIECES = [
  'a',
  'Z',
  '0',
  ' ',
  ',',
  '\t',
  ';',
  '|',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  '维',
  '吾尔族',
  '·',
  '𠀀',
  'é',
];
const valueArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((parts) => parts.join(''));

describe('csv properties', () => {
  it('round-trips random tables written by a correct writer, in UTF-8 and GB18030', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 5 }).chain((width) =>
          fc.record({
            width: fc.constant(width),
            rows: fc.array(fc.array(valueArb, { minLength: width, maxLength: width }), { maxLength: 30 }),
            delimiter: fc.constantFrom(',', '\t', ';', '|'),
            eol: fc.constantFrom('\n', '\r\n'),
            trailing: fc.boolean(),
            encoding: fc.constantFrom('utf-8' as const, 'gb18030' as const),
            batchSize: fc.integer({ min: 1, max: 7 }),
          }),
        ),
        async ({ width, rows, delimiter, eol, trailing, encoding, batchSize }) => {
          const header = Array.from({ length: width }, (_, i) => `列${i}`);
          const table = [header, ...rows];
          const text =
            table.map((row) => row.map(quoteIfNeeded(delimiter)).join(delimiter)).join(eol) +
            (trailing ? eol : '');
          const path = await file(`p${n++}.csv`, text, encoding);
          const out = await extractAll(csv({ path, encoding, batchSize }));
          expect(out.rows).toEqual(rows);
          expect(out.problems.every((p) => p === null)).toBe(true);
          if (rows.length > 0) expect(out.columns).toEqual(header);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('parses the same records however the text is split into pieces', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(...PIECES, 'x,y', '\n\n', '"q""q"'), { maxLength: 40 })
          .map((p) => p.join('')),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 0, max: 2 }),
        (text, cuts, skipLines) => {
          const parse = (pieces: string[]) => {
            const records: unknown[] = [];
            const parser = new CsvParser({ delimiter: ',', quote: '"', skipLines }, (f, l, p) =>
              records.push([f, l, p]),
            );
            for (const piece of pieces) parser.push(piece);
            parser.end();
            return records;
          };
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...points].map((from, i) => text.slice(from, [...points, text.length][i]));
          expect(parse(pieces)).toEqual(parse([text]));
        },
      ),
      { numRuns: 500 },
    );
  });
});
