/** The shape of `manifest.json`: what each generated file contains and exactly where its defects are. */
import type { KeyReason } from './identifiers.ts';

/** Defects that make a row wrong (key invalid, duplicate, or a non-key field wrong). */
export type DefectKind =
  | 'bad-checksum'
  | 'impossible-date'
  | 'future-birth-date'
  | 'unknown-division'
  | 'blank-key'
  | 'malformed'
  | 'duplicate-key'
  | 'sex-mismatch'
  | 'birth-date-mismatch'
  | 'stale-record'
  | 'ethnicity-invalid'
  | 'name-mismatch';

/** Key spellings that are valid after normalisation (NFKC, upper-case, 15→18 upgrade). */
export type NormalisableKind = 'fifteen-digit' | 'full-width' | 'lowercase-x';

/** One affected row. `line` is the 1-based physical line (header = 1, embedded newlines counted). */
export interface DefectLocation {
  /** `file:line`. */
  at: string;
  line: number;
  /** The key exactly as written in the file. */
  key: string;
  /** The 18-character key a correct loader derives (normalisable kinds and duplicates). */
  normalised?: string;
  /** For non-key defects: the column, the value written and the value consistent with the key. */
  field?: string;
  value?: string;
  expected?: string;
  /** For duplicate-key: the line of the first occurrence and whether the copy is exact. */
  firstLine?: number;
  exact?: boolean;
}

/** All rows of one defect kind in one file. */
export interface DefectEntry {
  count: number;
  rows: DefectLocation[];
}

/** A harmless formatting peculiarity a parser must cope with (quoted comma, embedded newline). */
export interface Quirk {
  kind: 'embedded-comma' | 'embedded-newline';
  at: string;
  line: number;
  /** Physical lines the row spans. */
  lines: number;
  key: string;
  field: string;
}

/**
 * What an accuracy rule comparing one column with the authoritative source must count (`matchesSource`): joined
 * on the normalised key with the source's first row of that key (rows with a valid key only), rows where both
 * values are present are compared and those whose values differ fail.
 */
export interface AccuracyExpectation {
  /** The authoritative file and column, `file:header`. */
  source: string;
  /** Only rows where this column has this value are compared (e.g. 记录类型 = 出生). */
  when?: { column: string; equals: string };
  compared: number;
  mismatched: number;
  /** Every mismatching row: its location, key, the value written and the authoritative value. */
  rows: DefectLocation[];
}

/** What a correct loader keying the file by its key column must count. */
export interface ExpectedCounts {
  keyInvalid: Record<KeyReason, number>;
  /** Rows whose key is valid after normalisation (duplicates included). */
  keyValid: number;
  /** Valid-key rows whose normalised key already occurred on an earlier row. */
  duplicateKeyRows: number;
}

/** One generated file. */
export interface FileManifest {
  file: string;
  department: string;
  encoding: 'utf-8' | 'gb18030';
  bom: boolean;
  lineEnding: 'CRLF' | 'LF';
  header: string[];
  keyColumn: string;
  keyKind: 'citizen-id' | 'uscc';
  /** Data rows (records), excluding the header. */
  dataRows: number;
  /** Physical lines including the header. */
  physicalLines: number;
  bytes: number;
  sha256: string;
  defects: Partial<Record<DefectKind, DefectEntry>>;
  normalisable: Partial<Record<NormalisableKind, DefectEntry>>;
  quirks: Quirk[];
  expected: ExpectedCounts;
  /** Per compared column (its header): what an accuracy rule against the authoritative source must count. */
  accuracy: Record<string, AccuracyExpectation>;
}

/** The whole manifest. */
export interface Manifest {
  generator: 'gongshu/examples/xinjiang/generate';
  version: 1;
  seed: number;
  people: number;
  /** Residents actually generated (households are kept whole, so slightly more than `people`). */
  residents: number;
  asOf: string;
  definitions: Record<string, string>;
  files: Record<string, FileManifest>;
}

/** Human-readable definitions written into every manifest. */
export const DEFINITIONS: Record<string, string> = {
  line: '1-based physical line; the header is line 1; a quoted field with an embedded newline makes its row span 2 lines',
  normalisation:
    'key := NFKC(raw).trim().toUpperCase(); a 15-digit citizen ID is upgraded by inserting "19" after position 6 and appending the MOD 11-2 check char',
  'reason-order':
    'missing (empty/whitespace) → format (not 18 chars of the key alphabet) → checksum → birth-date (not a real date, or after asOf) → division (address code not a GB/T 2260 code); each defect row fails exactly one rule',
  'bad-checksum': 'key with a wrong check char (everything else valid)',
  'impossible-date':
    'citizen ID whose birth date is not a calendar date (e.g. 19900230, 20011340); check char recomputed',
  'future-birth-date': 'citizen ID born after asOf; check char valid',
  'unknown-division': 'citizen ID with address code 659999/650999 (not GB/T 2260); date and check char valid',
  'blank-key': 'key field empty, or only whitespace (ASCII spaces or U+3000)',
  malformed: 'key with the wrong length or a character outside the key alphabet → reason "format"',
  'duplicate-key':
    'a later row with the same key as an earlier clean row: either an exact copy (exact: true) or the same key with a different name',
  'sex-mismatch': 'sex column disagrees with the ID (17th digit odd = male); key valid',
  'birth-date-mismatch': '出生日期 column disagrees with digits 7-14 of the ID; key valid',
  'stale-record':
    'freshness date (gongan 登记日期 = date the record was last registered/confirmed; renshe 参保日期 = date of the current enrolment record) is earlier than asOf minus 3 years; in this world every other row has it within [asOf - 3 years, asOf]',
  'ethnicity-invalid': '民族 value that is not a GB 3304 name (e.g. 未知族, 维族); key valid',
  'name-mismatch':
    "a department's copy of a person's name differs from the household register's (another given name); key valid. The accuracy expectations also count renamed duplicate rows",
  accuracy:
    'per compared column: the rows whose normalised key has a row in the authoritative file (its first, with a valid key), both values present, compared; mismatched = those that differ (trimmed text)',
  'fifteen-digit':
    'old 15-digit ID of a person born in 19xx: valid after the 15→18 upgrade (normalised shows the 18-digit value)',
  'full-width': 'key written with full-width digits/letters: valid after NFKC',
  'lowercase-x': 'valid citizen ID ending in a lowercase x',
};
