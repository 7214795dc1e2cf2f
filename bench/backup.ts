/**
 * Benchmark of backups: a warehouse shaped like the 1M-person example (five department tables of N people each,
 * default 1,000,000, written by SQL with the loaders' lineage columns; not the demo's own loads, which take
 * far longer to make) is backed up to a local folder, verified (decrypt, restore into a temporary folder, open,
 * count, audit verify), against the floor: a plain copy of the same checkpointed file (`fs.copyFile`, as cp),
 * and the bare bound: read, encrypt and write (and fsync) the same bytes with the same cipher and chunks, with
 * and without the per-file hash. Each run measures every phase once, interleaved (copy, bare, backup, verify),
 * so a busy machine slows them alike; the medians of the runs are reported. Each phase runs in its own process,
 * so its peak RSS is its own. Writes `bench/results/backup.json`.
 *
 * Run: `npx tsx bench/backup.ts [--people N] [--runs N]`.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aead, backupSettings, createBackup, journalPath, verifyBackup } from '../governance/index.ts';
import { appendAudit } from '../platform/index.ts';
import { openWarehouse } from '../warehouse/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const PEOPLE = Number(arg('--people', '1000000'));
const RUNS = Number(arg('--runs', '3'));
const phase = arg('--phase', 'main');
const root = arg('--root', '');

const project = (cipher: string) => ({
  name: 'bench_backup',
  node: { id: '650102', level: 'county', name: 'bench' },
  backup: {
    masterKey: { id: 'bench', file: join(root, 'bench.key') },
    cipher,
    destinations: { local: { path: join(root, 'bk') } },
    tmpDir: join(root, 'tmp'),
  },
});

const ID = `'650102' || strftime(DATE '1950-01-01' + CAST(i % 25000 AS INTEGER), '%Y%m%d') || lpad(CAST(i % 1000 AS VARCHAR), 3, '0') || 'X'`;
const LINEAGE = `'load-' || (i % 7) AS _load_id, 'extract.csv:' || (i + 2) AS _source, TIMESTAMPTZ '2026-06-30 08:00:00+08' AS _ingested_at`;

async function build(): Promise<void> {
  const wh = await openWarehouse({ path: join(root, 'warehouse.duckdb') });
  try {
    await wh.run(`CREATE TABLE hukou AS SELECT ${ID} AS id_number, '居民' || i AS name,
      CASE WHEN i % 2 = 0 THEN '男' ELSE '女' END AS sex, DATE '1950-01-01' + CAST(i % 25000 AS INTEGER) AS birth_date,
      '新疆维吾尔自治区乌鲁木齐市天山区幸福路' || (i % 900) || '号' AS address, '650102' AS division,
      '138' || lpad(CAST(i AS VARCHAR), 8, '0') AS mobile, ${LINEAGE} FROM range(${PEOPLE}) t(i)`);
    await wh.run(`CREATE TABLE marriage AS SELECT ${ID} AS id_number, CASE WHEN i % 3 = 0 THEN '未婚' ELSE '已婚' END AS status,
      DATE '2000-01-01' + CAST(i % 9000 AS INTEGER) AS registered_on, ${LINEAGE} FROM range(${PEOPLE}) t(i)`);
    await wh.run(`CREATE TABLE social_security AS SELECT ${ID} AS id_number, 'SB' || lpad(CAST(i AS VARCHAR), 10, '0') AS card_no,
      CAST(i % 5000 AS DOUBLE) + 0.5 AS monthly_base, ${LINEAGE} FROM range(${PEOPLE}) t(i)`);
    await wh.run(`CREATE TABLE births_deaths AS SELECT ${ID} AS id_number, CASE WHEN i % 50 = 0 THEN '死亡' ELSE '在世' END AS status,
      md5(CAST(i AS VARCHAR)) AS certificate, ${LINEAGE} FROM range(${PEOPLE}) t(i)`);
    await wh.run(`CREATE TABLE education AS SELECT ${ID} AS id_number, (ARRAY['小学','初中','高中','大学','研究生'])[1 + i % 5] AS level,
      'school-' || (i % 3000) AS school, ${LINEAGE} FROM range(${PEOPLE}) t(i)`);
    for (let i = 0; i < 100; i++)
      await appendAudit(wh, '650102', { action: 'push-sent', peer: '650100', dataset: 'hukou', rows: i });
    await wh.run('CHECKPOINT');
  } finally {
    wh.close();
  }
}

function measure(label: string, fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return fn().then((result) => {
    const cpu = process.cpuUsage(c0);
    process.stdout.write(
      `${JSON.stringify({ label, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMiB: process.resourceUsage().maxRSS / 1024, result })}\n`,
    );
  });
}

async function child(): Promise<void> {
  if (phase === 'build') return build();
  const cipher = arg('--cipher', 'aes-256-gcm') as 'aes-256-gcm' | 'sm4-ctr-hmac-sm3';
  const settings = backupSettings(project(cipher), root);
  const journal = journalPath(join(root, 'warehouse.duckdb'));
  if (phase === 'backup') {
    return measure('backup', async () => {
      const t0 = performance.now();
      const wh = await openWarehouse({ path: join(root, 'warehouse.duckdb') });
      const open = (performance.now() - t0) / 1000;
      try {
        const r = await createBackup({ settings, journal, wh, prune: false });
        const { id, bytes, plainBytes, tables, rows, seconds } = r;
        return { id, bytes, plainBytes, tables, rows, seconds: { open, ...seconds } };
      } finally {
        wh.close();
      }
    });
  }
  if (phase === 'verify') {
    return measure('verify', async () => {
      const r = await verifyBackup({ settings, journal, id: arg('--id', '') });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return { ok: r.ok, tables: r.tables, seconds: r.destinations[0]!.seconds };
    });
  }
  if (phase === 'bare') return measure('bare', () => bare(cipher, arg('--hash', '')));
  if (phase === 'copy') {
    return measure('copy', async () => {
      copyFileSync(join(root, 'warehouse.duckdb'), join(root, 'copy.duckdb'));
      rmSync(join(root, 'copy.duckdb'));
      return {};
    });
  }
}

/**
 * The bound of a backup: read the file in 4 MiB chunks, seal each with the cipher (and hash it, with `hash`),
 * write the sealed chunks and fsync; no tar, no manifest, no DuckDB.
 */
async function bare(cipher: 'aes-256-gcm' | 'sm4-ctr-hmac-sm3', hash: string) {
  const fh = await open(join(root, 'warehouse.duckdb'), 'r');
  const out = await open(join(root, 'bare.gsb'), 'w');
  const seal = aead(cipher, randomBytes(32));
  const h = hash ? createHash(hash) : null;
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  let at = 0;
  let writing: Promise<unknown> = Promise.resolve();
  for (let i = 0; ; i++) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, at);
    if (bytesRead === 0) break;
    const piece = buf.subarray(0, bytesRead);
    h?.update(piece);
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(i);
    const parts = seal.sealParts(nonce, piece, Buffer.from('bench'));
    await writing;
    writing = out.writev(parts);
    at += bytesRead;
  }
  await writing;
  await out.sync();
  await out.close();
  await fh.close();
  rmSync(join(root, 'bare.gsb'));
  return { bytes: at, hash: h?.digest('hex').slice(0, 8) ?? null };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gongshu-bench-backup-'));
  const self = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--root', dir, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
  try {
    writeFileSync(join(dir, 'bench.key'), `${'5a'.repeat(32)}\n`, { mode: 0o600 });
    const t0 = performance.now();
    const b = self(['--phase', 'build', '--people', String(PEOPLE)]);
    if (b.status !== 0) throw new Error(b.stderr);
    const buildSeconds = (performance.now() - t0) / 1000;
    const bytes = statSync(join(dir, 'warehouse.duckdb')).size;
    const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
    const runs = measureRuns(dir);
    const result = resultOf(runs, { bytes, buildSeconds, loadBefore });
    const out = join(here, 'results/backup.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
    renameSync(`${out}.tmp`, out);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One phase's measurement: wall and CPU seconds, the process's peak RSS, what it returned. */
interface Measured {
  label: string;
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
  result: Record<string, unknown>;
}

type Runs = Record<'copy' | 'bare' | 'bareHashed' | 'backup' | 'verify' | 'backupSm4', Measured[]>;

/** RUNS interleaved runs: each measures every phase once, so load from other processes falls on all of them. */
function measureRuns(dir: string): Runs {
  const runs: Runs = { copy: [], bare: [], bareHashed: [], backup: [], verify: [], backupSm4: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.copy.push(runIn(dir, ['--phase', 'copy']));
    runs.bare.push(runIn(dir, ['--phase', 'bare']));
    runs.bareHashed.push(runIn(dir, ['--phase', 'bare', '--hash', 'sha256']));
    const b = runIn(dir, ['--phase', 'backup']);
    runs.backup.push(b);
    runs.verify.push(runIn(dir, ['--phase', 'verify', '--id', String(b.result.id)]));
    rmSync(join(dir, 'bk'), { recursive: true, force: true });
  }
  runs.backupSm4.push(runIn(dir, ['--phase', 'backup', '--cipher', 'sm4-ctr-hmac-sm3']));
  return runs;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** The median of each phase's seconds (`result.seconds`). */
const phasesOf = (xs: Measured[]) => {
  const keys = Object.keys((xs[0]!.result.seconds as Record<string, number>) ?? {});
  return Object.fromEntries(
    keys.map((k) => [k, r3(median(xs.map((x) => (x.result.seconds as Record<string, number>)[k]!)))]),
  );
};

/** The JSON written to bench/results/backup.json. */
function resultOf(runs: Runs, meta: { bytes: number; buildSeconds: number; loadBefore: number[] }) {
  const copy = median(runs.copy.map((x) => x.seconds));
  const copyCpu = median(runs.copy.map((x) => x.cpuSeconds));
  const ratio = (x: number, of: number) => Math.round((x / of) * 100) / 100;
  const summary = (xs: Measured[]) => ({
    seconds: r3(median(xs.map((x) => x.seconds))),
    vsCopy: ratio(median(xs.map((x) => x.seconds)), copy),
    runs: xs.map((x) => r3(x.seconds)),
    cpuSeconds: r3(median(xs.map((x) => x.cpuSeconds))),
    maxRssMiB: Math.round(Math.max(...xs.map((x) => x.maxRssMiB)) * 10) / 10,
  });
  const withoutOpen = median(runs.backup.map((x) => x.seconds - (x.result.seconds as { open: number }).open));
  return {
    benchmark: 'backup create and verify of a 1M-person-shaped warehouse vs a plain file copy',
    date: new Date().toISOString(),
    people: PEOPLE,
    tables: 5,
    warehouseBytes: meta.bytes,
    node: process.version,
    cpus: cpus().length,
    loadavg: { before: meta.loadBefore, after: loadavg().map((x) => Math.round(x * 100) / 100) },
    buildSeconds: Math.round(meta.buildSeconds * 100) / 100,
    statistic: `median of ${RUNS} interleaved runs (each phase in its own process); cpuSeconds: user + system of that process`,
    copy: { ...summary(runs.copy), note: 'fs.copyFile of the checkpointed warehouse file (as cp, no fsync)' },
    bare: {
      ...summary(runs.bare),
      cipher: 'aes-256-gcm',
      note: 'the bound: read the file, AES-256-GCM in 4 MiB chunks, write (one write in flight), fsync; no tar, hash or DuckDB',
    },
    bareHashed: {
      ...summary(runs.bareHashed),
      note: 'the bound with the per-file hash the manifest records (SHA-256), in the same pass',
    },
    backup: {
      ...summary(runs.backup),
      target: 'within 3× the copy',
      withoutOpen: r3(withoutOpen),
      withoutOpenVsCopy: ratio(withoutOpen, copy),
      cpuVsCopyCpu: ratio(median(runs.backup.map((x) => x.cpuSeconds)), copyCpu),
      phases: phasesOf(runs.backup),
      archiveBytes: runs.backup[0]!.result.bytes,
      cipher: 'aes-256-gcm',
      fileHash: 'sha256',
      note: 'open the warehouse (writer lock, layout check, macros), CHECKPOINT and row counts of every table (facts), tar + SHA-256 + AES-256-GCM chunks of 4 MiB read straight into the chunk buffer with one write in flight (pack), fsync (sync), commit; one local destination. withoutOpen: the same less opening the warehouse, which every command pays',
    },
    verify: {
      ...summary(runs.verify),
      phases: phasesOf(runs.verify),
      note: 'unwrap, MAC, decrypt + unpack into a temporary folder with the hash of each file (unpack), open read-only, count every table, audit verify (check), remove',
    },
    backupSm4: {
      ...summary(runs.backupSm4),
      phases: phasesOf(runs.backupSm4),
      cipher: 'sm4-ctr-hmac-sm3',
      fileHash: 'sm3',
      note: 'one run',
    },
  };
}

function runIn(dir: string, args: string[]): Measured {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--root', dir, ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Measured;
}

if (phase === 'main') await main();
else await child();
