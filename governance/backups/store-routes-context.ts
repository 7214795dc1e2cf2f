import type { FastifyRequest } from 'fastify';
import { type NodeServerTools, PlatformRejection } from '../../platform/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { BackupDestinationError } from './errors.ts';
import { BACKUP_ID } from './manifest.ts';
import { PathStore } from './path-store.ts';

/** Options of `backupStoreRoutes`. */
export interface BackupStoreOptions {
  /** The folder holding children's backups (`backup.store`, resolved). */
  readonly store: string;
  /** The parent's warehouse (its audit chain records stored and removed backups). */
  readonly wh: Warehouse;
  /** The parent's node id. */
  readonly node: string;
  readonly logger?: { info(msg: string): void; warn(msg: string): void };
}

/** What each backup store route gets: the options, the node server's tools and a child's store. */
export interface StoreRouteContext extends NodeServerTools {
  readonly options: BackupStoreOptions;
  /** The backups of child `child`, in `<store>/<child>/`. */
  readonly storeOf: (child: string) => PathStore;
}

/** The backup store routes' shared context. */
export function storeRouteContext(options: BackupStoreOptions, tools: NodeServerTools): StoreRouteContext {
  return {
    options,
    verify: tools.verify,
    sender: tools.sender,
    serial: tools.serial,
    storeOf: (child: string) => new PathStore(options.store, child, `backup store of ${child}`),
  };
}

/** The `:id` of a backup route, checked (400 otherwise). */
export function idOf(req: FastifyRequest): string {
  const { id } = req.params as { id: string };
  if (!BACKUP_ID.test(id)) {
    throw new PlatformRejection(
      400,
      'bad-backup-id',
      `backup id ${JSON.stringify(id)}: expected e.g. backup-20260105020000-3fa9c1`,
    );
  }
  return id;
}

/** A store failure as the refusal the child gets (507 when the disk is full); other errors unchanged. */
export function rejectionOf(error: unknown): unknown {
  if (error instanceof BackupDestinationError) {
    const nospace = error.details.code === 'ENOSPC';
    return new PlatformRejection(
      nospace ? 507 : 500,
      nospace ? 'no-space' : 'store-failed',
      nospace
        ? 'the parent has no space left for backups; nothing was listed. Retry later'
        : 'the parent could not store the backup; retry later',
    );
  }
  return error;
}
