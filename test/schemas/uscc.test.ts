import { describe, expect, it } from 'vitest';
import { normalizeUscc, parseUscc, USCC_AUTHORITIES, usccSchema } from '../../schemas/uscc.ts';
import { USCC_VECTORS } from './identifier-vectors.ts';

describe('parseUscc', () => {
  it.each(USCC_VECTORS)('$note: $input', (v) => {
    const r = parseUscc(v.input);
    expect(r.reason).toBe(v.reason);
    expect(r.valid).toBe(v.reason === null);
    expect(r.normalized).toBe(v.normalized);
    if (v.warnings) expect(r.warnings).toEqual(v.warnings);
    if (v.reason !== null) {
      expect(r.warnings).toEqual([]);
      expect([r.authority, r.category, r.division, r.orgCode]).toEqual([null, null, null, null]);
      return;
    }
    if (v.authorityName !== undefined) expect(r.authorityName).toBe(v.authorityName);
    if (v.categoryName !== undefined) expect(r.categoryName).toBe(v.categoryName);
    if (v.division !== undefined) expect(r.division).toBe(v.division);
    if (v.orgCode !== undefined) expect(r.orgCode).toBe(v.orgCode);
    expect(r.authority).toBe(r.normalized![0]);
    expect(r.category).toBe(r.normalized![1]);
  });

  it('has no warnings on the public valid vectors', () => {
    for (const v of USCC_VECTORS.filter((x) => x.reason === null && x.warnings === undefined)) {
      expect(parseUscc(v.input).warnings, v.note).toEqual([]);
    }
  });

  it('decodes every authority of the code table', () => {
    expect(Object.keys(USCC_AUTHORITIES)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      'A',
      'N',
      'Y',
    ]);
    expect(USCC_AUTHORITIES['5']?.categories['3']).toBe('基金会');
  });
});

describe('normalizeUscc / usccSchema', () => {
  it('normalises', () => {
    expect(normalizeUscc(' ９１１１００００６０００３７３４１ｌ ')).toBe('91110000600037341L');
    expect(normalizeUscc(undefined)).toBeNull();
    expect(usccSchema.parse('91110000600037341l')).toBe('91110000600037341L');
  });

  it('fails with the reason as the message', () => {
    expect(usccSchema.safeParse('91110000600037341N').error?.issues[0]?.message).toBe('checksum');
    expect(usccSchema.safeParse('9111000060003IOZSV').error?.issues[0]?.message).toBe('format');
  });
});
