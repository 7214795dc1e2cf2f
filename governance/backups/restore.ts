/**
 * `backup restore ID --to PATH`: unpacks a backup next to its target (`<target>.restoring-<random>`), checks it
 * like verify (chunks, the hash of each file, row counts, audit chain), and only then renames it into place. An
 * existing file is replaced only with `force`, under its writer lock (a running `gongshu serve` holds the live
 * warehouse's: stop it first); the replaced files are kept as `<target>.replaced-<time>` until you delete them.
 * Restoring over the node's live warehouse appends a `backup-restored` entry to the restored audit chain.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { appendAudit } from '../../platform/index.ts';
import { idStamp } from '../../schemas/index.ts';
import { acquireLock, openWarehouse, type WarehouseLock } from '../../warehouse/index.ts';
import { pickDestinations } from './config.ts';
import type { BackupRunOptions } from './create.ts';
import { BackupError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { keyRing } from './master-keys.ts';
import { type BackupStore, storeOf } from './stores.ts';
import { checkRestored, openDataKey, unpackArchive } from './unpack.ts';

/** Options of `restoreBackup`. */
export interface RestoreOptions extends BackupRunOptions {
  readonly id: string;
  /** A `.duckdb` file path, or a folder (the warehouse is restored as `<folder>/warehouse.duckdb`). */
  readonly to: string;
  /** The destination to restore from; defaults to the first (in configured order) holding the backup. */
  readonly from?: string | undefined;
  /** Replace an existing file (the live warehouse included) under its writer lock. */
  readonly force?: boolean | undefined;
  /** The node's live warehouse file (restoring over it is refused without `force`). */
  readonly livePath: string;
}

/** What `restoreBackup` did. */
export interface RestoreResult {
  readonly id: string;
  readonly path: string;
  readonly from: string;
  readonly live: boolean;
  /** Where the replaced warehouse was moved, if one was replaced. */
  readonly replaced: string | null;
  readonly tables: number;
  readonly rows: number;
}

/** The warehouse file a `--to` names. */
export function restoreTarget(to: string): string {
  const p = resolve(to);
  if (existsSync(p) && statSync(p).isDirectory()) return join(p, 'warehouse.duckdb');
  return p.endsWith('.duckdb') ? p : join(p, 'warehouse.duckdb');
}

const companions = (main: string) =>
  [
    [main, ''],
    [`${main}.wal`, '.wal'],
    [`${main}.outbox`, '.outbox'],
  ] as const;

/** Restores a backup; see the module comment. */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { settings, id } = options;
  const target = restoreTarget(options.to);
  const live = target === resolve(options.livePath);
  const exists = existsSync(target);
  if (exists && !options.force) {
    throw new BackupError(
      live
        ? `${target} is the live warehouse of node ${settings.node.id}: restoring backup ${id} over it replaces all its data. Fix: restore elsewhere (--to DIR) and inspect it, or add --force (takes the writer lock: stop gongshu serve first; the replaced files are kept beside it)`
        : `${target} exists. Fix: choose another --to, or add --force to replace it (the replaced files are kept beside it)`,
      { id, target, refused: true },
    );
  }
  // Find the backup.
  let store: BackupStore | undefined;
  let manifest: Manifest | undefined;
  let from = '';
  for (const d of pickDestinations(settings, options.from ? [options.from] : [])) {
    const s = storeOf(settings, d, options.parent);
    if (await s.has(id)) {
      store = s;
      manifest = await s.manifest(id);
      from = d.name;
      break;
    }
  }
  if (!store || !manifest) {
    throw new BackupError(
      `no backup ${id} at ${options.from ?? settings.destinations.map((d) => d.name).join(', ')}. Fix: gongshu backup list shows the backups`,
      { id },
    );
  }
  const dataKey = openDataKey(manifest, keyRing(settings), store.where);
  let lock: WarehouseLock | undefined;
  if (exists) lock = acquireLock(target);
  const staging = `${target}.restoring-${randomBytes(3).toString('hex')}`;
  let replaced: string | null = null;
  try {
    await mkdir(dirname(target), { recursive: true });
    let check: Awaited<ReturnType<typeof checkRestored>>;
    try {
      await unpackArchive(store.archive(id), manifest, dataKey, staging, `${store.where}: backup ${id}`, {
        sync: true,
        progress:
          options.progress &&
          ((done, total) => options.progress?.(`backup restore ${id}: decrypt`, done, total)),
      });
      options.progress?.(`backup restore ${id}: open, count, audit verify`);
      check = await checkRestored(staging, manifest);
      if (!check.rowsMatch || !check.auditOk) {
        throw new BackupError(
          `backup ${id} from ${from} does not restore to what its manifest records: ${[...check.mismatches, ...check.auditProblems].slice(0, 5).join('; ')}. Nothing was replaced`,
          { id },
        );
      }
    } catch (error) {
      for (const [p] of companions(staging))
        await rm(p, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    if (exists) {
      const stamp = idStamp();
      replaced = `${target}.replaced-${stamp}`;
      for (const [p, suffix] of companions(target))
        if (existsSync(p)) await rename(p, `${replaced}${suffix}`);
    }
    for (const [p, suffix] of companions(staging)) if (existsSync(p)) await rename(p, `${target}${suffix}`);
    lock?.release();
    lock = undefined;
    if (live) {
      const wh = await openWarehouse({ path: target });
      try {
        await appendAudit(wh, settings.node.id, {
          action: 'backup-restored',
          batch: id,
          details: { from, createdAt: manifest.createdAt, replaced },
        });
      } finally {
        wh.close();
      }
    }
    options.logger?.info(
      `backup restore ${id} (from ${from}) → ${target}: ${check.tables} tables, ${check.rows.toLocaleString('en')} rows${replaced ? `; the replaced warehouse is kept as ${replaced}` : ''}`,
    );
    return { id, path: target, from, live, replaced, tables: check.tables, rows: check.rows };
  } finally {
    lock?.release();
  }
}
