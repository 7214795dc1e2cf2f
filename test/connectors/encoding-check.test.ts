import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EncodingCheck } from '../../connectors/csv/encoding-check.ts';
import { recoverRow, recoverRows } from '../../connectors/csv/recover.ts';

/** GB18030 bytes of a line (ASCII and a few ideographs, encoded by hand from GB 18030 code points). */
const GB_LINE = Buffer.from([0x31, 0x2c, 0xd5, 0xc5, 0xc8, 0xfd, 0x2c, 0xce, 0xac]); // 1,张三,维
const UTF8_LINE = Buffer.from('2,张三,乌鲁木齐', 'utf8');

/** The mixed lines found in `lines` joined by `eol`, pushed in chunks of `size` bytes. */
function mixed(lines: Buffer[], eol: string, size: number): number[] {
  const bytes = Buffer.concat(lines.flatMap((l, i) => (i < lines.length - 1 ? [l, Buffer.from(eol)] : [l])));
  const check = new EncodingCheck('gb18030');
  for (let i = 0; i < bytes.length; i += size) check.push(bytes.subarray(i, i + size));
  check.end();
  return check.mixedLines;
}

describe('the encoding check of a GB18030 file', () => {
  it('numbers its UTF-8 lines alike for LF and CR LF line breaks, however the bytes are chunked', () => {
    const lines = [GB_LINE, UTF8_LINE, GB_LINE, GB_LINE, UTF8_LINE, GB_LINE, UTF8_LINE];
    for (const eol of ['\n', '\r\n']) {
      for (const size of [1, 3, 7, 64, 4096]) {
        expect({ eol, size, lines: mixed(lines, eol, size) }).toEqual({ eol, size, lines: [2, 5, 7] });
      }
    }
    // A lone CR inside an LF file still counts as a line break of its own.
    const withCr = Buffer.concat([GB_LINE, Buffer.from('\r'), GB_LINE, Buffer.from('\n'), UTF8_LINE]);
    const check = new EncodingCheck('gb18030');
    check.push(withCr);
    check.end();
    expect(check.mixedLines).toEqual([3]);
  });
});

describe('the rows of lines of the other encoding, recovered for the quarantine', () => {
  const syntax = { delimiter: ',', quote: '"' };
  const check = (encoding: 'gb18030' | 'utf-8', bytes: Buffer) => {
    const c = new EncodingCheck(encoding);
    for (let i = 0; i < bytes.length; i += 5) c.push(bytes.subarray(i, i + 5));
    c.end();
    return c;
  };

  it('parses UTF-8 lines of a GB18030 file as UTF-8, a quoted line break included, CR LF or not', () => {
    for (const eol of ['\n', '\r\n']) {
      const lines = [
        iconv.encode('身份证号,姓名,地址', 'gb18030'),
        iconv.encode('1,张三,乌鲁木齐', 'gb18030'),
        Buffer.from('2,李四光,"新疆维吾尔', 'utf8'),
        Buffer.from('自治区乌鲁木齐市"', 'utf8'),
        iconv.encode('3,王五,喀什', 'gb18030'),
        Buffer.from('4,赵六,和田地区', 'utf8'),
      ];
      const c = check('gb18030', Buffer.concat(lines.flatMap((l) => [l, Buffer.from(eol)])));
      expect(c.mixedLines).toEqual([3, 4, 6]);
      expect(recoverRows(c.lineTexts, syntax, 3)).toEqual(
        new Map([
          [3, ['2', '李四光', `新疆维吾尔${eol}自治区乌鲁木齐市`]],
          [6, ['4', '赵六', '和田地区']],
        ]),
      );
      // a streaming reader takes one row's lines out as it goes
      const texts = new Map(c.lineTexts);
      expect(recoverRow(texts, 3, 1, syntax, 3)).toEqual(['2', '李四光', `新疆维吾尔${eol}自治区乌鲁木齐市`]);
      expect([...texts.keys()]).toEqual([6]);
    }
  });

  it('parses GB18030 lines of a UTF-8 file as GB18030, and leaves out a row it cannot account for', () => {
    const bytes = Buffer.concat([
      Buffer.from('身份证号,姓名,地址\n1,张三,乌鲁木齐\n', 'utf8'),
      iconv.encode('2,李四光,喀什\n', 'gb18030'),
      // a quoted field going on over a line of plain ASCII, which is not kept: not recovered
      iconv.encode('3,王五,"和田\n', 'gb18030'),
      Buffer.from('no 5"\n', 'utf8'),
      iconv.encode('4,赵六\n', 'gb18030'),
    ]);
    const c = check('utf-8', bytes);
    expect(c.invalidCount).toBe(3);
    expect(recoverRows(c.lineTexts, syntax, 3)).toEqual(new Map([[3, ['2', '李四光', '喀什']]]));
    expect(recoverRow(new Map(c.lineTexts), 4, 1, syntax, 3)).toBeUndefined();
  });
});
