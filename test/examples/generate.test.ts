import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEPARTMENTS,
  DIVISIONS,
  generateRegion,
  type Manifest,
  UNKNOWN_DIVISION_CODES,
} from '../../examples/xinjiang/generate/index.ts';
import { citizenIdCheckChar, orgCodeCheckChar, usccCheckChar } from '../../schemas/checksums.ts';
import { DefinitionError } from '../../schemas/errors.ts';

const SIZE = 2000;
const SEED = 7;
const AS_OF = '2026-11-29';
const GB3304_USED = new Set([
  '汉族',
  '蒙古族',
  '回族',
  '维吾尔族',
  '哈萨克族',
  '柯尔克孜族',
  '锡伯族',
  '塔吉克族',
  '乌孜别克族',
]);
const DIVISION_CODES = new Set(DIVISIONS.map((d) => d.code));

let root = '';
let dirA = '';
let manifest: Manifest;

/** A parsed CSV record with the physical line it starts on. */
interface CsvRecord {
  line: number;
  fields: string[];
}

/** A deliberately small RFC 4180 parser: quoted fields may hold commas, quotes and newlines. */
function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      // CR of a CRLF line ending
    } else if (c === '\n') {
      fields.push(field);
      records.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      start = line;
    } else field += c;
  }
  if (field !== '' || fields.length > 0) records.push({ line: start, fields: [...fields, field] });
  return records;
}

async function readText(dir: string, file: string): Promise<string> {
  const bytes = await readFile(join(dir, file));
  const f = manifest.files[file]!;
  const text = f.encoding === 'gb18030' ? iconv.decode(bytes, 'gb18030') : bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Independent key check: the loader's reason codes, written here from the checksums alone. */
function reason(
  raw: string,
  kind: 'citizen-id' | 'uscc',
): { ok: true; value: string } | { ok: false; reason: string } {
  let s = raw.normalize('NFKC').trim().toUpperCase();
  if (s === '') return { ok: false, reason: 'missing' };
  if (kind === 'uscc') {
    if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(s))
      return { ok: false, reason: 'format' };
    return usccCheckChar(s) === s[17] ? { ok: true, value: s } : { ok: false, reason: 'checksum' };
  }
  if (/^\d{15}$/.test(s)) {
    const body = `${s.slice(0, 6)}19${s.slice(6)}`;
    s = body + citizenIdCheckChar(body);
  }
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, reason: 'format' };
  if (citizenIdCheckChar(s) !== s[17]) return { ok: false, reason: 'checksum' };
  const [y, m, d] = [Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14))];
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  if (!real || s.slice(6, 14) > AS_OF.replaceAll('-', '')) return { ok: false, reason: 'birth-date' };
  if (!DIVISION_CODES.has(s.slice(0, 6))) return { ok: false, reason: 'division' };
  return { ok: true, value: s };
}

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await readdir(dir)).sort()) {
    out[f] = createHash('sha256')
      .update(await readFile(join(dir, f)))
      .digest('hex');
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gongshu-generate-'));
  dirA = join(root, 'a');
  manifest = await generateRegion({ outDir: dirA, people: SIZE, seed: SEED, asOf: AS_OF });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateRegion determinism', () => {
  it('writes byte-identical files for the same seed and size', async () => {
    const dirB = join(root, 'b');
    await generateRegion({ outDir: dirB, people: SIZE, seed: SEED, asOf: AS_OF });
    const [a, b] = [await hashes(dirA), await hashes(dirB)];
    expect(Object.keys(a)).toEqual([...Object.keys(manifest.files), 'manifest.json'].sort());
    expect(b).toEqual(a);
    for (const f of Object.values(manifest.files)) expect(a[f.file]).toBe(f.sha256);
  });

  it('writes different files for a different seed', async () => {
    const dirC = join(root, 'c');
    await generateRegion({ outDir: dirC, people: SIZE, seed: SEED + 1, asOf: AS_OF });
    const [a, c] = [await hashes(dirA), await hashes(dirC)];
    for (const file of Object.keys(manifest.files)) expect(c[file], file).not.toBe(a[file]);
  });

  it('rejects bad options with a definition error', async () => {
    await expect(generateRegion({ outDir: join(root, 'x'), people: 5 })).rejects.toBeInstanceOf(
      DefinitionError,
    );
    await expect(generateRegion({ outDir: join(root, 'x'), asOf: '2026-02-30' })).rejects.toThrow(/asOf/);
  });
});

describe('encodings and line endings', () => {
  it('GB18030 files are not valid UTF-8 and decode with iconv-lite', async () => {
    for (const file of ['gongan_hukou.csv', 'shichang_enterprises.csv']) {
      const bytes = await readFile(join(dirA, file));
      expect(manifest.files[file]!.encoding).toBe('gb18030');
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
      const text = iconv.decode(bytes, 'gb18030');
      expect(text.startsWith(manifest.files[file]!.header.join(','))).toBe(true);
      expect(iconv.encode(text, 'gb18030').equals(bytes)).toBe(true);
    }
    const hukou = await readText(dirA, 'gongan_hukou.csv');
    expect(hukou).toMatch(/[\u4e00-\u9fff]+·[\u4e00-\u9fff]+/);
  });

  it('uses CRLF in the hukou file, a BOM in the marriage file and LF elsewhere as declared', async () => {
    const hukou = await readText(dirA, 'gongan_hukou.csv');
    expect(hukou.split('\r\n').length).toBe(hukou.split('\n').length);
    expect(hukou.split('\r\n').length - 1).toBe(manifest.files['gongan_hukou.csv']!.physicalLines);
    const marriage = await readFile(join(dirA, 'minzheng_marriage.csv'));
    expect([...marriage.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const weijian = await readText(dirA, 'weijian_births_deaths.csv');
    expect(weijian.includes('\r')).toBe(false);
    for (const f of Object.values(manifest.files)) {
      const text = await readText(dirA, f.file);
      expect(text.includes('\r\n'), f.file).toBe(f.lineEnding === 'CRLF');
    }
  });
});

describe('manifest agrees with a re-scan of the files', () => {
  it('counts rows, lines and expected key outcomes exactly', async () => {
    for (const f of Object.values(manifest.files)) {
      const records = parseCsv(await readText(dirA, f.file));
      expect(records[0]!.fields, f.file).toEqual(f.header);
      const data = records.slice(1);
      expect(data.length, f.file).toBe(f.dataRows);
      const keyAt = f.header.indexOf(f.keyColumn);
      const invalid: Record<string, number> = {
        missing: 0,
        format: 0,
        checksum: 0,
        'birth-date': 0,
        division: 0,
      };
      const seen = new Set<string>();
      let valid = 0;
      let duplicates = 0;
      for (const r of data) {
        expect(r.fields.length, `${f.file}:${r.line}`).toBe(f.header.length);
        const c = reason(r.fields[keyAt]!, f.keyKind);
        if (!c.ok) invalid[c.reason]!++;
        else {
          valid++;
          if (seen.has(c.value)) duplicates++;
          seen.add(c.value);
        }
      }
      expect({ keyInvalid: invalid, keyValid: valid, duplicateKeyRows: duplicates }, f.file).toEqual(
        f.expected,
      );
      const invalidTotal = Object.values(f.expected.keyInvalid).reduce((s, v) => s + v, 0);
      expect(invalidTotal, f.file).toBeGreaterThan(0);
    }
  });

  it('finds the recorded key at every defect, normalisable and quirk location', async () => {
    for (const f of Object.values(manifest.files)) {
      const byLine = new Map(parseCsv(await readText(dirA, f.file)).map((r) => [r.line, r.fields]));
      const keyAt = f.header.indexOf(f.keyColumn);
      const entries = { ...f.defects, ...f.normalisable };
      for (const [kind, entry] of Object.entries(entries)) {
        expect(entry.count, `${f.file} ${kind}`).toBe(entry.rows.length);
        expect(entry.count, `${f.file} ${kind}`).toBeGreaterThanOrEqual(1);
        for (const loc of entry.rows) {
          const row = byLine.get(loc.line);
          expect(row, loc.at).toBeDefined();
          expect(loc.at).toBe(`${f.file}:${loc.line}`);
          expect(row![keyAt], loc.at).toBe(loc.key);
          if (loc.field !== undefined) expect(row![f.header.indexOf(loc.field)], loc.at).toBe(loc.value);
          if (loc.normalised !== undefined)
            expect(reason(loc.key, f.keyKind), loc.at).toEqual({ ok: true, value: loc.normalised });
          if (loc.firstLine !== undefined) {
            const first = byLine.get(loc.firstLine)!;
            expect(first[keyAt], loc.at).toBe(loc.key);
            expect(first.join() === row!.join(), loc.at).toBe(loc.exact);
          }
        }
      }
      for (const q of f.quirks) {
        expect(byLine.get(q.line)![keyAt], q.at).toBe(q.key);
        expect(byLine.has(q.line + 1), q.at).toBe(q.lines === 1);
      }
    }
  });

  it('derives the accuracy expectations again from the files: compared and mismatching rows', async () => {
    // The sources: the register's names, the birth certificates' dates (出生 rows), first valid row per key.
    const source = new Map<string, Map<string, string>>();
    for (const [file, header, only] of [
      ['gongan_hukou.csv', '姓名', null],
      ['weijian_births_deaths.csv', '日期', '出生'],
    ] as const) {
      const f = manifest.files[file]!;
      const values = new Map<string, string>();
      for (const r of parseCsv(await readText(dirA, file)).slice(1)) {
        if (only && r.fields[0] !== only) continue;
        const c = reason(r.fields[f.header.indexOf(f.keyColumn)]!, 'citizen-id');
        if (c.ok && !values.has(c.value)) values.set(c.value, r.fields[f.header.indexOf(header)]!.trim());
      }
      source.set(`${file}:${header}`, values);
    }
    let files = 0;
    for (const f of Object.values(manifest.files)) {
      const rows = parseCsv(await readText(dirA, f.file)).slice(1);
      for (const [header, e] of Object.entries(f.accuracy)) {
        files++;
        const col = f.header.indexOf(header);
        const when = e.when ? { col: f.header.indexOf(e.when.column), equals: e.when.equals } : null;
        let compared = 0;
        const mismatched: string[] = [];
        for (const r of rows) {
          const c = reason(r.fields[f.header.indexOf(f.keyColumn)]!, f.keyKind);
          if (!c.ok || (when && r.fields[when.col] !== when.equals)) continue;
          const theirs = source.get(e.source)!.get(c.value);
          const mine = r.fields[col]!.trim();
          if (!theirs || !mine) continue;
          compared++;
          if (mine !== theirs) mismatched.push(`${f.file}:${r.line}`);
        }
        expect({ f: f.file, header, compared, mismatched }).toEqual({
          f: f.file,
          header,
          compared: e.compared,
          mismatched: e.rows.map((x) => x.at),
        });
        expect(e.mismatched).toBe(e.rows.length);
        expect(e.compared).toBeGreaterThan(0);
      }
    }
    expect(files).toBe(4);
  });

  it('records the defect kinds each file is meant to carry', () => {
    const hukou = manifest.files['gongan_hukou.csv']!;
    expect(Object.keys(hukou.defects).sort()).toEqual(
      [
        'bad-checksum',
        'birth-date-mismatch',
        'blank-key',
        'duplicate-key',
        'ethnicity-invalid',
        'future-birth-date',
        'impossible-date',
        'malformed',
        'sex-mismatch',
        'stale-record',
        'unknown-division',
      ].sort(),
    );
    expect(Object.keys(hukou.normalisable).sort()).toEqual(['fifteen-digit', 'full-width', 'lowercase-x']);
    const blanks = hukou.defects['blank-key']!.rows.map((r) => r.key);
    expect(blanks).toContain('');
    expect(blanks.some((k) => k !== '' && k.trim() === '')).toBe(true);
    const dups = hukou.defects['duplicate-key']!.rows;
    expect(dups.some((r) => r.exact) && dups.some((r) => !r.exact)).toBe(true);
    for (const r of hukou.normalisable['fifteen-digit']!.rows) expect(r.key).toMatch(/^\d{15}$/);
    for (const r of hukou.normalisable['lowercase-x']!.rows) expect(r.key).toMatch(/^\d{17}x$/);
    for (const r of hukou.defects['impossible-date']!.rows) {
      expect(citizenIdCheckChar(r.key)).toBe(r.key[17]);
      expect(reason(r.key, 'citizen-id')).toEqual({ ok: false, reason: 'birth-date' });
    }
    const weijian = manifest.files['weijian_births_deaths.csv']!;
    expect(weijian.quirks.map((q) => q.kind).sort()).toEqual(['embedded-comma', 'embedded-newline']);
    expect(weijian.physicalLines).toBe(weijian.dataRows + 2);
  });
});

describe('clean rows are valid', () => {
  it('have valid keys, consistent sex, birth date, ethnicity and fresh dates', async () => {
    const asOfMinus3 = `${Number(AS_OF.slice(0, 4)) - 3}${AS_OF.slice(4)}`;
    for (const f of Object.values(manifest.files)) {
      const flagged = new Set<number>();
      for (const e of [...Object.values(f.defects), ...Object.values(f.normalisable)]) {
        for (const r of e.rows) flagged.add(r.line);
      }
      const records = parseCsv(await readText(dirA, f.file)).slice(1);
      const col = (name: string) => f.header.indexOf(name);
      let checked = 0;
      for (const { line, fields } of records) {
        if (flagged.has(line)) continue;
        checked++;
        const key = fields[col(f.keyColumn)]!;
        const where = `${f.file}:${line}`;
        if (f.keyKind === 'uscc') {
          expect(usccCheckChar(key), where).toBe(key[17]);
          expect(orgCodeCheckChar(key.slice(8, 16)), where).toBe(key[16]);
          continue;
        }
        expect(key, where).toMatch(/^65\d{15}[\dX]$/);
        expect(citizenIdCheckChar(key), where).toBe(key[17]);
        expect(DIVISION_CODES.has(key.slice(0, 6)), where).toBe(true);
        const male = Number(key[16]) % 2 === 1;
        if (col('性别') >= 0) expect(fields[col('性别')], where).toBe(male ? '男' : '女');
        if (col('性别代码') >= 0) expect(fields[col('性别代码')], where).toBe(male ? '1' : '2');
        if (col('出生日期') >= 0)
          expect(fields[col('出生日期')]!.replaceAll('-', ''), where).toBe(key.slice(6, 14));
        if (col('民族') >= 0) expect(GB3304_USED.has(fields[col('民族')]!), where).toBe(true);
        if (col('登记日期') >= 0 && f.file === 'gongan_hukou.csv') {
          expect(fields[col('登记日期')]! >= asOfMinus3, where).toBe(true);
        }
        if (f.file === 'renshe_social_security.csv')
          expect(fields[col('参保日期')]! >= asOfMinus3, where).toBe(true);
        if (col('婚姻状况') >= 0 && key.slice(6, 14) > `${Number(AS_OF.slice(0, 4)) - 20}1129`) {
          expect(fields[col('婚姻状况')], where).toBe('未婚');
        }
      }
      expect(checked, f.file).toBeGreaterThan(f.dataRows * 0.5);
    }
  });
});

describe('world metadata', () => {
  it('lists 25-40 real-looking Xinjiang counties and departments matching the manifest', () => {
    expect(DIVISIONS.length).toBeGreaterThanOrEqual(25);
    expect(DIVISIONS.length).toBeLessThanOrEqual(40);
    expect(DIVISION_CODES.size).toBe(DIVISIONS.length);
    for (const d of DIVISIONS) expect(d.code).toMatch(/^65\d{4}$/);
    const files = DEPARTMENTS.flatMap((d) => d.extracts);
    expect(files.map((e) => e.file).sort()).toEqual(Object.keys(manifest.files).sort());
    for (const d of DEPARTMENTS) {
      expect(usccCheckChar(d.code), d.id).toBe(d.code[17]);
      for (const e of d.extracts) {
        const f = manifest.files[e.file]!;
        expect([f.keyColumn, f.keyKind, f.encoding, f.bom, f.lineEnding, f.department]).toEqual([
          e.keyColumn,
          e.keyKind,
          e.encoding,
          e.bom,
          e.lineEnding,
          d.id,
        ]);
      }
    }
  });
});

describe('divisions against the project table', () => {
  const table = join(import.meta.dirname, '../../schemas/data/divisions.json');
  it.skipIf(!existsSync(table))(
    'uses only codes in schemas/data/divisions.json and unknown codes absent from it',
    async () => {
      const { rows } = JSON.parse(await readFile(table, 'utf8')) as { rows: [string, string, number][] };
      const codes = new Set(rows.map((r) => r[0]));
      for (const d of DIVISIONS) expect(codes.has(d.code), d.code).toBe(true);
      for (const c of UNKNOWN_DIVISION_CODES) expect(codes.has(c), c).toBe(false);
    },
  );
});
