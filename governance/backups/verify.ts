/**
 * `backup verify ID`: at each destination holding the backup, unwrap its data key, check the manifest's MAC,
 * decrypt and unpack the archive into a temporary folder (every chunk authenticated, every file's hash checked),
 * open the restored warehouse, compare every table's row count and verify its audit chain and head. The
 * temporary folder is removed; each destination's outcome is recorded in the journal.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pickDestinations } from './config.ts';
import type { BackupRunOptions } from './create.ts';
import { BackupError } from './errors.ts';
import { appendJournal } from './journal.ts';
import { keyRing } from './master-keys.ts';
import { storeOf } from './stores.ts';
import { checkRestored, openDataKey, unpackArchive } from './unpack.ts';

/** The outcome at one destination. */
export interface VerifyDestinationResult {
  readonly destination: string;
  readonly ok: boolean;
  readonly error?: string;
  /** The error's code: backup-integrity, backup-key, backup-destination, … */
  readonly code?: string;
  readonly tables?: number;
  readonly rows?: number;
  readonly rowsMatch?: boolean;
  readonly auditOk?: boolean;
  readonly mismatches?: string[];
  readonly auditProblems?: string[];
  /** Seconds spent decrypting and unpacking, and opening, counting and verifying the audit chain. */
  readonly seconds?: { readonly unpack: number; readonly check: number };
}

/** The outcome of `verifyBackup`. */
export interface VerifyResult {
  readonly id: string;
  /** Every destination checked is intact, restores, matches its row counts and has an intact audit chain. */
  readonly ok: boolean;
  readonly tables: number;
  readonly rowsMatch: boolean;
  readonly auditOk: boolean;
  readonly destinations: VerifyDestinationResult[];
}

/**
 * Removes the temporary restores of verifications killed on this host (`verify-<pid>-…` of a dead pid): they
 * hold a decrypted copy of a warehouse.
 */
export async function removeStaleRestores(tmpDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^verify-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH')
        await rm(join(tmpDir, name), { recursive: true, force: true });
    }
  }
}

/** Verifies a backup by restoring it; see the module comment. */
export async function verifyBackup(
  options: BackupRunOptions & { readonly id: string; readonly from?: readonly string[] | undefined },
): Promise<VerifyResult> {
  const { settings, id } = options;
  const keys = keyRing(settings);
  const named = (options.from ?? []).length > 0;
  const results: VerifyDestinationResult[] = [];
  await removeStaleRestores(settings.tmpDir);
  for (const d of pickDestinations(settings, options.from ?? [])) {
    const store = storeOf(settings, d, options.parent);
    let tmp: string | undefined;
    let result: VerifyDestinationResult;
    let createdAt = '';
    try {
      if (!(await store.has(id))) {
        if (named) throw new BackupError(`${store.where}: no backup ${id}. Fix: gongshu backup list`, { id });
        continue;
      }
      const manifest = await store.manifest(id);
      createdAt = manifest.createdAt;
      const dataKey = openDataKey(manifest, keys, store.where);
      tmp = join(settings.tmpDir, `verify-${process.pid}-${id}-${randomBytes(3).toString('hex')}`);
      await mkdir(tmp, { recursive: true, mode: 0o700 });
      const target = join(tmp, 'warehouse.duckdb');
      const t0 = performance.now();
      const step = `backup verify ${id} at ${d.name}`;
      await unpackArchive(store.archive(id), manifest, dataKey, target, `${store.where}: backup ${id}`, {
        sync: false,
        progress: options.progress && ((done, total) => options.progress?.(`${step}: decrypt`, done, total)),
      });
      options.progress?.(`${step}: open, count, audit verify`);
      const t1 = performance.now();
      const check = await checkRestored(target, manifest);
      const seconds = { unpack: (t1 - t0) / 1000, check: (performance.now() - t1) / 1000 };
      result = {
        destination: d.name,
        ok: check.rowsMatch && check.auditOk,
        tables: check.tables,
        rows: check.rows,
        rowsMatch: check.rowsMatch,
        auditOk: check.auditOk,
        mismatches: check.mismatches,
        auditProblems: check.auditProblems,
        seconds,
        ...(check.rowsMatch && check.auditOk
          ? {}
          : {
              code: 'backup-integrity',
              error: `${store.where}: backup ${id} restores, but ${[
                ...check.mismatches.slice(0, 5),
                ...check.auditProblems.slice(0, 3),
              ].join('; ')}`,
            }),
      };
    } catch (error) {
      result = {
        destination: d.name,
        ok: false,
        error: (error as Error).message,
        code: (error as { code?: string }).code ?? 'internal',
      };
    } finally {
      if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    }
    results.push(result);
    appendJournal(options.journal, {
      event: 'verified',
      id,
      at: new Date().toISOString(),
      createdAt,
      destination: d.name,
      ok: result.ok,
      ...(result.error ? { error: result.error.slice(0, 500) } : {}),
    });
    if (result.ok) {
      options.logger?.info(
        `backup verify ${id} at ${d.name}: ok (${result.tables} tables, ${(result.rows ?? 0).toLocaleString('en')} rows, audit chain intact)`,
      );
    } else options.logger?.error(`backup verify ${id} at ${d.name}: FAILED: ${result.error}`);
  }
  if (results.length === 0) {
    throw new BackupError(
      `no backup ${id} at ${settings.destinations.map((d) => d.name).join(', ')}. Fix: gongshu backup list shows the backups`,
      { id },
    );
  }
  return {
    id,
    ok: results.every((r) => r.ok),
    tables: Math.max(0, ...results.map((r) => r.tables ?? 0)),
    rowsMatch: results.every((r) => r.rowsMatch === true),
    auditOk: results.every((r) => r.auditOk === true),
    destinations: results,
  };
}
