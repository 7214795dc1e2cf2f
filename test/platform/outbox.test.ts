import { describe, expect, it } from 'vitest';
import { chunkRanges } from '../../platform/push/outbox.ts';

const covers = (ranges: { first: number; end: number }[], rows: number) => {
  expect(ranges[0]!.first).toBe(0);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.first).toBe(ranges[i - 1]!.end);
  expect(ranges.at(-1)!.end).toBe(rows);
};

describe('chunk ranges of an outbox', () => {
  it('cuts a chunk that could hold more than a row group at whole row groups', () => {
    const sizes = new Int32Array(600_000).fill(100);
    const ranges = chunkRanges(sizes, 100 * 300_000);
    covers(ranges, 600_000);
    // 300,000 rows fit; 2 row groups (245,760 rows) are sent, the rest starts the next chunk.
    expect(ranges.map((r) => r.end - r.first)).toEqual([245_760, 245_760, 108_480]);
  });

  it('keeps byte-bounded chunks smaller than a row group as they are', () => {
    const sizes = new Int32Array(10_000).fill(50);
    const ranges = chunkRanges(sizes, 50 * 3_000);
    covers(ranges, 10_000);
    expect(ranges.map((r) => r.end - r.first)).toEqual([3_000, 3_000, 3_000, 1_000]);
  });

  it('sends a row larger than the limit alone and never an empty chunk', () => {
    const sizes = Int32Array.from([10, 5_000, 10, 10]);
    const ranges = chunkRanges(sizes, 100);
    covers(ranges, 4);
    expect(ranges.map((r) => r.end - r.first)).toEqual([1, 1, 2]);
    expect(chunkRanges(new Int32Array(0), 100)).toEqual([{ first: 0, end: 0 }]);
  });
});
