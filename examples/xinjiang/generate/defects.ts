/** Seeded planning and application of defects to the rows of one extract. */

import type { ExtractEncoding, LineEnding } from './csv.ts';
import { addYears, compact, isLeapYear, iso, parseDay } from './dates.ts';
import { UNKNOWN_DIVISION_CODES } from './divisions.ts';
import { INVALID_ETHNICITY_LABELS } from './ethnicity.ts';
import {
  toFifteenDigit,
  toFullWidth,
  withCheckChar,
  wrongCitizenCheckChar,
  wrongUsccCheckChar,
} from './identifiers.ts';
import type { DefectKind, DefectLocation, NormalisableKind, Quirk } from './manifest.ts';
import type { Rng } from './random.ts';

/** A defect or normalisable spelling. */
export type Injection = DefectKind | NormalisableKind;

/** Which injections are normalisable (valid after normalisation) rather than defects. */
export const NORMALISABLE: ReadonlySet<Injection> = new Set<Injection>([
  'fifteen-digit',
  'full-width',
  'lowercase-x',
]);

/** One extract before defects: its layout, base rows (all clean) and which injections apply. */
export interface ExtractSpec {
  readonly file: string;
  readonly department: string;
  readonly encoding: ExtractEncoding;
  readonly eol: LineEnding;
  readonly header: readonly string[];
  readonly keyColumn: number;
  readonly keyKind: 'citizen-id' | 'uscc';
  readonly nameColumn: number;
  readonly rows: string[][];
  readonly injections: readonly Injection[];
  readonly sex?: { readonly column: number; readonly male: string; readonly female: string };
  /** An ISO `YYYY-MM-DD` birth-date column. */
  readonly birthColumn?: number;
  readonly ethnicityColumn?: number;
  /** An ISO freshness-date column and the minimum age of a person whose row may be made stale. */
  readonly fresh?: { readonly column: number; readonly minAge: number };
  readonly quirks?: readonly {
    readonly kind: Quirk['kind'];
    readonly column: number;
    readonly rewrite: (v: string) => string;
  }[];
  /** A different name for the same key (duplicate-with-different-name). */
  readonly rename: (row: readonly string[], rng: Rng) => string;
  /** Columns compared with an authoritative file by accuracy rules (their expectations go in the manifest). */
  readonly accuracy?: readonly AccuracySpec[];
  /**
   * Columns (headers) other files compare with: their values are kept per valid key, first row wins (of the rows
   * where `when` holds).
   */
  readonly authoritative?: readonly {
    readonly header: string;
    readonly when?: { readonly column: number; readonly equals: string };
  }[];
}

/** One column compared with the authoritative file's column for the same key. */
export interface AccuracySpec {
  readonly column: number;
  /** The authoritative file and its column header. */
  readonly source: string;
  readonly sourceColumn: string;
  /** Only rows where `column` (an index) holds `equals` are compared. */
  readonly when?: { readonly column: number; readonly equals: string };
  /**
   * When the source is written after this file: only rows whose normalised key passes can have a source row
   * (keeps what is held until the source is written small).
   */
  readonly keys?: (key: string) => boolean;
}

/** The defect (or quirk) planned for one base row. */
export type Assignment =
  | { readonly type: 'injection'; readonly kind: Injection; readonly variant: number }
  | { readonly type: 'duplicate-source'; readonly variant: number; readonly after: number }
  | { readonly type: 'quirk'; readonly index: number };

/** Share of rows per injection kind (at least 1, and 2 for blank-key/duplicate-key so every variant occurs). */
export const DEFECT_RATE = 0.003;

const IMPOSSIBLE_MMDD = ['0230', '0231', '0431', '0931', '1131', '1301', '1340', '0015', '0100'];

function eligible(spec: ExtractSpec, kind: Injection, row: readonly string[], asOfDay: number): boolean {
  const key = row[spec.keyColumn]!;
  switch (kind) {
    case 'fifteen-digit':
      return key.slice(6, 8) === '19';
    case 'lowercase-x':
      return key.endsWith('X');
    case 'stale-record':
      return spec.fresh !== undefined && parseDay(key.slice(6, 14)) <= addYears(asOfDay, -spec.fresh.minAge);
    default:
      return true;
  }
}

/** Chooses the rows of every injection kind (each row gets at most one), deterministically from `rng`. */
export function planDefects(spec: ExtractSpec, rng: Rng, asOfDay: number): Map<number, Assignment> {
  const n = spec.rows.length;
  const plan = new Map<number, Assignment>();
  const order = [...spec.injections].sort((a, b) => rarity(a) - rarity(b));
  const take = (accept: (i: number) => boolean): number | undefined => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const i = rng.int(0, n - 1);
      if (!plan.has(i) && accept(i)) return i;
    }
    const start = rng.int(0, n - 1);
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      if (!plan.has(i) && accept(i)) return i;
    }
    return undefined;
  };
  for (const kind of order) {
    const min = kind === 'blank-key' || kind === 'duplicate-key' ? 2 : 1;
    const count = Math.max(min, Math.round(n * DEFECT_RATE));
    for (let variant = 0; variant < count; variant++) {
      const i = take((j) => eligible(spec, kind, spec.rows[j]!, asOfDay));
      if (i === undefined) break;
      if (kind === 'duplicate-key') {
        plan.set(i, { type: 'duplicate-source', variant, after: Math.min(n - 1, i + rng.int(1, 300)) });
      } else plan.set(i, { type: 'injection', kind, variant });
    }
  }
  spec.quirks?.forEach((_, index) => {
    const i = take(() => true);
    if (i !== undefined) plan.set(i, { type: 'quirk', index });
  });
  return plan;
}

function rarity(kind: Injection): number {
  return kind === 'lowercase-x' ? 0 : kind === 'stale-record' ? 1 : kind === 'fifteen-digit' ? 2 : 3;
}

/** A row rewritten by an injection, and what the manifest records about it. */
export interface Applied {
  readonly row: string[];
  readonly location: Omit<DefectLocation, 'at' | 'line'>;
}

/** Applies one injection to a clean row. */
export function applyInjection(
  spec: ExtractSpec,
  kind: Injection,
  variant: number,
  base: readonly string[],
  rng: Rng,
  asOfDay: number,
): Applied {
  const row = [...base];
  const key = base[spec.keyColumn]!;
  const setKey = (value: string, normalised?: string): Applied => {
    row[spec.keyColumn] = value;
    return { row, location: normalised === undefined ? { key: value } : { key: value, normalised } };
  };
  const setField = (column: number, value: string): Applied => {
    const expected = row[column]!;
    row[column] = value;
    return { row, location: { key, field: spec.header[column]!, value, expected } };
  };
  const citizen = spec.keyKind === 'citizen-id';
  switch (kind) {
    case 'bad-checksum':
      return setKey(
        key.slice(0, 17) +
          (citizen ? wrongCitizenCheckChar(key[17]!, variant) : wrongUsccCheckChar(key[17]!, variant)),
      );
    case 'impossible-date': {
      const year = key.slice(6, 10);
      let mmdd = IMPOSSIBLE_MMDD[variant % IMPOSSIBLE_MMDD.length]!;
      if (variant % 5 === 4 && !isLeapYear(Number(year))) mmdd = '0229';
      return setKey(withCheckChar(key.slice(0, 6) + year + mmdd + key.slice(14, 17)));
    }
    case 'future-birth-date':
      return setKey(withCheckChar(key.slice(0, 6) + compact(asOfDay + rng.int(1, 400)) + key.slice(14, 17)));
    case 'unknown-division':
      return setKey(
        withCheckChar(UNKNOWN_DIVISION_CODES[variant % UNKNOWN_DIVISION_CODES.length]! + key.slice(6, 17)),
      );
    case 'blank-key':
      return setKey(['', '   ', '\u3000', ' '][variant % 4]!);
    case 'malformed':
      if (variant % 2 === 0) return setKey(key.slice(0, 17));
      return setKey(citizen ? `${key}${rng.int(0, 9)}` : `${key.slice(0, 4)}A${key.slice(5)}`);
    case 'fifteen-digit':
      return setKey(toFifteenDigit(key), key);
    case 'full-width':
      return setKey(toFullWidth(key), key);
    case 'lowercase-x':
      return setKey(key.toLowerCase(), key);
    case 'sex-mismatch': {
      const s = spec.sex!;
      return setField(s.column, row[s.column] === s.male ? s.female : s.male);
    }
    case 'birth-date-mismatch': {
      const c = spec.birthColumn!;
      return setField(c, iso(parseDay(row[c]!) - rng.int(1, 400)));
    }
    case 'stale-record': {
      const c = spec.fresh!.column;
      return setField(c, iso(rng.int(addYears(asOfDay, -10), addYears(asOfDay, -3) - 1)));
    }
    case 'name-mismatch':
      return setField(spec.nameColumn, spec.rename(row, rng));
    case 'ethnicity-invalid':
      return setField(
        spec.ethnicityColumn!,
        INVALID_ETHNICITY_LABELS[variant % INVALID_ETHNICITY_LABELS.length]!,
      );
    case 'duplicate-key':
      return { row, location: { key, normalised: key } };
  }
}
