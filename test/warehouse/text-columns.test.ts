import { describe, expect, it } from 'vitest';
import { invalidUtf8Row, openWarehouse, type TextColumn } from '../../warehouse/index.ts';

describe('columnar reads', () => {
  it('reads INTEGER columns in bulk, NULL as 0, and refuses other types', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const [a, b] = await wh.int32Columns(
        'SELECT CAST(i AS INTEGER), CAST(CASE WHEN i % 2 = 0 THEN NULL ELSE -i END AS INTEGER) FROM range(3000) t(i) ORDER BY i',
      );
      expect(a!.length).toBe(3000);
      expect(a![2999]).toBe(2999);
      expect([...b!.slice(0, 4)]).toEqual([0, -1, 0, -3]);
      await expect(wh.int32Columns('SELECT 1.5')).rejects.toThrow(/expected INTEGER/);
      const [empty] = await wh.int32Columns('SELECT CAST(i AS INTEGER) FROM range(10) t(i) WHERE i > 100');
      expect(empty!.length).toBe(0);
    } finally {
      wh.close();
    }
  });

  it('finds values that are not well-formed UTF-8', () => {
    const col = (bytes: number[], offsets: number[]): TextColumn => ({
      length: offsets.length - 1,
      offsets: Int32Array.from(offsets),
      data: Uint8Array.from(bytes),
      validity: null,
      nullCount: 0,
    });
    const ju = [...Buffer.from('居')];
    expect(invalidUtf8Row(col([...ju, 0x61], [0, 3, 4]))).toBe(-1);
    expect(invalidUtf8Row(col([0x61, 0xff], [0, 1, 2]))).toBe(1);
    // Each byte run valid as a whole, but a value boundary splits the character.
    expect(invalidUtf8Row(col(ju, [0, 1, 3]))).toBe(1);
  });
});
