/**
 * The parent node's side of off-site backups: signed routes through which a child stores, lists, reads back
 * and removes its encrypted backups in `<backup.store>/<child id>/<backup id>/`. The parent never holds the
 * child's master key: it checks sizes, the archive header and who sent it, and cannot read the contents.
 *
 *   POST /v1/backups/:id/archive?offset=N   a piece of the archive (offset 0 starts over; a retried piece
 *                                           overwrites from its offset)
 *   POST /v1/backups/:id/complete           the manifest: the archive must be complete; then it is listed
 *   GET  /v1/backups                        the child's complete backups (manifests), newest first
 *   GET  /v1/backups/:id/archive            the archive, streamed
 *   POST /v1/backups/:id/delete             removes a backup (retention)
 */
import type { FastifyInstance } from 'fastify';
import type { NodeServerTools } from '../../platform/index.ts';
import { addCompleteRoute } from './store-route-complete.ts';
import { addDeleteRoute } from './store-route-delete.ts';
import { addArchiveDownloadRoute, addListRoute } from './store-route-read.ts';
import { addArchiveUploadRoute } from './store-route-upload.ts';
import { type BackupStoreOptions, storeRouteContext } from './store-routes-context.ts';

export type { BackupStoreOptions } from './store-routes-context.ts';

/** The `extend` hook of the node server that adds the backup store routes. */
export function backupStoreRoutes(
  options: BackupStoreOptions,
): (app: FastifyInstance, tools: NodeServerTools) => void {
  return (app, tools) => {
    const ctx = storeRouteContext(options, tools);
    addListRoute(app, ctx);
    addArchiveUploadRoute(app, ctx);
    addCompleteRoute(app, ctx);
    addArchiveDownloadRoute(app, ctx);
    addDeleteRoute(app, ctx);
  };
}
