/**
 * Master keys: 32 bytes named by an id, read from a file (mode 0600) or an environment variable, never stored
 * beside a backup. New backups use `backup.masterKey`; a backup made before a rotation names its key id, which
 * is looked up among `masterKey` and `keys`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { KEY_BYTES } from './cipher.ts';
import type { BackupSettings, MasterKeySource } from './config.ts';
import { BackupKeyError } from './errors.ts';

/** A loaded master key. */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
  /** Where it came from, for messages: a file path or `$NAME`. */
  readonly source: string;
}

/** Parses key text: 64 hex digits or base64 of 32 bytes (surrounding whitespace ignored); raw 32 bytes from a file. */
function parseKey(raw: Buffer, where: string, id: string): Buffer {
  if (raw.length === KEY_BYTES && !/^[\x20-\x7e\s]*$/.test(raw.toString('latin1'))) return raw;
  const text = raw.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(text)) {
    const b = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    if (b.length === KEY_BYTES) return b;
  }
  throw new BackupKeyError(
    `master key "${id}" (${where}): expected 64 hex digits or the base64 of 32 bytes; got ${raw.length} bytes of something else. Fix: gongshu backup keygen FILE writes a fresh key`,
    { keyId: id, source: where },
  );
}

/** Loads one master key from its source. */
export function loadMasterKey(source: MasterKeySource, dir: string): MasterKey {
  if ('env' in source) {
    const value = process.env[source.env];
    if (!value) {
      throw new BackupKeyError(
        `master key "${source.id}": environment variable ${source.env} is not set. Fix: export ${source.env}=<64 hex digits> (gongshu backup keygen FILE makes one)`,
        { keyId: source.id, source: `$${source.env}` },
      );
    }
    return {
      id: source.id,
      key: parseKey(Buffer.from(value), `$${source.env}`, source.id),
      source: `$${source.env}`,
    };
  }
  const file = isAbsolute(source.file) ? source.file : join(dir, source.file);
  if (!existsSync(file)) {
    throw new BackupKeyError(
      `master key "${source.id}": ${file} does not exist. Fix: restore the key file from its safe copy (backups made with it cannot be read without it), or create a new key with gongshu backup keygen ${file} and a new id`,
      { keyId: source.id, source: file },
    );
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new BackupKeyError(
      `master key "${source.id}": ${file} is readable by others (mode ${mode.toString(8)}). Fix: chmod 600 ${file}`,
      { keyId: source.id, source: file },
    );
  }
  return { id: source.id, key: parseKey(readFileSync(file), file, source.id), source: file };
}

/** The master keys of a node: the current one for new backups, and any configured key by id for reading. */
export interface KeyRing {
  /** The key new backups are wrapped with; a `BackupKeyError` when none is configured or it cannot be read. */
  current(): MasterKey;
  /** The key of an id; a `BackupKeyError` naming the id when it is not configured or cannot be read. */
  get(id: string, what: string): MasterKey;
}

/** The key ring of a node's backup settings (keys are read when first needed). */
export function keyRing(settings: BackupSettings): KeyRing {
  const cache = new Map<string, MasterKey>();
  const sources = [settings.config.masterKey, ...settings.config.keys].filter((s) => s !== undefined);
  const load = (s: MasterKeySource) => {
    let k = cache.get(s.id);
    if (!k) {
      k = loadMasterKey(s, settings.dir);
      cache.set(s.id, k);
    }
    return k;
  };
  return {
    current() {
      const s = settings.config.masterKey;
      if (!s) {
        throw new BackupKeyError(
          "backup.masterKey is not configured: backups are always encrypted. Fix: gongshu backup keygen /etc/gongshu/backup-k1.key, then backup: { masterKey: { id: 'k1', file: '/etc/gongshu/backup-k1.key' } } in gongshu.config.ts",
          { field: 'backup.masterKey' },
        );
      }
      return load(s);
    },
    get(id, what) {
      const s = sources.find((x) => x.id === id);
      if (!s) {
        throw new BackupKeyError(
          `${what} was encrypted with master key "${id}", which is not configured (configured: ${sources.map((x) => `"${x.id}"`).join(', ') || 'none'}). Fix: add { id: '${id}', file: … } to backup.keys (keys kept after a rotation stay there)`,
          { keyId: id },
        );
      }
      return load(s);
    },
  };
}

/** Writes a fresh random master key (64 hex digits) to a new file with mode 0600; refuses to overwrite. */
export function generateMasterKey(file: string): { file: string } {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupKeyError(
      code === 'EEXIST'
        ? `${file} exists: a key file is never overwritten (backups made with it would become unreadable). Fix: choose a new file name and a new key id`
        : `${file}: cannot create the key file (${code ?? (error as Error).message})`,
      { file },
      error,
    );
  }
  try {
    writeSync(fd, `${randomBytes(KEY_BYTES).toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  return { file };
}
