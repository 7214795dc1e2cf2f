import type { BackupRunOptions } from '../../../governance/index.ts';
import type { Output } from '../../output.ts';

/** The options of `gongshu backup`. */
export interface BackupCliOptions {
  project: string;
  warehouse?: string;
  to?: string[];
  from?: string[];
  force?: boolean;
  verify?: boolean;
  prune?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** What each `backup` action gets: the run options, the command line, the output and the warehouse path. */
export interface BackupAction {
  readonly run: BackupRunOptions;
  readonly o: BackupCliOptions;
  readonly out: Output;
  readonly warehousePath: string;
}

/** Bytes as MiB with one decimal. */
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Destination names from repeated and comma-separated options. */
export const names = (values: readonly string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
