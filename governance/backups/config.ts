/**
 * The `backup` section of a project: the master key (and older ones still needed to read old backups), the
 * cipher, where backups go, how long they are kept, and where a parent keeps its children's backups.
 * @example backup: {
 *   masterKey: { id: 'k2026', file: '/etc/gongshu/backup-k2026.key' },
 *   destinations: { local: { path: '.gongshu/backups' }, offsite: { path: '/mnt/backup-share' } },
 * }
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { definitionErrorFromZod } from '../../schemas/index.ts';
import { BACKUP_CIPHERS } from './cipher.ts';
import { DefinitionError } from './errors.ts';

const KEY_ID = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  .meta({ description: 'the name of a master key, recorded in each backup it encrypts, e.g. k2026' });

/** Where a master key comes from: a file (64 hex digits, or base64 of 32 bytes, mode 0600) or an environment variable. */
export const masterKeySourceSchema = z.union([
  z
    .object({
      id: KEY_ID,
      file: z
        .string()
        .min(1)
        .meta({ description: 'key file, relative to the project; keep it off the backup disks' }),
    })
    .strict(),
  z
    .object({
      id: KEY_ID,
      env: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .meta({ description: 'environment variable holding the key (64 hex digits or base64)' }),
    })
    .strict(),
]);
/** A master key source as written. */
export type MasterKeySource = z.output<typeof masterKeySourceSchema>;

const MAX_AGE = z.number().positive().meta({
  description:
    'hours after which the newest verified backup here counts as overdue; defaults to 25 (daily) for a local destination, 169 (weekly) off-site',
});

const pathDestinationSchema = z
  .object({
    path: z.string().min(1).meta({ description: 'a folder (relative to the project) or a mounted share' }),
    offsite: z.boolean().optional().meta({
      description:
        'whether this folder is off-site (a second site, a mounted share); defaults to true unless the destination is named local',
    }),
    maxAgeHours: MAX_AGE.optional(),
  })
  .strict();

const parentDestinationSchema = z
  .object({
    parent: z.literal(true).meta({
      description:
        'the parent node (platform.parent) stores the encrypted backup through the signed API; it cannot read it',
    }),
    maxAgeHours: MAX_AGE.optional(),
  })
  .strict();

const DESTINATION_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** The backup section of a project. */
export const backupSchema = z
  .object({
    masterKey: masterKeySourceSchema.optional().meta({
      description:
        'the master key new backups are encrypted with (its data key is wrapped by it); required to create',
    }),
    keys: z.array(masterKeySourceSchema).default([]).meta({
      description: 'earlier master keys, to read backups made before a rotation; never used for new backups',
    }),
    cipher: z.enum(BACKUP_CIPHERS).default('aes-256-gcm').meta({
      description:
        'aes-256-gcm (each file hashed with SHA-256; about 10× faster than SM4 here) or sm4-ctr-hmac-sm3 (national algorithms: SM4-CTR, encrypt-then-MAC with HMAC-SM3, each file hashed with SM3); defaults to aes-256-gcm',
    }),
    destinations: z
      .record(z.string().regex(DESTINATION_NAME), z.union([pathDestinationSchema, parentDestinationSchema]))
      .default({ local: { path: '.gongshu/backups' } })
      .meta({
        description:
          'named destinations, each { path } or { parent: true }; defaults to { local: { path: ".gongshu/backups" } }',
      }),
    retention: z
      .object({
        daily: z
          .number()
          .int()
          .min(0)
          .default(7)
          .meta({ description: 'newest backup of each of the last N days; defaults to 7' }),
        weekly: z
          .number()
          .int()
          .min(0)
          .default(4)
          .meta({ description: 'of each of the last N ISO weeks; defaults to 4' }),
        monthly: z
          .number()
          .int()
          .min(0)
          .default(12)
          .meta({ description: 'of each of the last N months; defaults to 12' }),
      })
      .strict()
      .default({ daily: 7, weekly: 4, monthly: 12 }),
    store: z.string().default('.gongshu/child-backups').meta({
      description:
        "where this node keeps its children's encrypted backups (a parent); defaults to .gongshu/child-backups",
    }),
    tmpDir: z.string().default('.gongshu/tmp').meta({
      description:
        'scratch folder of verify (a backup is restored there and removed); defaults to .gongshu/tmp',
    }),
    uploadChunkBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(16 * 1024 * 1024)
      .meta({
        description:
          'bytes per signed upload request to the parent (below its maxBodyBytes); defaults to 16 MiB',
      }),
  })
  .strict();

/** The backup section as written. */
export type BackupSpec = z.input<typeof backupSchema>;
/** The parsed backup section. */
export type BackupConfig = z.output<typeof backupSchema>;

/** A destination with its path resolved: a folder (`<path>/<node id>/<backup id>/`) or the parent node. */
export type BackupDestination =
  | {
      readonly name: string;
      readonly kind: 'path';
      readonly root: string;
      readonly offsite: boolean;
      readonly maxAgeHours: number;
    }
  | { readonly name: string; readonly kind: 'parent'; readonly offsite: true; readonly maxAgeHours: number };

/** Default hours before a destination's newest verified backup is overdue: a day (local) or a week (off-site), plus an hour. */
export const DEFAULT_MAX_AGE_HOURS = { local: 25, offsite: 169 } as const;

/** The project shape backups read. */
export interface BackupProject {
  readonly name: string;
  readonly node: { readonly id: string; readonly level: string; readonly name: string };
  readonly backup?: unknown;
  readonly file?: string;
}

/** A node's parsed backup settings with paths resolved against its project folder. */
export interface BackupSettings {
  readonly node: { readonly id: string; readonly level: string; readonly name: string };
  readonly dir: string;
  readonly config: BackupConfig;
  readonly destinations: readonly BackupDestination[];
  /** Where a parent keeps its children's backups (`<store>/<child id>/<backup id>/`). */
  readonly store: string;
  readonly tmpDir: string;
}

const resolveIn = (dir: string, p: string) => (isAbsolute(p) ? p : join(dir, p));

/** Parses a project's `backup` section (absent → defaults) and resolves its paths against `dir`. */
export function backupSettings(project: BackupProject, dir: string): BackupSettings {
  const parsed = backupSchema.safeParse(project.backup ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw definitionErrorFromZod(
      parsed.error,
      { file: project.file, object: `project ${project.name}: backup` },
      {
        masterKey:
          "masterKey: { id: 'k2026', file: '/etc/gongshu/backup-k2026.key' } or { id, env: 'GONGSHU_BACKUP_KEY' }",
        destinations: "destinations: { local: { path: '.gongshu/backups' }, offsite: { parent: true } }",
        cipher: "cipher: 'aes-256-gcm' or 'sm4-ctr-hmac-sm3'",
      },
    );
  }
  const config = parsed.data;
  const ids = [config.masterKey, ...config.keys].filter((k) => k !== undefined).map((k) => k.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) {
    throw new DefinitionError(
      `${project.file ?? 'project'}: backup: master key id "${dup}" is configured twice. Fix: give each key its own id (a new id for each rotation)`,
      { file: project.file, field: 'backup.keys', fix: 'unique key ids' },
    );
  }
  const destinations = Object.entries(config.destinations).map(([name, d]): BackupDestination => {
    if ('parent' in d) {
      return {
        name,
        kind: 'parent',
        offsite: true,
        maxAgeHours: d.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS.offsite,
      };
    }
    const offsite = d.offsite ?? name !== 'local';
    return {
      name,
      kind: 'path',
      root: resolveIn(dir, d.path),
      offsite,
      maxAgeHours: d.maxAgeHours ?? (offsite ? DEFAULT_MAX_AGE_HOURS.offsite : DEFAULT_MAX_AGE_HOURS.local),
    };
  });
  return Object.freeze({
    node: project.node,
    dir,
    config,
    destinations,
    store: resolveIn(dir, config.store),
    tmpDir: resolveIn(dir, config.tmpDir),
  });
}

/** The destinations named (all when `names` is empty); an unknown name is a definition error naming the known ones. */
export function pickDestinations(settings: BackupSettings, names: readonly string[]): BackupDestination[] {
  if (names.length === 0) return [...settings.destinations];
  return names.map((n) => {
    const d = settings.destinations.find((x) => x.name === n);
    if (!d) {
      throw new DefinitionError(
        `backup: no destination "${n}"; configured: ${settings.destinations.map((x) => x.name).join(', ') || 'none'}. Fix: --to ${settings.destinations[0]?.name ?? 'local'}, or add it to backup.destinations`,
        { field: 'backup.destinations', allowed: settings.destinations.map((x) => x.name).join(', ') },
      );
    }
    return d;
  });
}
