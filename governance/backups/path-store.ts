/**
 * A folder of backups: `<root>/<node id>/<backup id>/{manifest.json, archive.gsb}`. A backup is written into
 * `.partial-<id>/` and renamed to `<id>/` once both files are complete and synced, so a killed backup never
 * leaves a folder that lists as complete; a removal renames to `.removing-<id>/` first for the same reason.
 * The same layout serves a node's own destinations and a parent's store of its children's backups.
 */
import { constants, createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupDestinationError, BackupError } from './errors.ts';
import { BACKUP_FILES, BACKUP_ID, type Manifest, parseManifest } from './manifest.ts';

const PARTIAL = '.partial-';
const REMOVING = '.removing-';

/** An error of a file operation on a destination, with a message naming the destination and the cause. */
export function destinationError(where: string, what: string, error: unknown): BackupDestinationError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'no space left on the device. Fix: free space or point the destination elsewhere; nothing was listed as a backup'
      : code === 'ENOENT'
        ? 'the folder does not exist (is the share mounted?)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EROFS'
            ? 'the file system is read-only'
            : (error as Error).message;
  return new BackupDestinationError(
    `${where}: cannot ${what}: ${why}`,
    { where, code },
    { cause: error, retryable: code === 'ENOSPC' },
  );
}

/** Syncs a folder's entry list to disk (after a rename into it). */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } catch {
    // Some file systems (network shares) cannot sync a folder; the rename itself is still atomic.
  } finally {
    await fh.close();
  }
}

/** Writes a file fully and syncs it. */
export async function writeSynced(file: string, data: string | Buffer): Promise<void> {
  const fh = await open(file, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** One node's folder of backups under a root. */
export class PathStore {
  /** The node's folder. */
  readonly dir: string;

  constructor(
    readonly root: string,
    readonly node: string,
    /** How messages name it, e.g. `destination offsite (/mnt/share)`. */
    readonly where: string,
  ) {
    this.dir = join(root, node);
  }

  /** The folder of a complete backup. */
  path(id: string): string {
    return join(this.dir, id);
  }

  /** The folder a backup is written into before it is committed. */
  partial(id: string): string {
    return join(this.dir, `${PARTIAL}${id}`);
  }

  /** Creates (empty) the partial folder of a backup and returns it. */
  async begin(id: string): Promise<string> {
    const dir = this.partial(id);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw destinationError(this.where, `create ${dir}`, error);
    }
    return dir;
  }

  /** Writes the manifest into the partial folder, syncs, and renames it to the backup's folder. */
  async commit(manifest: Manifest): Promise<void> {
    const partial = this.partial(manifest.id);
    try {
      await writeSynced(join(partial, BACKUP_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
      await syncDir(partial);
      await rename(partial, this.path(manifest.id));
      await syncDir(this.dir);
    } catch (error) {
      throw destinationError(this.where, `complete backup ${manifest.id}`, error);
    }
  }

  /** Removes a partial folder (after a failure). */
  async abort(id: string): Promise<void> {
    await rm(this.partial(id), { recursive: true, force: true }).catch(() => undefined);
  }

  /** Copies a complete archive file in and commits it with its manifest. */
  async put(archiveFile: string, manifest: Manifest): Promise<void> {
    const dir = await this.begin(manifest.id);
    try {
      try {
        await copyFile(archiveFile, join(dir, BACKUP_FILES.archive));
        const fh = await open(join(dir, BACKUP_FILES.archive), 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (error) {
        throw destinationError(this.where, `copy backup ${manifest.id}`, error);
      }
      await this.commit(manifest);
    } catch (error) {
      await this.abort(manifest.id);
      throw error;
    }
  }

  /** Removes folders left by killed backups and removals (`.partial-*`, `.removing-*`); returns how many. */
  async cleanStale(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let n = 0;
    for (const name of names) {
      if (name.startsWith(PARTIAL) || name.startsWith(REMOVING)) {
        await rm(join(this.dir, name), { recursive: true, force: true });
        n++;
      }
    }
    return n;
  }

  /** Complete backups, newest first (folders named by id holding a manifest); unreadable manifests are reported. */
  async list(): Promise<{ manifests: Manifest[]; problems: string[] }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        try {
          await stat(this.root);
          return { manifests: [], problems: [] };
        } catch (rootError) {
          throw destinationError(this.where, `read ${this.root}`, rootError);
        }
      }
      throw destinationError(this.where, `read ${this.dir}`, error);
    }
    const manifests: Manifest[] = [];
    const problems: string[] = [];
    for (const name of names
      .filter((n) => BACKUP_ID.test(n))
      .sort()
      .reverse()) {
      try {
        manifests.push(await this.manifest(name));
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    return { manifests, problems };
  }

  /** Whether a complete backup is here. */
  async has(id: string): Promise<boolean> {
    return stat(join(this.path(id), BACKUP_FILES.manifest)).then(
      () => true,
      () => false,
    );
  }

  /** The manifest of a complete backup. */
  async manifest(id: string): Promise<Manifest> {
    const file = join(this.path(id), BACKUP_FILES.manifest);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BackupError(`${this.where}: no backup ${id} (looked for ${file})`, {
          id,
          where: this.where,
        });
      }
      throw destinationError(this.where, `read ${file}`, error);
    }
    const m = parseManifest(text, `${this.where}: backup ${id}`);
    if (m.id !== id) {
      throw new BackupError(
        `${this.where}: ${file} names backup ${m.id}, not ${id}: the folder was renamed or altered`,
        {
          id,
        },
      );
    }
    return m;
  }

  /** The archive of a complete backup as a byte stream. */
  async *archive(id: string): AsyncGenerator<Uint8Array> {
    const file = join(this.path(id), BACKUP_FILES.archive);
    try {
      yield* createReadStream(file, { highWaterMark: 1024 * 1024 });
    } catch (error) {
      throw destinationError(this.where, `read ${file}`, error);
    }
  }

  /** Removes a complete backup (renamed away first, so a killed removal never leaves a half backup listed). */
  async remove(id: string): Promise<void> {
    const gone = join(this.dir, `${REMOVING}${id}`);
    try {
      await rename(this.path(id), gone);
      await rm(gone, { recursive: true, force: true });
    } catch (error) {
      throw destinationError(this.where, `remove backup ${id}`, error);
    }
  }
}
