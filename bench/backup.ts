/**
 * Benchmark of backups: a warehouse shaped like the 1M-person example (five department tables of N people each,
 * default 1,000,000, written by SQL with the loaders' lineage columns; not the demo's own loads, which take
 * far longer to make) is backed up to a local folder, verified (decrypt, restore into a temporary folder, open,
 * count, audit verify), against the floor: a plain copy of the same checkpointed file (`fs.copyFile`, as cp).
 * Each phase runs in its own process, so its peak RSS is its own. Writes `bench/results/backup.json`.
 *
 * Run: `npx tsx bench/backup.ts [--people N] [--runs N]`.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backupSettings, createBackup, journalPath, verifyBackup } from '../governance/index.ts';
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
  return fn().then((result) => {
    process.stdout.write(
      `${JSON.stringify({ label, seconds: (performance.now() - t0) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, result })}\n`,
    );
  });
}

async function child(): Promise<void> {
  if (phase === 'build') return build();
  const cipher = arg('--cipher', 'aes-256-gcm');
  const settings = backupSettings(project(cipher), root);
  const journal = journalPath(join(root, 'warehouse.duckdb'));
  if (phase === 'backup') {
    return measure('backup', async () => {
      const wh = await openWarehouse({ path: join(root, 'warehouse.duckdb') });
      try {
        const r = await createBackup({ settings, journal, wh, prune: false });
        return { id: r.id, bytes: r.bytes, plainBytes: r.plainBytes, tables: r.tables, rows: r.rows };
      } finally {
        wh.close();
      }
    });
  }
  if (phase === 'verify') {
    return measure('verify', async () => {
      const r = await verifyBackup({ settings, journal, id: arg('--id', '') });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return { ok: r.ok, tables: r.tables };
    });
  }
  if (phase === 'bare') {
    // The crypto the backup cannot avoid, on one thread, from memory-mapped reads: SM3 of the plaintext and
    // AES-256-GCM of it (no tar, no writes, no DuckDB).
    return measure('bare', async () => {
      const fh = await open(join(root, 'warehouse.duckdb'), 'r');
      const buf = Buffer.alloc(4 * 1024 * 1024);
      const hash = createHash('sm3');
      const key = randomBytes(32);
      let at = 0;
      for (let i = 0; ; i++) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, at);
        if (bytesRead === 0) break;
        const piece = buf.subarray(0, bytesRead);
        hash.update(piece);
        const iv = Buffer.alloc(12);
        iv.writeUInt32BE(i);
        const c = createCipheriv('aes-256-gcm', key, iv);
        c.update(piece);
        c.final();
        at += bytesRead;
      }
      await fh.close();
      return { bytes: at, sm3: hash.digest('hex').slice(0, 8) };
    });
  }
  if (phase === 'copy') {
    return measure('copy', async () => {
      copyFileSync(join(root, 'warehouse.duckdb'), join(root, 'copy.duckdb'));
      rmSync(join(root, 'copy.duckdb'));
      return {};
    });
  }
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
    const phases = (args: string[]) => {
      const out = [];
      for (let i = 0; i < RUNS; i++) out.push(runIn(dir, args));
      return out;
    };
    const copies = phases(['--phase', 'copy']);
    const bares = phases(['--phase', 'bare']);
    const backups = phases(['--phase', 'backup']);
    const verifies = [runIn(dir, ['--phase', 'verify', '--id', String(backups.at(-1)!.result.id)])];
    const sm4 = [runIn(dir, ['--phase', 'backup', '--cipher', 'sm4-ctr-hmac-sm3'])];
    const best = (xs: { seconds: number }[]) => Math.min(...xs.map((x) => x.seconds));
    const peak = (xs: { maxRssMiB: number }[]) => Math.max(...xs.map((x) => x.maxRssMiB));
    const copy = best(copies);
    const result = {
      benchmark: 'backup create and verify of a 1M-person-shaped warehouse vs a plain file copy',
      date: new Date().toISOString(),
      people: PEOPLE,
      tables: 5,
      warehouseBytes: bytes,
      node: process.version,
      cpus: cpus().length,
      loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
      buildSeconds: Math.round(buildSeconds * 100) / 100,
      floor: {
        seconds: copy,
        maxRssMiB: peak(copies),
        note: 'fs.copyFile of the checkpointed warehouse file (as cp); best of runs',
      },
      bare: {
        seconds: best(bares),
        vsCopy: Math.round((best(bares) / copy) * 100) / 100,
        note: 'lower bound of the backup on one thread: read the file, SM3 and AES-256-GCM it in memory (no tar, no writes, no DuckDB); the backup overlaps SM3 with the encryption on a second thread',
      },
      backup: {
        seconds: best(backups),
        vsBare: Math.round((best(backups) / best(bares)) * 100) / 100,
        vsCopy: Math.round((best(backups) / copy) * 100) / 100,
        target: 'within 3× the copy',
        maxRssMiB: peak(backups),
        runs: backups.map((x) => Math.round(x.seconds * 1000) / 1000),
        archiveBytes: backups[0]!.result.bytes,
        cipher: 'aes-256-gcm',
        note: 'open the warehouse (writer lock, migrate check), CHECKPOINT, row counts of every table, tar + SM3 per file + AES-256-GCM chunks of 4 MiB, fsync, commit; one local destination',
      },
      backupSm4: {
        seconds: best(sm4),
        vsCopy: Math.round((best(sm4) / copy) * 100) / 100,
        maxRssMiB: peak(sm4),
        cipher: 'sm4-ctr-hmac-sm3',
      },
      verify: {
        seconds: best(verifies),
        vsCopy: Math.round((best(verifies) / copy) * 100) / 100,
        maxRssMiB: peak(verifies),
        note: 'unwrap, MAC, decrypt + unpack into a temporary folder with SM3 per file, open read-only, count every table, audit verify, remove',
      },
    };
    const out = join(here, 'results/backup.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
    renameSync(`${out}.tmp`, out);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runIn(dir: string, args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--root', dir, ...args],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    label: string;
    seconds: number;
    maxRssMiB: number;
    result: Record<string, unknown>;
  };
}

if (phase === 'main') await main();
else await child();
