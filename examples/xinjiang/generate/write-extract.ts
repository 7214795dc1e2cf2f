/** Writes one extract with its planned defects and builds its manifest entry, checking the counts it claims. */
import { join } from 'node:path';
import { GongshuError } from '../../../schemas/errors.ts';
import { CsvWriter } from './csv.ts';
import { compact } from './dates.ts';
import { type Assignment, applyInjection, type ExtractSpec, NORMALISABLE, planDefects } from './defects.ts';
import { DIVISION_BY_CODE } from './divisions.ts';
import { classifyCitizenId, classifyUscc, type KeyReason } from './identifiers.ts';
import type {
  AccuracyExpectation,
  DefectEntry,
  DefectKind,
  DefectLocation,
  ExpectedCounts,
  FileManifest,
  NormalisableKind,
  Quirk,
} from './manifest.ts';
import { Rng } from './random.ts';

const DIVISION_CODES: ReadonlySet<string> = new Set(DIVISION_BY_CODE.keys());
const ROWS_PER_FLUSH_CHECK = 2000;

interface Pending {
  readonly row: string[];
  readonly location: Omit<DefectLocation, 'at' | 'line'>;
  readonly sourceIndex: number;
}

/** Values of authoritative columns by normalised key: `file:header` → key → value (first valid row wins). */
export type Authoritative = Map<string, Map<string, string>>;

/** An accuracy expectation whose source is written later: its candidate rows, resolved by `resolveDeferred`. */
export interface Deferred {
  readonly file: string;
  readonly expectation: AccuracyExpectation;
  readonly candidates: { key: string; raw: string; value: string; at: number }[];
}

/** Completes deferred accuracy expectations once every file (and so every source) is written. */
export function resolveDeferred(deferred: readonly Deferred[], sources: Authoritative): void {
  for (const d of deferred) {
    const values = sources.get(d.expectation.source);
    const header = d.expectation.source.slice(d.expectation.source.indexOf(':') + 1);
    for (const c of d.candidates) {
      const theirs = values?.get(c.key);
      if (theirs === undefined || theirs === '' || c.value === '') continue;
      d.expectation.compared++;
      if (c.value !== theirs) {
        d.expectation.mismatched++;
        d.expectation.rows.push({
          at: `${d.file}:${c.at}`,
          line: c.at,
          key: c.raw,
          field: header,
          value: c.value,
          expected: theirs,
        });
      }
    }
    d.expectation.rows.sort((a, b) => a.line - b.line);
  }
}

/**
 * Writes `spec` into `outDir` and returns its manifest entry, with the accuracy expectations of its compared
 * columns against `sources`, and adds the values of its own authoritative columns to `sources`. Throws if a
 * re-classification disagrees.
 */
export async function writeExtract(
  spec: ExtractSpec,
  outDir: string,
  seed: number,
  asOfDay: number,
  sources: Authoritative = new Map(),
  deferred: Deferred[] = [],
  onProgress?: (rows: number) => void,
): Promise<FileManifest> {
  const rng = new Rng(seed, `defects:${spec.file}`);
  const plan = planDefects(spec, rng, asOfDay);
  const writer = await CsvWriter.create(join(outDir, spec.file), spec.encoding, spec.eol);
  const defects: Partial<Record<DefectKind, DefectEntry>> = {};
  const normalisable: Partial<Record<NormalisableKind, DefectEntry>> = {};
  const quirks: Quirk[] = [];
  const pendingAfter = new Map<number, Pending[]>();
  const sourceLine = new Map<number, number>();
  const asOf = compact(asOfDay);
  const classify = (raw: string) =>
    spec.keyKind === 'citizen-id' ? classifyCitizenId(raw, asOf, DIVISION_CODES) : classifyUscc(raw);
  const observed: ExpectedCounts = {
    keyInvalid: { missing: 0, format: 0, checksum: 0, 'birth-date': 0, division: 0 },
    keyValid: 0,
    duplicateKeyRows: 0,
  };
  const seen = new Set<string>();
  let line = writer.row(spec.header) + 1;
  let dataRows = 0;
  const keep = (spec.authoritative ?? []).map((a) => {
    const values = new Map<string, string>();
    sources.set(`${spec.file}:${a.header}`, values);
    return { column: spec.header.indexOf(a.header), when: a.when, values };
  });
  const accuracy: Record<string, AccuracyExpectation> = {};
  const compare = (spec.accuracy ?? []).map((a) => {
    const header = spec.header[a.column]!;
    const expectation: AccuracyExpectation = {
      source: `${a.source}:${a.sourceColumn}`,
      ...(a.when ? { when: { column: spec.header[a.when.column]!, equals: a.when.equals } } : {}),
      compared: 0,
      mismatched: 0,
      rows: [],
    };
    accuracy[header] = expectation;
    const values = sources.get(`${a.source}:${a.sourceColumn}`);
    const later: Deferred | undefined = values ? undefined : { file: spec.file, expectation, candidates: [] };
    if (later) deferred.push(later);
    return { spec: a, header, expectation, values, later };
  });

  const record = (
    kind: DefectKind | NormalisableKind,
    location: Omit<DefectLocation, 'at' | 'line'>,
    at: number,
  ) => {
    const bucket = NORMALISABLE.has(kind) ? normalisable : defects;
    const entries = bucket as Record<string, DefectEntry>;
    const entry = entries[kind] ?? { count: 0, rows: [] };
    entries[kind] = entry;
    entry.count++;
    entry.rows.push({ at: `${spec.file}:${at}`, line: at, ...location });
  };
  const emit = (row: readonly string[]): number => {
    const at = line;
    line += writer.row(row);
    dataRows++;
    const c = classify(row[spec.keyColumn]!);
    if (c.ok) {
      observed.keyValid++;
      if (seen.has(c.value)) observed.duplicateKeyRows++;
      else seen.add(c.value);
      for (const k of keep) {
        if (k.when && row[k.when.column] !== k.when.equals) continue;
        if (!k.values.has(c.value)) k.values.set(c.value, row[k.column]!.trim());
      }
      for (const a of compare) {
        if (a.spec.when && row[a.spec.when.column] !== a.spec.when.equals) continue;
        const mine = row[a.spec.column]!.trim();
        if (a.later) {
          if (a.spec.keys?.(c.value) ?? true)
            a.later.candidates.push({ key: c.value, raw: row[spec.keyColumn]!, value: mine, at });
          continue;
        }
        const theirs = a.values?.get(c.value);
        if (theirs === undefined || theirs === '' || mine === '') continue;
        a.expectation.compared++;
        if (mine !== theirs) {
          a.expectation.mismatched++;
          a.expectation.rows.push({
            at: `${spec.file}:${at}`,
            line: at,
            key: row[spec.keyColumn]!,
            field: a.header,
            value: mine,
            expected: theirs,
          });
        }
      }
    } else observed.keyInvalid[c.reason]++;
    return at;
  };

  for (let i = 0; i < spec.rows.length; i++) {
    const base = spec.rows[i]!;
    const a: Assignment | undefined = plan.get(i);
    if (a === undefined) emit(base);
    else if (a.type === 'injection') {
      const applied = applyInjection(spec, a.kind, a.variant, base, rng, asOfDay);
      record(a.kind, applied.location, emit(applied.row));
    } else if (a.type === 'quirk') {
      const q = spec.quirks![a.index]!;
      const row = [...base];
      row[q.column] = q.rewrite(row[q.column]!);
      const at = emit(row);
      quirks.push({
        kind: q.kind,
        at: `${spec.file}:${at}`,
        line: at,
        lines: line - at,
        key: row[spec.keyColumn]!,
        field: spec.header[q.column]!,
      });
    } else {
      sourceLine.set(i, emit(base));
      const copy = [...base];
      const exact = a.variant % 2 === 0;
      if (!exact) copy[spec.nameColumn] = spec.rename(base, rng);
      const key = base[spec.keyColumn]!;
      const list = pendingAfter.get(a.after) ?? [];
      list.push({ row: copy, location: { key, normalised: key, exact }, sourceIndex: i });
      pendingAfter.set(a.after, list);
    }
    for (const p of pendingAfter.get(i) ?? []) {
      const at = emit(p.row);
      record('duplicate-key', { ...p.location, firstLine: sourceLine.get(p.sourceIndex)! }, at);
    }
    pendingAfter.delete(i);
    if (i % ROWS_PER_FLUSH_CHECK === 0) {
      await writer.maybeFlush();
      onProgress?.(i);
    }
  }
  const { bytes, sha256 } = await writer.close();

  const count = (kind: DefectKind) => defects[kind]?.count ?? 0;
  const invalid: Record<KeyReason, number> = {
    missing: count('blank-key'),
    format: count('malformed'),
    checksum: count('bad-checksum'),
    'birth-date': count('impossible-date') + count('future-birth-date'),
    division: count('unknown-division'),
  };
  const totalInvalid = Object.values(invalid).reduce((s, v) => s + v, 0);
  const expected: ExpectedCounts = {
    keyInvalid: invalid,
    keyValid: dataRows - totalInvalid,
    duplicateKeyRows: count('duplicate-key'),
  };
  if (JSON.stringify(expected) !== JSON.stringify(observed)) {
    throw new GongshuError(
      'generator',
      `examples/xinjiang/generate: ${spec.file}: expected counts from the injected defects ${JSON.stringify(expected)} ` +
        `differ from a re-classification of the written keys ${JSON.stringify(observed)}. Fix: the generator has a bug; ` +
        'a clean row must have a valid, unique key and every defect row must fail exactly one rule.',
      { details: { file: spec.file, expected, observed } },
    );
  }
  return {
    file: spec.file,
    department: spec.department,
    encoding: spec.encoding === 'gb18030' ? 'gb18030' : 'utf-8',
    bom: spec.encoding === 'utf-8-bom',
    lineEnding: spec.eol === '\r\n' ? 'CRLF' : 'LF',
    header: [...spec.header],
    keyColumn: spec.header[spec.keyColumn]!,
    keyKind: spec.keyKind,
    dataRows,
    physicalLines: line - 1,
    bytes,
    sha256,
    defects: sortEntries(defects),
    normalisable: sortEntries(normalisable),
    quirks,
    expected,
    accuracy,
  };
}

function sortEntries<T extends Record<string, DefectEntry>>(entries: T): T {
  for (const entry of Object.values(entries)) entry.rows.sort((a, b) => a.line - b.line);
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}
