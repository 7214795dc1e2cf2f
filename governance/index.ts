// The governance layer (GOVERNANCE.md): so far, encrypted local and off-site backups verified by restoring (F).
export { ARCHIVE_MAGIC, ArchiveWriter, DEFAULT_CHUNK_BYTES, readArchive } from './backups/archive.ts';
export { aead, BACKUP_CIPHERS, type BackupCipher } from './backups/cipher.ts';
export {
  type BackupConfig,
  type BackupDestination,
  type BackupProject,
  type BackupSettings,
  type BackupSpec,
  backupSchema,
  backupSettings,
  DEFAULT_MAX_AGE_HOURS,
  type MasterKeySource,
  pickDestinations,
} from './backups/config.ts';
export {
  type BackupLog,
  type BackupRunOptions,
  type CreateBackupOptions,
  type CreateBackupResult,
  createBackup,
} from './backups/create.ts';
export {
  BackupDestinationError,
  BackupError,
  BackupIntegrityError,
  BackupKeyError,
} from './backups/errors.ts';
export { appendJournal, type JournalEvent, journalPath, readJournal } from './backups/journal.ts';
export { type ListedBackup, listBackups } from './backups/list.ts';
export {
  BACKUP_FILES,
  BACKUP_ID,
  MANIFEST_FORMAT,
  type Manifest,
  manifestSchema,
  parseManifest,
} from './backups/manifest.ts';
export {
  generateMasterKey,
  type KeyRing,
  keyRing,
  loadMasterKey,
  type MasterKey,
} from './backups/master-keys.ts';
export { type ParentLink, ParentStore } from './backups/parent-client.ts';
export { parentLinkOf } from './backups/parent-link.ts';
export { type BackupStoreOptions, backupStoreRoutes } from './backups/parent-store.ts';
export { PathStore } from './backups/path-store.ts';
export { type PruneResult, pruneBackups } from './backups/prune.ts';
export { type RestoreOptions, type RestoreResult, restoreBackup, restoreTarget } from './backups/restore.ts';
export { applyRetention, type RetentionPolicy } from './backups/retention.ts';
export { scheduledBackup } from './backups/scheduled.ts';
export { type TableCount, tableCounts } from './backups/snapshot.ts';
export { backupStatus, type DestinationStatus } from './backups/status.ts';
export { checkRestored, openDataKey, type RestoredCheck, unpackArchive } from './backups/unpack.ts';
export { type VerifyDestinationResult, type VerifyResult, verifyBackup } from './backups/verify.ts';
