/**
 * The manifest (`manifest.json`) beside each archive: what the backup holds (node, time, schema version, row
 * counts of every table, the audit head, the hash of each file) and how it is encrypted (cipher, master key id,
 * the wrapped data key). It is readable without the key, so `backup list` and a parent holding it can show it;
 * it carries no row data. Its `mac` (HMAC-SM3 under a key derived from the data key) makes any edit visible to
 * whoever holds the master key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../platform/index.ts';
import { newId } from '../../schemas/index.ts';
import { BACKUP_CIPHERS, subkey } from './cipher.ts';
import { BackupIntegrityError } from './errors.ts';

/** The manifest format written by this version. */
export const MANIFEST_FORMAT = 'gongshu-backup/1';
/** File names inside a backup folder. */
export const BACKUP_FILES = { manifest: 'manifest.json', archive: 'archive.gsb' } as const;
/** A backup id: `backup-`, its UTC creation time and 6 random hex digits, e.g. backup-20260105020000-3fa9c1. */
export const BACKUP_ID = /^backup-\d{14}-[0-9a-f]{6}$/;

/** A new backup id for a time (the one id maker: schemas/ids.ts). */
export function newBackupId(at: Date): string {
  return newId('backup', at);
}

/** The manifest of a backup. */
export const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    id: z.string().regex(BACKUP_ID),
    node: z.object({ id: z.string(), level: z.string(), name: z.string() }).strict(),
    createdAt: z.string().meta({ description: 'ISO time of the snapshot' }),
    schemaVersion: z
      .number()
      .int()
      .meta({ description: 'the layout version of the warehouse (SCHEMA_VERSION)' }),
    tables: z
      .array(z.object({ schema: z.string(), name: z.string(), rows: z.number().int().min(0) }).strict())
      .meta({ description: 'every table of the warehouse (system tables too) and its row count' }),
    auditHead: z.string().nullable().meta({ description: 'the audit chain head (seq:hash) at the snapshot' }),
    files: z
      .array(
        z
          .object({
            path: z.string(),
            bytes: z.number().int().min(0),
            sha256: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .optional(),
            sm3: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .optional(),
          })
          .strict()
          .refine((f) => (f.sha256 === undefined) !== (f.sm3 === undefined), {
            message:
              'a file has exactly one hash: sha256 (beside aes-256-gcm) or sm3 (beside sm4-ctr-hmac-sm3)',
          }),
      )
      .meta({
        description:
          'the files in the archive, with the hash of their plaintext: SHA-256 beside aes-256-gcm, SM3 beside sm4-ctr-hmac-sm3 (earlier backups have SM3 with either cipher)',
      }),
    archive: z
      .object({
        file: z.literal(BACKUP_FILES.archive),
        bytes: z.number().int().min(0),
        chunkBytes: z.number().int().min(1),
      })
      .strict(),
    encryption: z
      .object({
        cipher: z.enum(BACKUP_CIPHERS),
        keyId: z.string(),
        wrappedKey: z.string().meta({ description: 'the data key sealed under the master key (base64)' }),
        wrapNonce: z.string(),
      })
      .strict(),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
/** A backup manifest. */
export type Manifest = z.output<typeof manifestSchema>;
/** A manifest before its MAC. */
export type UnsignedManifest = Omit<Manifest, 'mac'>;

/** The associated data of the data key's wrapping: binds it to the backup and the key id. */
export function wrapAad(m: Pick<Manifest, 'id' | 'encryption'>): Buffer {
  return Buffer.from(`${MANIFEST_FORMAT}|wrap|${m.id}|${m.encryption.keyId}|${m.encryption.cipher}`);
}

/** The archive key and the manifest key of a data key. */
export function dataSubkeys(dataKey: Buffer): { archive: Buffer; manifest: Buffer } {
  return {
    archive: subkey(dataKey, `${MANIFEST_FORMAT}|archive`),
    manifest: subkey(dataKey, `${MANIFEST_FORMAT}|manifest`),
  };
}

function macOf(m: UnsignedManifest, manifestKey: Buffer): string {
  return createHmac('sm3', manifestKey).update(canonicalJson(m)).digest('hex');
}

/** Adds the MAC to a manifest. */
export function signManifest(m: UnsignedManifest, manifestKey: Buffer): Manifest {
  return { ...m, mac: macOf(m, manifestKey) };
}

/** Checks a manifest's MAC; a `BackupIntegrityError` when it was edited. */
export function checkManifestMac(m: Manifest, manifestKey: Buffer, where: string): void {
  const { mac, ...rest } = m;
  if (!timingSafeEqual(Buffer.from(macOf(rest, manifestKey), 'hex'), Buffer.from(mac, 'hex'))) {
    throw new BackupIntegrityError(
      `${where}: the manifest does not match its MAC: it was edited after the backup was made (row counts, file hashes or sizes cannot be trusted)`,
      { where, id: m.id },
    );
  }
}

/** Parses manifest text; a `BackupIntegrityError` saying what is wrong. */
export function parseManifest(text: string, where: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BackupIntegrityError(
      `${where}: the manifest is not JSON (${(error as Error).message}): damaged or altered`,
      { where },
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupIntegrityError(
      `${where}: not a manifest of this gongshu version: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      { where },
    );
  }
  return parsed.data;
}
