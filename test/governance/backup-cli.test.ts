/**
 * `gongshu backup` as users run it: the JSON contract, exit codes (1 verify failed or a wrong key, 2 a refused
 * restore, 3 the warehouse locked, 4 a destination failed), kill -9 in the middle of a backup (nothing listed,
 * the next backup cleans up and succeeds), restore over the live warehouse only with --force and the writer
 * lock, and a full destination disk (a 1 MiB tmpfs, when this machine lets the test mount one).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../platform/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { gongshu, REPO_ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { start, until } from '../platform/processes.ts';
import { auditOf, populate, tableDigests, warehouseOf, writeKey, writeNode } from './fixture.ts';

const last = (lines: string[]) => JSON.parse(lines.at(-1)!);

/** The fields the README's "`--json` prints" table lists for a command (e.g. `backup create`). */
function documented(command: string): string[] {
  const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${command}\``));
  expect(row, `README documents ${command}`).toBeDefined();
  const third = row!.split('|')[3]!;
  const first = /`([^`]*)`/.exec(third)![1]!;
  return first.split(/,\s*/).map((n) => n.trim());
}

async function node(backup: Record<string, unknown> = {}) {
  const dir = tempDir('gongshu-backup-cli-');
  writeKey(dir, 'k1.key');
  writeNode(dir, {
    rows: 200,
    backup: { masterKey: { id: 'k1', file: 'k1.key' }, destinations: { local: { path: 'bk' } }, ...backup },
  });
  await populate(dir);
  return dir;
}

describe('gongshu backup (CLI)', () => {
  it('create, list, verify and restore print the documented JSON; a wrong key exits 1 naming the key', async () => {
    const dir = await node();
    const created = gongshu(['backup', 'create', '--project', dir, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const c = last(created.lines);
    expect(c).toMatchObject({ destinations: ['local'], failed: [], cipher: 'aes-256-gcm', keyId: 'k1' });
    expect(c.id).toMatch(/^backup-\d{14}-[0-9a-f]{6}$/);
    expect(c.bytes).toBeGreaterThan(statSync(warehouseOf(dir)).size);
    expect(c.tables).toBeGreaterThan(15);
    expect(c.auditHead).toMatch(/^3:[0-9a-f]{64}$/);
    expect(Object.keys(c).sort()).toEqual(documented('backup create').sort());

    const listed = gongshu(['backup', 'list', '--project', dir, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.lines.map((l) => JSON.parse(l).id)).toEqual([c.id]);
    expect(Object.keys(JSON.parse(listed.lines[0]!)).sort()).toEqual(documented('backup list').sort());

    const verified = gongshu(['backup', 'verify', c.id, '--project', dir, '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(last(verified.lines)).toMatchObject({
      id: c.id,
      ok: true,
      tables: c.tables,
      rowsMatch: true,
      auditOk: true,
    });
    expect(Object.keys(last(verified.lines)).sort()).toEqual(documented('backup verify').sort());

    const restored = gongshu([
      'backup',
      'restore',
      c.id,
      '--to',
      join(dir, 'copy'),
      '--project',
      dir,
      '--json',
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(last(restored.lines)).toMatchObject({ id: c.id, path: join(dir, 'copy', 'warehouse.duckdb') });
    expect(Object.keys(last(restored.lines)).sort()).toEqual(documented('backup restore').sort());
    expect(await tableDigests(join(dir, 'copy', 'warehouse.duckdb'))).toEqual(
      await tableDigests(warehouseOf(dir)),
    );

    writeKey(dir, 'k1.key.new');
    (await import('node:fs')).renameSync(join(dir, 'k1.key.new'), join(dir, 'k1.key'));
    const wrong = gongshu(['backup', 'verify', c.id, '--project', dir, '--json']);
    expect(wrong.code).toBe(1);
    expect(last(wrong.lines)).toMatchObject({ ok: false });
    expect(last(wrong.lines).destinations[0].error).toContain('master key "k1"');

    const unknown = gongshu(['backup', 'verify', 'backup-20200101000000-000000', '--project', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no backup backup-20200101000000-000000 at local');
  });

  it('keygen writes a fresh 64-hex-digit key with mode 600 and never overwrites one', () => {
    const file = join(tempDir(), 'k.key');
    const r = gongshu(['backup', 'keygen', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(last(r.lines)).toEqual({ file });
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = gongshu(['backup', 'keygen', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a key file is never overwritten');
    const missing = gongshu(['backup', 'verify']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the backup id is missing');
  });

  it('kill -9 in the middle of a backup leaves nothing listed; the next backup cleans up and succeeds', async () => {
    const dir = await node();
    // A table of random text big enough that the backup takes a while (~200 MB).
    const wh = await openWarehouse({ path: warehouseOf(dir) });
    await wh.run(
      `CREATE TABLE big AS SELECT md5(CAST(i AS VARCHAR)) || md5(CAST(i * 7 AS VARCHAR)) AS s FROM range(3000000) t(i)`,
    );
    wh.close();
    const nodeDir = join(dir, 'bk', '650102');
    const p = start(['backup', 'create', '--project', dir, '--json']);
    await until('the backup to be writing its archive', () => {
      if (!existsSync(nodeDir)) return false;
      const partial = readdirSync(nodeDir).find((n) => n.startsWith('.partial-'));
      const archive = partial && join(nodeDir, partial, 'archive.gsb');
      return Boolean(archive && existsSync(archive) && statSync(archive).size > 1024 * 1024);
    });
    p.child.kill('SIGKILL');
    await p.exited;
    expect(p.child.signalCode).toBe('SIGKILL');
    const left = readdirSync(nodeDir);
    expect(left.filter((n) => n.startsWith('.partial-'))).toHaveLength(1);
    expect(left.filter((n) => !n.startsWith('.'))).toEqual([]); // nothing complete-looking
    expect(existsSync(`${warehouseOf(dir)}.lock`)).toBe(true); // the dead process's lock

    const listed = gongshu(['backup', 'list', '--project', dir, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.lines).toEqual([]);
    expect(existsSync(`${warehouseOf(dir)}.backup-journal.jsonl`)).toBe(false);

    const again = gongshu(['backup', 'create', '--project', dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('removed 1 incomplete backup folder(s)');
    expect(readdirSync(nodeDir)).toEqual([last(again.lines).id]);
    const v = gongshu(['backup', 'verify', last(again.lines).id, '--project', dir, '--json']);
    expect(last(v.lines)).toMatchObject({ ok: true, rowsMatch: true });
  }, 180_000);

  it('create refuses while another process holds the warehouse (exit 3) and says how serve takes backups', async () => {
    const dir = await node();
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', `${REPO_ROOT}test/warehouse/hold-lock.ts`, warehouseOf(dir)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      await new Promise<void>((resolve) =>
        holder.stdout.on('data', (d) => String(d).includes('ready') && resolve()),
      );
      const r = gongshu(['backup', 'create', '--project', dir]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('the warehouse is open for writing by pid');
      expect(r.stderr).toContain('let it take backups with a schedule');
      expect(existsSync(join(dir, 'bk', '650102'))).toBe(false);
    } finally {
      holder.kill('SIGTERM');
    }
  });

  it('restore refuses the live warehouse without --force (exit 2), waits for its lock (exit 3), and with --force replaces it, keeping the old one', async () => {
    const dir = await node();
    const c = last(gongshu(['backup', 'create', '--project', dir, '--json']).lines);
    const before = await tableDigests(warehouseOf(dir));
    // Change the live warehouse after the backup.
    const wh = await openWarehouse({ path: warehouseOf(dir) });
    await wh.run('DELETE FROM hukou WHERE rowid < 50');
    wh.close();
    const live = join(dir, '.gongshu');
    const refused = gongshu(['backup', 'restore', c.id, '--to', live, '--project', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is the live warehouse of node 650102');
    expect(refused.stderr).toContain('--force');
    const elsewhere = join(dir, 'other.duckdb');
    (await import('node:fs')).writeFileSync(elsewhere, 'x');
    expect(gongshu(['backup', 'restore', c.id, '--to', elsewhere, '--project', dir]).code).toBe(2);

    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', `${REPO_ROOT}test/warehouse/hold-lock.ts`, warehouseOf(dir)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    await new Promise<void>((resolve) =>
      holder.stdout.on('data', (d) => String(d).includes('ready') && resolve()),
    );
    const locked = gongshu(['backup', 'restore', c.id, '--to', live, '--force', '--project', dir]);
    holder.kill('SIGTERM');
    await new Promise((r) => holder.once('exit', r));
    expect(locked.code).toBe(3);
    expect(readdirSync(live).filter((n) => n.includes('restoring'))).toEqual([]);

    const forced = gongshu(['backup', 'restore', c.id, '--to', live, '--force', '--project', dir, '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    const r = last(forced.lines);
    expect(r).toMatchObject({ id: c.id, path: warehouseOf(dir), live: true });
    expect(r.replaced).toMatch(/warehouse\.duckdb\.replaced-\d{14}$/);
    expect(existsSync(r.replaced)).toBe(true);
    const after = await tableDigests(warehouseOf(dir));
    expect(after['main.hukou']).toEqual(before['main.hukou']);
    // The restore is recorded on the restored chain, which still verifies.
    const chain = await auditOf(warehouseOf(dir));
    expect(chain.at(-1)).toMatchObject({ action: 'backup-restored', batch: c.id });
    const check = await openWarehouse({ path: warehouseOf(dir), readOnly: true });
    expect((await verifyAudit(check)).ok).toBe(true);
    check.close();
    expect(existsSync(`${warehouseOf(dir)}.lock`)).toBe(false);
  }, 120_000);

  it('a full destination disk fails that destination alone (exit 4), leaving nothing listed there', async (ctx) => {
    const dir = await node();
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    if (mounted.status !== 0) {
      console.warn(
        `SKIPPED full-disk backup test: cannot mount a tmpfs here (${String(mounted.stderr).trim()}); run as root to include it`,
      );
      ctx.skip();
      return;
    }
    try {
      writeNode(dir, {
        rows: 200,
        backup: {
          masterKey: { id: 'k1', file: 'k1.key' },
          destinations: { local: { path: 'bk' }, offsite: { path: mnt } },
        },
      });
      const r = gongshu(['backup', 'create', '--project', dir, '--json']);
      expect(r.code).toBe(4);
      const out = last(r.lines);
      expect(out.destinations).toEqual(['local']);
      expect(out.failed).toEqual([
        expect.objectContaining({
          destination: 'offsite',
          code: 'backup-destination',
          error: expect.stringContaining('no space left'),
        }),
      ]);
      expect(r.stderr).toContain(`backup ${out.id} → offsite: destination offsite (${mnt}): cannot`);
      expect(readdirSync(join(mnt, '650102'))).toEqual([]);
      const listed = gongshu(['backup', 'list', '--project', dir, '--json']);
      expect(JSON.parse(listed.lines[0]!).destinations.map((d: { name: string }) => d.name)).toEqual([
        'local',
      ]);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});
