import { describe, expect, it } from 'vitest';
import { citizenIdSchema, normalizeCitizenId, parseCitizenId } from '../../schemas/citizen-id.ts';
import { CITIZEN_ID_VECTORS } from './identifier-vectors.ts';

describe('parseCitizenId', () => {
  it.each(CITIZEN_ID_VECTORS)('$note: $input', (v) => {
    const r = parseCitizenId(v.input);
    expect(r.reason).toBe(v.reason);
    expect(r.valid).toBe(v.reason === null);
    expect(r.normalized).toBe(v.normalized);
    expect(r.warnings).toEqual(v.warnings ?? []);
    if (v.reason === null) {
      expect({ birthDate: r.birthDate, sex: r.sex, division: r.division }).toEqual({
        birthDate: v.birthDate,
        sex: v.sex,
        division: v.division,
      });
    } else {
      expect([r.birthDate, r.sex, r.division]).toEqual([null, null, null]);
    }
  });

  it('bounds the birth date by the given today (local date)', () => {
    const id = '44011320141005001X';
    expect(parseCitizenId(id, { today: new Date(2014, 9, 5) }).reason).toBeNull();
    expect(parseCitizenId(id, { today: new Date(2014, 9, 4, 23, 59) }).reason).toBe('birth-date');
  });

  it('keeps the input as given', () => {
    expect(parseCitizenId(' 110105491231002 ').input).toBe(' 110105491231002 ');
  });
});

describe('normalizeCitizenId', () => {
  it('upgrades 15 digits and folds width and case', () => {
    expect(normalizeCitizenId('340524800101001')).toBe('34052419800101001X');
    expect(normalizeCitizenId('１１０１０５１９４９１２３１００２ｘ')).toBe('11010519491231002X');
    expect(normalizeCitizenId(null)).toBeNull();
  });
});

describe('citizenIdSchema', () => {
  it('outputs the normalised number', () => {
    expect(citizenIdSchema.parse(' 110105491231002')).toBe('11010519491231002X');
  });

  it('fails with the reason as the message', () => {
    const r = citizenIdSchema.safeParse('36042619910102009X');
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual(['checksum']);
    expect(citizenIdSchema.safeParse('').error?.issues[0]?.message).toBe('missing');
  });
});
