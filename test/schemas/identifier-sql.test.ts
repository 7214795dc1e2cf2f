import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownDivisionBits } from '../../pipelines/write.ts';
import { parseCitizenId } from '../../schemas/citizen-id.ts';
import { allDivisions } from '../../schemas/divisions.ts';
import { parseUscc } from '../../schemas/uscc.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { CITIZEN_ID_VECTORS, USCC_VECTORS, withCitizenCheck, withUsccCheck } from './identifier-vectors.ts';

let wh: Warehouse;
let batch = 0;

beforeAll(async () => {
  wh = await openWarehouse({ path: ':memory:' });
});
afterAll(() => wh?.close());

interface SqlRow {
  i: number;
  n: string | null;
  reason: string | null;
  birth: string | null;
  sex: string | null;
  division: string | null;
  un: string | null;
  ureason: string | null;
  /** The loader's reason: of the normalised value, the division looked up in the bitstring (`gs__cid_reason_bits`). */
  lreason: string | null;
}

/** Evaluates every macro on all inputs in one query (inputs go through a table, not SQL text). */
async function sqlEval(inputs: readonly (string | null)[]): Promise<SqlRow[]> {
  const table = `t_inputs_${batch++}`;
  await wh.run(`CREATE TABLE ${table} (i INTEGER, s VARCHAR)`);
  await wh.append(
    table,
    inputs.map((s, i) => [i, s]),
  );
  const bits = await knownDivisionBits(wh);
  const rows = await wh.all<SqlRow & Record<string, unknown>>(
    `SELECT i, n, gs_citizen_id_reason(s) AS reason,
       strftime(gs_citizen_id_birth_date(s), '%Y-%m-%d') AS birth, gs_citizen_id_sex(s) AS sex,
       gs_citizen_id_division(s) AS division, gs_uscc_normalize(s) AS un, gs_uscc_reason(s) AS ureason,
       gs__cid_reason_bits(n, '${bits}'::BIT) AS lreason
     FROM (SELECT *, gs_citizen_id_normalize(s) AS n FROM ${table}) ORDER BY i`,
  );
  await wh.run(`DROP TABLE ${table}`);
  return rows;
}

function tsEval(s: string | null, i: number): SqlRow {
  const c = parseCitizenId(s);
  const u = parseUscc(s);
  return {
    i,
    n: c.normalized,
    reason: c.reason,
    birth: c.birthDate,
    sex: c.sex,
    division: c.division,
    un: u.normalized,
    ureason: u.reason,
    lreason: c.reason,
  };
}

describe('SQL macros on the shared vectors', () => {
  it('citizen identity numbers', async () => {
    const rows = await sqlEval(CITIZEN_ID_VECTORS.map((v) => v.input));
    CITIZEN_ID_VECTORS.forEach((v, i) => {
      const r = rows[i]!;
      expect({ note: v.note, n: r.n, reason: r.reason, lreason: r.lreason }).toEqual({
        note: v.note,
        n: v.normalized,
        reason: v.reason,
        lreason: v.reason,
      });
      expect([r.birth, r.sex, r.division], v.note).toEqual(
        v.reason === null ? [v.birthDate, v.sex, v.division] : [null, null, null],
      );
    });
  });

  it('USCCs', async () => {
    const rows = await sqlEval(USCC_VECTORS.map((v) => v.input));
    USCC_VECTORS.forEach((v, i) => {
      expect({ note: v.note, n: rows[i]!.un, reason: rows[i]!.ureason }).toEqual({
        note: v.note,
        n: v.normalized,
        reason: v.reason,
      });
    });
  });

  it('gs_division_known', async () => {
    const rows = await wh.all(
      `SELECT gs_division_known('110103') AS a, gs_division_known('659012') AS b, gs_division_known('000000') AS c`,
    );
    expect(rows).toEqual([{ a: true, b: true, c: false }]);
  });
});

// --- property: TS ≡ SQL -------------------------------------------------------------------------------------

const CODES = allDivisions()
  .filter((d) => d.level === 3)
  .map((d) => d.code);
const FULL_WIDTH = (c: string): string =>
  c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c === ' ' ? '\u3000' : c;
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

const validId = fc
  .record({
    code: fc.oneof(fc.constantFrom(...CODES), fc.constantFrom('000000', '999999', '810000', '830000')),
    year: fc.integer({ min: 1790, max: 2100 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ code, year, month, day, seq }) =>
    withCitizenCheck(`${code}${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}${pad(seq, 3)}`),
  );

const oldId = validId.map((id) => `${id.slice(0, 6)}${id.slice(8, 17)}`);

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const validUscc = fc
  .tuple(
    fc.constantFrom(...'123456789ANY'),
    fc.string({ unit: fc.constantFrom(...USCC_CHARS), minLength: 1, maxLength: 1 }),
    fc.constantFrom(...CODES.slice(0, 50), '100000', '999999'),
    fc.string({ unit: fc.constantFrom(...USCC_CHARS), minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, code, org]) => withUsccCheck(`${a}${b}${code}${org}`));

const INTERESTING = [...'0123456789Xx Xa-_.\t\n\u3000\u00a0\ufeff１２９ｘＸＩｉIOSVZ²①é中'];

/** One mutation of a string: change, swap, truncate, insert, full-width-ify, lower-case, pad. */
const mutate = (base: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(base, fc.nat(), fc.nat(), fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 7 }))
    .map(([s, a, b, ch, kind]) => {
      if (s.length === 0) return ch;
      const i = a % s.length;
      const j = b % s.length;
      const chars = [...s];
      switch (kind) {
        case 0:
          chars[i] = ch;
          return chars.join('');
        case 1:
          [chars[i], chars[j]] = [chars[j]!, chars[i]!];
          return chars.join('');
        case 2:
          return chars.slice(0, i).join('');
        case 3:
          chars.splice(i, 0, ch);
          return chars.join('');
        case 4:
          return chars.map((c, k) => (k >= i ? FULL_WIDTH(c) : c)).join('');
        case 5:
          return s.toLowerCase();
        case 6:
          return `${ch}${s}${ch}`;
        default:
          return chars.map(FULL_WIDTH).join('');
      }
    });

const anyInput: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 3, arbitrary: validId },
  { weight: 4, arbitrary: mutate(validId) },
  { weight: 1, arbitrary: oldId },
  { weight: 1, arbitrary: mutate(oldId) },
  { weight: 2, arbitrary: validUscc },
  { weight: 2, arbitrary: mutate(validUscc) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...INTERESTING), maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

describe('TS ≡ SQL (property)', () => {
  it('agree on normalised value, reason (also the loader reason, by bitstring), birth date, sex and division for random and mutated inputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyInput, { minLength: 200, maxLength: 200 }), async (inputs) => {
        const sql = await sqlEval(inputs);
        expect(sql).toEqual(inputs.map(tsEval));
      }),
      { numRuns: 10, seed: 20240601 },
    );
  });

  it('sees every citizen-id reason in the generated inputs', async () => {
    const inputs = fc.sample(anyInput, { numRuns: 2000, seed: 7 });
    const reasons = new Set(inputs.map((s) => parseCitizenId(s).reason));
    expect([...reasons].sort()).toEqual(
      ['birth-date', 'checksum', 'division', 'format', 'missing', null].sort(),
    );
  });
});
