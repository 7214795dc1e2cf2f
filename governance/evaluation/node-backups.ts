/**
 * The node's backup status as the yearly evaluation reads it (GOVERNANCE I: "security (backups verified,
 * assessment date)"), through the backups' owner module: its journal beside the warehouse, read only.
 */
import { type BackupProject, backupSettings } from '../backups/config.ts';
import { journalPath } from '../backups/journal.ts';
import { backupStatus, type DestinationStatus } from '../backups/status.ts';

/** The status of each backup destination at `at`; null when the project configures no backups (or badly). */
export function nodeBackupStatus(
  project: BackupProject,
  dir: string,
  warehousePath: string,
  at: Date,
): DestinationStatus[] | null {
  if (!project.backup) return null;
  try {
    return backupStatus(backupSettings(project, dir), journalPath(warehousePath), at);
  } catch {
    return null; // a backup definition error is reported by `gongshu backup`, not by the evaluation
  }
}
