/**
 * Backups on real DuckDB files, through the library: create → verify → restore equals the source (every
 * table's rows and the audit chain) with both ciphers; no clear identity number or name in any backup file;
 * a flipped byte anywhere, a truncation, an appended byte or an edited manifest fails verify; wrong, missing
 * and unconfigured keys fail with the key id named; rotation keeps old backups readable; retention removes
 * exactly the expired backups; the journal and the status flag overdue destinations.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataSubkeys, signManifest } from '../../governance/backups/manifest.ts';
import {
  applyRetention,
  BACKUP_FILES,
  type BackupRunOptions,
  backupSettings,
  backupStatus,
  createBackup,
  journalPath,
  keyRing,
  listBackups,
  type Manifest,
  openDataKey,
  pruneBackups,
  readJournal,
  restoreBackup,
  verifyBackup,
} from '../../governance/index.ts';
import { defineProject, loadProject } from '../../project/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import {
  auditOf,
  filesUnder,
  needlesIn,
  planted,
  populate,
  tableDigests,
  warehouseOf,
  writeKey,
  writeNode,
} from './fixture.ts';

const ROWS = 300;

/** A populated node with a local and an off-site folder destination and key k1; returns run options. */
async function node(extra: Record<string, unknown> = {}, dir = tempDir('gongshu-backup-')) {
  writeKey(dir, 'k1.key');
  const backup = {
    masterKey: { id: 'k1', file: 'k1.key' },
    destinations: { local: { path: 'bk/local' }, offsite: { path: join(dir, 'share') } },
    ...extra,
  };
  writeNode(dir, { rows: ROWS, backup });
  await populate(dir);
  return { dir, ...(await runOptions(dir)) };
}

async function runOptions(dir: string, config = dir): Promise<BackupRunOptions & { warehouse: string }> {
  const loaded = await loadProject(config);
  const settings = backupSettings(loaded.project, loaded.dir);
  return { settings, journal: journalPath(warehouseOf(dir)), warehouse: warehouseOf(dir) };
}

async function create(o: BackupRunOptions & { warehouse: string }, more: { now?: Date; to?: string[] } = {}) {
  const wh = await openWarehouse({ path: o.warehouse });
  try {
    return await createBackup({
      ...o,
      wh,
      ...(more.to ? { to: more.to } : {}),
      ...(more.now ? { now: () => more.now! } : {}),
    });
  } finally {
    wh.close();
  }
}

const archiveAt = (root: string, id: string) => join(root, '650102', id, BACKUP_FILES.archive);
const manifestAt = (root: string, id: string) => join(root, '650102', id, BACKUP_FILES.manifest);

describe('create → verify → restore', () => {
  for (const cipher of ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const) {
    it(`restores exactly the source: every table's rows and the audit chain (${cipher})`, async () => {
      const o = await node({ cipher });
      const before = await tableDigests(o.warehouse);
      const chain = await auditOf(o.warehouse);
      const r = await create(o);
      expect(r.destinations).toEqual(['local', 'offsite']);
      expect(r.failed).toEqual([]);
      expect(r.cipher).toBe(cipher);
      expect(r.tables).toBe(Object.keys(before).length);
      expect(r.auditHead).toBe(`3:${chain.at(-1)!.hash}`);

      const v = await verifyBackup({ ...o, id: r.id });
      expect(v).toMatchObject({ id: r.id, ok: true, rowsMatch: true, auditOk: true, tables: r.tables });
      expect(v.destinations.map((d) => [d.destination, d.ok])).toEqual([
        ['local', true],
        ['offsite', true],
      ]);

      const target = join(o.dir, 'restored');
      const restored = await restoreBackup({ ...o, id: r.id, to: target, livePath: o.warehouse });
      expect(restored).toMatchObject({
        path: join(target, 'warehouse.duckdb'),
        from: 'local',
        live: false,
        replaced: null,
      });
      expect(await tableDigests(restored.path)).toEqual(before);
      expect(await auditOf(restored.path)).toEqual(chain);
      // Each file's hash follows the cipher (SHA-256 beside AES, SM3 beside SM4) and is the restored file's.
      const m = JSON.parse(readFileSync(manifestAt(join(o.dir, 'share'), r.id), 'utf8')) as Manifest;
      const algorithm = cipher === 'aes-256-gcm' ? 'sha256' : 'sm3';
      expect(m.files[0]).toEqual({
        path: 'warehouse.duckdb',
        bytes: statSync(restored.path).size,
        [algorithm]: createHash(algorithm).update(readFileSync(restored.path)).digest('hex'),
      });
      expect(before['main.hukou']).toMatchObject({ n: ROWS });
      expect(before['foundation.extra']).toMatchObject({ n: 1000 });
      // The same from the off-site copy.
      const fromOffsite = await restoreBackup({
        ...o,
        id: r.id,
        to: join(o.dir, 'r2.duckdb'),
        from: 'offsite',
        livePath: o.warehouse,
      });
      expect(await tableDigests(fromOffsite.path)).toEqual(before);
    });
  }

  it('reports its steps: pack, verify and restore count bytes up to their totals', async () => {
    const o = await node();
    const seen: { step: string; done?: number | undefined; total?: number | undefined }[] = [];
    const progress = (step: string, done?: number, total?: number) => void seen.push({ step, done, total });
    const wh = await openWarehouse({ path: o.warehouse });
    let r: Awaited<ReturnType<typeof createBackup>>;
    try {
      r = await createBackup({ ...o, wh, progress, chunkBytes: 64 * 1024 });
    } finally {
      wh.close();
    }
    await verifyBackup({ ...o, id: r.id, from: ['local'], progress });
    await restoreBackup({ ...o, id: r.id, to: join(o.dir, 'p'), livePath: o.warehouse, progress });
    const steps = [...new Set(seen.map((x) => x.step))];
    expect(steps).toEqual([
      'backup checkpoint',
      'backup pack',
      'backup copy to offsite',
      `backup verify ${r.id} at local: decrypt`,
      `backup verify ${r.id} at local: open, count, audit verify`,
      `backup restore ${r.id}: decrypt`,
      `backup restore ${r.id}: open, count, audit verify`,
    ]);
    for (const [step, total] of [
      ['backup pack', r.plainBytes],
      [`backup verify ${r.id} at local: decrypt`, r.bytes],
      [`backup restore ${r.id}: decrypt`, r.bytes],
    ] as const) {
      const counts = seen.filter((x) => x.step === step);
      expect(counts.length, step).toBeGreaterThan(3);
      expect(
        counts.every((x) => x.total === total),
        step,
      ).toBe(true);
      const done = counts.map((x) => x.done!);
      expect(done, step).toEqual([...done].sort((a, b) => a - b));
      expect(done.at(-1), step).toBe(total);
    }
  });

  it('leaves no clear citizen ID or name in any backup file, the manifest and the journal', async () => {
    const o = await node();
    await create(o);
    const { ids, names } = planted('650102', ROWS);
    // The plaintext warehouse does hold them (the check would find them).
    expect(needlesIn(o.warehouse, ids.slice(0, 5)).length).toBeGreaterThan(0);
    const files = [...filesUnder(join(o.dir, 'bk')), ...filesUnder(join(o.dir, 'share')), o.journal];
    expect(files.length).toBe(5);
    for (const f of files) expect(needlesIn(f, [...ids, ...names]), f).toEqual([]);
  });

  it('lists backups newest first with their destinations and last verification', async () => {
    const o = await node();
    const a = await create(o, { now: new Date('2026-03-01T02:00:00Z') });
    const b = await create(o, { now: new Date('2026-03-02T02:00:00Z'), to: ['local'] });
    await verifyBackup({ ...o, id: a.id, from: ['offsite'] });
    const { backups, problems } = await listBackups(o);
    expect(problems).toEqual([]);
    expect(backups.map((x) => x.id)).toEqual([b.id, a.id]);
    expect(backups[0]!.destinations).toEqual([{ name: 'local', verifiedAt: null, verifiedOk: null }]);
    expect(backups[1]!.destinations.map((d) => [d.name, d.verifiedOk])).toEqual([
      ['local', null],
      ['offsite', true],
    ]);
    expect(backups[1]).toMatchObject({
      node: '650102',
      cipher: 'aes-256-gcm',
      keyId: 'k1',
      tables: a.tables,
    });
  });
});

describe('tampering and damage fail verify', () => {
  let o: Awaited<ReturnType<typeof node>>;
  let id: string;
  let archive: Buffer;
  let manifest: string;
  const share = () => join(o.dir, 'share');
  beforeAll(async () => {
    const dir = (await import('node:fs')).mkdtempSync(
      join((await import('node:os')).tmpdir(), 'gongshu-tamper-'),
    );
    o = await node({}, dir);
    // Small chunks so the archive has many: damage in the middle, in a chunk's length, at the end.
    const wh = await openWarehouse({ path: o.warehouse });
    try {
      id = (await createBackup({ ...o, wh, to: ['offsite'], chunkBytes: 256 * 1024 })).id;
    } finally {
      wh.close();
    }
    archive = readFileSync(archiveAt(share(), id));
    manifest = readFileSync(manifestAt(share(), id), 'utf8');
    return () => rmSync(dir, { recursive: true, force: true });
  });

  async function verifyWith(bytes: Buffer, manifestText = manifest) {
    writeFileSync(archiveAt(share(), id), bytes);
    writeFileSync(manifestAt(share(), id), manifestText);
    try {
      return await verifyBackup({ ...o, id, from: ['offsite'] });
    } finally {
      writeFileSync(archiveAt(share(), id), archive);
      writeFileSync(manifestAt(share(), id), manifest);
    }
  }

  it('the untouched backup verifies', async () => {
    expect((await verifyWith(archive)).ok).toBe(true);
  });

  it('a flipped bit anywhere in the archive: header, chunk length, ciphertext, tag, last byte', async () => {
    const positions = [
      0,
      9,
      12,
      14,
      17,
      1000,
      Math.floor(archive.length / 2),
      archive.length - 20,
      archive.length - 1,
    ];
    for (const at of positions) {
      const bad = Buffer.from(archive);
      bad[at]! ^= 0x01;
      const v = await verifyWith(bad);
      expect(v.ok, `byte ${at}`).toBe(false);
      expect(v.destinations[0]!.code, `byte ${at}: ${v.destinations[0]!.error}`).toBe('backup-integrity');
    }
  });

  it('a truncated archive says so; appended bytes are refused', async () => {
    for (const len of [5, 12, 100_000, archive.length - 1]) {
      const v = await verifyWith(archive.subarray(0, len));
      expect(v.ok, `length ${len}`).toBe(false);
      expect(v.destinations[0]!.code).toBe('backup-integrity');
    }
    const cut = await verifyWith(archive.subarray(0, archive.length - 40));
    expect(cut.destinations[0]!.error).toMatch(/truncated|cut off|does not authenticate/);
    const longer = await verifyWith(Buffer.concat([archive, Buffer.from([0])]));
    expect(longer.ok).toBe(false);
    expect(longer.destinations[0]!.error).toMatch(/after the final chunk/);
  });

  it('an edited manifest: row counts, file hashes and the wrapped key', async () => {
    const m = JSON.parse(manifest) as Manifest;
    const edits: [string, (x: Manifest) => void, string][] = [
      [
        'a row count',
        (x) => {
          x.tables[0]!.rows += 1;
        },
        'backup-integrity',
      ],
      [
        'a file hash',
        (x) => {
          x.files[0]!.sha256 = '0'.repeat(64);
        },
        'backup-integrity',
      ],
      [
        'the audit head',
        (x) => {
          x.auditHead = null;
        },
        'backup-integrity',
      ],
      [
        'the wrapped key',
        (x) => {
          x.encryption.wrappedKey = Buffer.from(x.encryption.wrappedKey, 'base64')
            .reverse()
            .toString('base64');
        },
        'backup-key',
      ],
      [
        'the key id',
        (x) => {
          x.encryption.keyId = 'k9';
        },
        'backup-key',
      ],
    ];
    for (const [what, edit, code] of edits) {
      const x = structuredClone(m);
      edit(x);
      const v = await verifyWith(archive, JSON.stringify(x));
      expect(v.ok, what).toBe(false);
      expect(v.destinations[0]!.code, `${what}: ${v.destinations[0]!.error}`).toBe(code);
    }
    const garbage = await verifyWith(archive, '{"not":"a manifest"');
    expect(garbage.destinations[0]!.error).toMatch(/not JSON/);
  });

  it('a flipped bit anywhere in the manifest', async () => {
    const bytes = Buffer.from(manifest);
    const step = Math.max(1, Math.floor(bytes.length / 150));
    let tried = 0;
    for (let at = 0; at < bytes.length; at += step) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 0x01;
      const v = await verifyWith(archive, bad.toString('latin1'));
      expect(v.ok, `manifest byte ${at}`).toBe(false);
      expect(
        ['backup-integrity', 'backup-key', 'backup'],
        `byte ${at}: ${v.destinations[0]!.error}`,
      ).toContain(v.destinations[0]!.code);
      tried++;
    }
    expect(tried).toBeGreaterThan(100);
  });

  it('an earlier backup (SM3 of each file beside AES-256-GCM) still verifies, and a wrong SM3 fails it', async () => {
    const m = JSON.parse(manifest) as Manifest;
    const dataKey = openDataKey(m, keyRing(o.settings), 'test');
    const restored = join(o.dir, 'sm3-check.duckdb');
    await restoreBackup({ ...o, id, to: restored, from: 'offsite', livePath: o.warehouse });
    const resign = (sm3: string) => {
      const { mac: _mac, ...rest } = structuredClone(m);
      const { sha256: _sha, ...entry } = rest.files[0]!;
      rest.files[0] = { ...entry, sm3 };
      return JSON.stringify(signManifest(rest, dataSubkeys(dataKey).manifest));
    };
    const sm3 = createHash('sm3').update(readFileSync(restored)).digest('hex');
    expect((await verifyWith(archive, resign(sm3))).ok).toBe(true);
    const wrong = await verifyWith(archive, resign('0'.repeat(64)));
    expect(wrong.ok).toBe(false);
    expect(wrong.destinations[0]!.error).toMatch(/warehouse\.duckdb: its SM3 [0-9a-f]{16}… differs/);
  });

  it('a manifest whose MAC was recomputed without the key cannot exist: the MAC needs the data key', async () => {
    const v = await verifyWith(
      archive,
      manifest.replace(/"rows": (\d+)/, (_, n) => `"rows": ${Number(n) + 1}`),
    );
    expect(v.destinations[0]!.error).toMatch(/does not match its MAC: it was edited/);
  });
});

describe('configuration', () => {
  it('defineProject checks the backup block when the project is defined (and types it)', () => {
    const spec = { name: 'x', node: { id: '650102', level: 'county' as const, name: 'x' } };
    const bad = (backup: unknown) => () =>
      defineProject({ ...spec, backup } as Parameters<typeof defineProject>[0]);
    expect(bad({ cipher: 'des-cbc' })).toThrow(/backup\.cipher: expected/);
    expect(bad({ destinations: { Local: { path: 'x' } } })).toThrow(/backup\.destinations/);
    expect(bad({ masterKey: { id: 'k1' } })).toThrow(/backup\.masterKey/);
    expect(defineProject({ ...spec, backup: { masterKey: { id: 'k1', env: 'K' } } }).backup).toMatchObject({
      masterKey: { id: 'k1', env: 'K' },
      cipher: 'aes-256-gcm',
      retention: { daily: 7, weekly: 4, monthly: 12 },
      destinations: { local: { path: '.gongshu/backups' } },
    });
  });

  it('a destination name unknown to --to, and a parent destination without platform.parent, are definition errors', async () => {
    const o = await node({ destinations: { local: { path: 'bk' }, offsite: { parent: true } } });
    await expect(create(o, { to: ['elsewhere'] })).rejects.toThrow(
      /no destination "elsewhere"; configured: local, offsite/,
    );
    await expect(create(o, { to: ['offsite'] })).rejects.toThrow(
      /is the parent node, but this node has no platform.parent/,
    );
  });
});

describe('keys', () => {
  it('a wrong key fails with the key id named; a missing key file and an unconfigured id say how to fix it', async () => {
    const o = await node();
    const r = await create(o, { to: ['local'] });
    writeKey(o.dir, 'k1.key'.replace('k1', 'k1-other'));
    // Same id, other bytes.
    writeFileSync(join(o.dir, 'k1.key'), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    const wrong = await verifyBackup({ ...o, id: r.id });
    expect(wrong.ok).toBe(false);
    expect(wrong.destinations[0]!.code).toBe('backup-key');
    expect(wrong.destinations[0]!.error).toContain('master key "k1"');
    expect(wrong.destinations[0]!.error).toContain('does not open its data key');

    rmSync(join(o.dir, 'k1.key'));
    const missing = await verifyBackup({ ...o, id: r.id });
    expect(missing.destinations[0]!.error).toMatch(/master key "k1": .*k1\.key does not exist/);

    const k2only = writeNode(
      o.dir,
      {
        rows: ROWS,
        backup: {
          masterKey: { id: 'k2', env: 'GONGSHU_TEST_KEY_K2' },
          destinations: { local: { path: 'bk/local' } },
        },
      },
      'k2only.config.ts',
    );
    const unconfigured = await verifyBackup({ ...(await runOptions(o.dir, k2only)), id: r.id });
    expect(unconfigured.destinations[0]!.error).toContain(
      'was encrypted with master key "k1", which is not configured',
    );
    expect(unconfigured.destinations[0]!.error).toContain("Fix: add { id: 'k1', file: … } to backup.keys");
  });

  it('refuses to create without a master key, and a key file others can read', async () => {
    const dir = tempDir('gongshu-backup-');
    writeNode(dir, { rows: 10, backup: {} });
    await populate(dir, 0);
    const o = await runOptions(dir);
    await expect(create(o)).rejects.toThrow(
      /backup.masterKey is not configured: backups are always encrypted/,
    );
    writeKey(dir, 'open.key');
    (await import('node:fs')).chmodSync(join(dir, 'open.key'), 0o644);
    const open = writeNode(
      dir,
      { rows: 10, backup: { masterKey: { id: 'k1', file: 'open.key' } } },
      'open.config.ts',
    );
    await expect(create(await runOptions(dir, open))).rejects.toThrow(
      /readable by others \(mode 644\)\. Fix: chmod 600/,
    );
  });

  it('rotation: new backups use the new key id; old ones stay readable while the old key is kept', async () => {
    const o = await node();
    // Two days ago: two backups of one day would leave only the newer (retention, daily).
    const old = await create(o, { to: ['local'], now: new Date(Date.now() - 2 * 86_400_000) });
    process.env.GONGSHU_TEST_KEY_K2 = 'cd'.repeat(32);
    try {
      const both = writeNode(
        o.dir,
        {
          rows: ROWS,
          backup: {
            masterKey: { id: 'k2', env: 'GONGSHU_TEST_KEY_K2' },
            keys: [{ id: 'k1', file: 'k1.key' }],
            destinations: { local: { path: 'bk/local' } },
          },
        },
        'rotated.config.ts',
      );
      const rotated = await runOptions(o.dir, both);
      const fresh = await create(rotated);
      expect(fresh.keyId).toBe('k2');
      expect(old.keyId).toBe('k1');
      expect((await verifyBackup({ ...rotated, id: old.id })).ok).toBe(true);
      expect((await verifyBackup({ ...rotated, id: fresh.id })).ok).toBe(true);
      // Dropping the old key makes only the old backup unreadable, naming its key.
      const k2only = writeNode(
        o.dir,
        {
          rows: ROWS,
          backup: {
            masterKey: { id: 'k2', env: 'GONGSHU_TEST_KEY_K2' },
            destinations: { local: { path: 'bk/local' } },
          },
        },
        'dropped.config.ts',
      );
      const dropped = await runOptions(o.dir, k2only);
      expect((await verifyBackup({ ...dropped, id: fresh.id })).ok).toBe(true);
      const v = await verifyBackup({ ...dropped, id: old.id });
      expect(v.destinations[0]!.error).toContain('master key "k1"');
    } finally {
      delete process.env.GONGSHU_TEST_KEY_K2;
    }
  });
});

describe('retention', () => {
  const at = (iso: string, n = 0) => ({ id: `${iso}-${n}`, createdAt: iso });

  it('keeps the newest of each of the last 7 days, 4 ISO weeks and 12 months (Asia/Shanghai)', () => {
    // Daily backups at 02:00 Shanghai (18:00 UTC the day before) from 2025-01-01 to 2026-03-31, two on the last day.
    const backups = [at('2026-03-31T06:00:00Z', 1)];
    for (let d = Date.UTC(2024, 11, 31, 18); d <= Date.UTC(2026, 2, 30, 18); d += 86_400_000) {
      backups.push(at(new Date(d).toISOString()));
    }
    const { keep, expire } = applyRetention(backups, { daily: 7, weekly: 4, monthly: 12 });
    const days = keep.map((b) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(b.createdAt)),
    );
    expect(days).toEqual([
      '2026-03-31', // newest (14:00), the day's newest
      '2026-03-30',
      '2026-03-29', // Sunday: also the newest of ISO week 13 (week 14 is 03-31's)
      '2026-03-28',
      '2026-03-27',
      '2026-03-26',
      '2026-03-25',
      '2026-03-22', // weeks 12 and 11 (Sundays)
      '2026-03-15',
      '2026-02-28', // months: February 2026 … April 2025 (March is 03-31's)
      '2026-01-31',
      '2025-12-31',
      '2025-11-30',
      '2025-10-31',
      '2025-09-30',
      '2025-08-31',
      '2025-07-31',
      '2025-06-30',
      '2025-05-31',
      '2025-04-30',
    ]);
    expect(keep[0]!.id).toBe('2026-03-31T06:00:00Z-1');
    expect(keep.length + expire.length).toBe(backups.length);
  });

  it('zero counts keep only the newest; an empty list keeps nothing', () => {
    expect(
      applyRetention([at('2026-01-02T00:00:00Z'), at('2026-01-01T00:00:00Z')], {
        daily: 0,
        weekly: 0,
        monthly: 0,
      }).keep,
    ).toEqual([at('2026-01-02T00:00:00Z')]);
    expect(applyRetention([], { daily: 7, weekly: 4, monthly: 12 })).toEqual({ keep: [], expire: [] });
  });

  it('removes exactly the expired backups at each destination, and the journal records it', async () => {
    const o = await node({ retention: { daily: 2, weekly: 1, monthly: 2 } });
    const made: { id: string; day: string }[] = [];
    // 02:00 Shanghai on each day; created without the retention pass, then pruned once.
    for (const day of ['2026-01-10', '2026-02-20', '2026-02-27', '2026-03-01', '2026-03-02', '2026-03-03']) {
      const wh = await openWarehouse({ path: o.warehouse });
      try {
        const r = await createBackup({
          ...o,
          wh,
          prune: false,
          now: () => new Date(`${day}T02:00:00+08:00`),
        });
        made.push({ id: r.id, day });
      } finally {
        wh.close();
      }
    }
    const byDay = Object.fromEntries(made.map((m) => [m.day, m.id]));
    // daily 2: 03-03, 03-02; weekly 1: 03-03 (ISO week 10); monthly 2: 03-03 (March), 02-27 (February).
    // 03-01 (a Sunday, week 9), 02-20 and 01-10 expire.
    const expired = [byDay['2026-03-01'], byDay['2026-02-20'], byDay['2026-01-10']];
    const kept = [byDay['2026-03-03'], byDay['2026-03-02'], byDay['2026-02-27']];
    const dry = await pruneBackups({ ...o, dryRun: true });
    expect(dry.map((r) => r.removed)).toEqual([expired, expired]);
    expect((await listBackups(o)).backups).toHaveLength(6);
    const results = await pruneBackups(o);
    expect(results.map((r) => [r.destination, r.removed, r.kept])).toEqual([
      ['local', expired, kept],
      ['offsite', expired, kept],
    ]);
    expect((await listBackups(o)).backups.map((b) => b.id)).toEqual(kept);
    const removed = readJournal(o.journal).filter((e) => e.event === 'removed');
    expect(removed.map((e) => e.id).sort()).toEqual([...expired, ...expired].sort());
    // A second pass removes nothing.
    expect((await pruneBackups(o)).every((r) => r.removed.length === 0)).toBe(true);
  });
});

describe('status', () => {
  it('flags a destination overdue when its newest verified backup is older than its max age, or none is verified', async () => {
    const o = await node();
    const day = 24 * 3_600_000;
    const r = await create(o, { now: new Date(Date.now() - 3 * day) });
    await verifyBackup({ ...o, id: r.id, from: ['local', 'offsite'] });
    const s1 = backupStatus(o.settings, o.journal);
    expect(s1.map((s) => [s.name, s.offsite, s.maxAgeHours, s.overdue])).toEqual([
      ['local', false, 25, true], // 72 h > 25 h
      ['offsite', true, 169, false], // 72 h < 169 h
    ]);
    const fresh = await create(o, { to: ['local'] });
    expect(backupStatus(o.settings, o.journal)[0]!.overdue).toBe(true); // made, not yet verified
    await verifyBackup({ ...o, id: fresh.id });
    const s2 = backupStatus(o.settings, o.journal);
    expect(s2[0]).toMatchObject({ name: 'local', overdue: false, lastVerified: { id: fresh.id } });
    // A torn last line (a killed process) is ignored.
    writeFileSync(o.journal, `${readFileSync(o.journal, 'utf8')}{"event":"created","id":"2026`);
    expect(backupStatus(o.settings, o.journal)).toEqual(s2);
    truncateSync(o.journal, 0);
    expect(backupStatus(o.settings, o.journal).every((s) => s.overdue && s.lastBackup === null)).toBe(true);
  });
});
