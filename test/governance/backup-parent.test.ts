/**
 * Off-site backups at the parent node, with real `gongshu serve` processes: the child stores its encrypted
 * backup through the signed API, verifies it by reading it back, and prunes it there; the parent holds the
 * files but cannot read them (no clear identity number or name in them, and its own keys do not open them);
 * a byte changed at the parent fails the child's verify; a half-uploaded backup is never listed. Then a
 * schedule with `run.backup` under `gongshu serve` takes and verifies backups by itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backupSettings,
  createBackup,
  journalPath,
  keyRing,
  listBackups,
  openDataKey,
  PathStore,
  parentLinkOf,
  pruneBackups,
  readJournal,
} from '../../governance/index.ts';
import { initKeys, listAudit, type NodeKeys, signedRequest } from '../../platform/index.ts';
import { loadProject } from '../../project/index.ts';
import { listRuns, openWarehouse } from '../../warehouse/index.ts';
import { gongshu } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { freePort, type Proc, serve, start, stop, until } from '../platform/processes.ts';
import { filesUnder, needlesIn, planted, populate, warehouseOf, writeKey, writeNode } from './fixture.ts';

const CHILD = '650102';
const PARENT = '650100';
const last = (lines: string[]) => JSON.parse(lines.at(-1)!);

describe('backups kept by the parent node', () => {
  let root: string;
  let child: string;
  let parent: string;
  let port: number;
  let proc: Proc | undefined;
  let childKeys: NodeKeys;
  const store = () => join(parent, '.gongshu/child-backups', CHILD);

  beforeAll(async () => {
    root = (await import('node:fs')).mkdtempSync(
      join((await import('node:os')).tmpdir(), 'gongshu-backup-parent-'),
    );
    child = join(root, 'child');
    parent = join(root, 'parent');
    (await import('node:fs')).mkdirSync(child);
    (await import('node:fs')).mkdirSync(parent);
    childKeys = initKeys(join(child, '.gongshu/keys'));
    const parentKeys = initKeys(join(parent, '.gongshu/keys'));
    port = await freePort();
    writeKey(child, 'k1.key');
    writeKey(parent, 'k1.key'); // the same id, other bytes: the parent's own key
    writeNode(child, {
      id: CHILD,
      rows: 300,
      platform: { parent: { id: PARENT, url: `http://127.0.0.1:${port}`, publicKey: parentKeys.publicText } },
      backup: {
        masterKey: { id: 'k1', file: 'k1.key' },
        destinations: { local: { path: 'bk' }, offsite: { parent: true } },
        uploadChunkBytes: 256 * 1024,
      },
    });
    writeNode(parent, {
      id: PARENT,
      level: 'prefecture',
      rows: 10,
      platform: { children: [{ id: CHILD, publicKey: childKeys.publicText }] },
      backup: { masterKey: { id: 'k1', file: 'k1.key' } },
    });
    await populate(child);
    await populate(parent, 0);
    proc = await serve(parent, port);
  });
  afterAll(async () => {
    if (proc) await stop(proc);
    (await import('node:fs')).rmSync(root, { recursive: true, force: true });
  });

  it('stores the child backup at the parent and verifies it by reading it back', async () => {
    const r = gongshu(['backup', 'create', '--project', child, '--verify', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const c = last(r.lines);
    expect(c.destinations).toEqual(['local', 'offsite']);
    expect(c.verified).toEqual({ ok: true, rowsMatch: true, auditOk: true });
    // Several signed pieces (256 KiB each) made up the upload.
    expect(c.bytes).toBeGreaterThan(4 * 256 * 1024);
    const files = filesUnder(store());
    expect(files.map((f) => f.slice(store().length + 1)).sort()).toEqual([
      `${c.id}/archive.gsb`,
      `${c.id}/manifest.json`,
    ]);
    // The parent holds the very bytes the child wrote (Buffer.equals: a deep toEqual of megabytes is slow).
    const held = readFileSync(files.find((f) => f.endsWith('archive.gsb'))!);
    expect(held.equals(readFileSync(join(child, 'bk', CHILD, c.id, 'archive.gsb')))).toBe(true);
    const listed = gongshu(['backup', 'list', '--project', child, '--json', '--from', 'offsite']);
    expect(listed.lines.map((l) => JSON.parse(l).id)).toEqual([c.id]);
  });

  it('the parent cannot read it: no clear ID or name in its files, and its own key (same id) does not open it', async () => {
    const { ids, names } = planted(CHILD, 300);
    for (const f of filesUnder(store())) expect(needlesIn(f, [...ids, ...names]), f).toEqual([]);
    const loaded = await loadProject(parent);
    const settings = backupSettings(loaded.project, loaded.dir);
    const held = new PathStore(join(parent, '.gongshu/child-backups'), CHILD, 'the parent store');
    const [m] = (await held.list()).manifests;
    expect(() => openDataKey(m!, keyRing(settings), 'the parent')).toThrow(
      /master key "k1" .* does not open its data key/,
    );
  });

  it('a byte changed at the parent fails the child verify of that copy only', async () => {
    const id = last(gongshu(['backup', 'list', '--project', child, '--json']).lines).id;
    const file = join(store(), id, 'archive.gsb');
    const original = readFileSync(file);
    const bad = Buffer.from(original);
    bad[Math.floor(bad.length / 2)]! ^= 0x40;
    writeFileSync(file, bad);
    try {
      const v = gongshu(['backup', 'verify', id, '--project', child, '--json']);
      expect(v.code).toBe(1);
      const out = last(v.lines);
      expect(
        out.destinations.map((d: { destination: string; ok: boolean }) => [d.destination, d.ok]),
      ).toEqual([
        ['local', true],
        ['offsite', false],
      ]);
      expect(out.destinations[1].error).toMatch(/parent 650100 .*does not authenticate/);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a half-uploaded backup is not listed; retention prunes at the parent', async () => {
    const partialId = 'backup-20260101000000-abcdef';
    await signedRequest({
      baseUrl: `http://127.0.0.1:${port}`,
      node: CHILD,
      keys: childKeys,
      method: 'POST',
      path: `/v1/backups/${partialId}/archive?offset=0`,
      body: Buffer.from('GSBACKUP half an upload'),
    });
    const loaded = await loadProject(child);
    const settings = backupSettings(loaded.project, loaded.dir);
    const run = {
      settings: {
        ...settings,
        config: { ...settings.config, retention: { daily: 1, weekly: 0, monthly: 0 } },
      },
      journal: journalPath(warehouseOf(child)),
      parent: parentLinkOf(loaded.project, loaded.dir, settings),
    };
    expect((await listBackups({ ...run, from: ['offsite'] })).backups.map((b) => b.id)).not.toContain(
      partialId,
    );
    const wh = await openWarehouse({ path: warehouseOf(child) });
    let older: string;
    try {
      older = (
        await createBackup({
          ...run,
          wh,
          to: ['offsite'],
          prune: false,
          now: () => new Date('2026-01-05T02:00:00Z'),
        })
      ).id;
    } finally {
      wh.close();
    }
    const before = (await listBackups({ ...run, from: ['offsite'] })).backups.map((b) => b.id);
    expect(before).toHaveLength(2);
    expect(before).toContain(older);
    const [pruned] = await pruneBackups({ ...run, from: ['offsite'] });
    expect(pruned!.removed).toEqual([older]);
    expect((await listBackups({ ...run, from: ['offsite'] })).backups.map((b) => b.id)).toEqual(
      before.filter((id) => id !== older),
    );
    expect(
      readJournal(run.journal)
        .filter((e) => e.event === 'removed')
        .map((e) => e.id),
    ).toEqual([older]);
  });

  it("records the stored and removed backups on the parent's audit chain", async () => {
    await stop(proc!);
    proc = undefined;
    const wh = await openWarehouse({ path: warehouseOf(parent), readOnly: true });
    try {
      const entries = await listAudit(wh, { peer: CHILD });
      expect(entries.map((e) => e.action)).toEqual(['backup-stored', 'backup-stored', 'backup-removed']);
    } finally {
      wh.close();
    }
  });
});

describe('a schedule with run.backup under gongshu serve', () => {
  it('takes and verifies backups by itself, recorded as schedule runs', async () => {
    const dir = tempDir('gongshu-backup-serve-');
    writeKey(dir, 'k1.key');
    writeNode(dir, {
      rows: 50,
      backup: { masterKey: { id: 'k1', file: 'k1.key' }, destinations: { local: { path: 'bk' } } },
      schedules: `defineSchedule({ name: 'backup', cron: '*/2 * * * * *', run: { backup: { to: ['local'] } } })`,
    });
    await populate(dir, 1);
    const port = await freePort();
    const p = start(['serve', '--project', dir, '--port', String(port), '--json']);
    try {
      await until(
        'a scheduled backup to be verified',
        () => readJournal(journalPath(warehouseOf(dir))).some((e) => e.event === 'verified' && e.ok),
        90_000,
      );
    } finally {
      await stop(p);
    }
    expect(p.stderr).toContain('backup verify');
    const wh = await openWarehouse({ path: warehouseOf(dir), readOnly: true });
    try {
      const runs = (await listRuns(wh, { kind: 'schedule' })).filter((r) => r.status === 'succeeded');
      expect(runs.length).toBeGreaterThanOrEqual(1);
      const details = runs.at(-1)!.details as {
        backup: { id: string; destinations: string[]; verified: boolean };
      };
      expect(details.backup).toMatchObject({ destinations: ['local'], verified: true });
      const listed = gongshu(['backup', 'list', '--project', dir, '--json']);
      expect(listed.lines.map((l) => JSON.parse(l).id)).toContain(details.backup.id);
    } finally {
      wh.close();
    }
  }, 120_000);
});
