import { describe, expect, it } from 'vitest';
import { EncodingCheck } from '../../connectors/csv/encoding-check.ts';

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
