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
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit, type NodeServerTools, PlatformRejection } from '../../platform/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { ARCHIVE_MAGIC } from './archive.ts';
import { BackupDestinationError } from './errors.ts';
import { BACKUP_FILES, BACKUP_ID, type Manifest, parseManifest } from './manifest.ts';
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

function idOf(req: FastifyRequest): string {
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

function rejectionOf(error: unknown): unknown {
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

/** The `extend` hook of the node server that adds the backup store routes. */
export function backupStoreRoutes(
  options: BackupStoreOptions,
): (app: FastifyInstance, tools: NodeServerTools) => void {
  const storeOf = (child: string) => new PathStore(options.store, child, `backup store of ${child}`);
  return (app, { verify, serial }) => {
    app.get('/v1/backups', async (req) => {
      const v = await verify(req);
      const { manifests } = await storeOf(v.node).list();
      return { backups: manifests };
    });

    app.post('/v1/backups/:id/archive', async (req) => {
      const v = await verify(req);
      const id = idOf(req);
      const offset = Number((req.query as { offset?: string }).offset);
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new PlatformRejection(
          400,
          'bad-offset',
          `backup ${id}: ?offset= must be a byte offset (0 or more)`,
        );
      }
      const store = storeOf(v.node);
      if (await store.has(id)) {
        throw new PlatformRejection(
          409,
          'backup-exists',
          `backup ${id} of node ${v.node} is already stored complete`,
        );
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        if (offset === 0) await store.begin(id);
        const file = join(store.partial(id), BACKUP_FILES.archive);
        const size = await stat(file).then(
          (s) => s.size,
          () => -1,
        );
        if (Math.max(size, 0) < offset) {
          throw new PlatformRejection(
            409,
            'bad-offset',
            `backup ${id}: the parent holds ${Math.max(size, 0)} bytes; a piece at ${offset} would leave a gap. Start again at offset 0`,
            { size: Math.max(size, 0) },
          );
        }
        const fh = await open(file, size < 0 ? 'w' : 'r+', 0o600);
        try {
          await fh.truncate(offset);
          await fh.write(body, 0, body.length, offset);
        } finally {
          await fh.close();
        }
        return { size: offset + body.length };
      } catch (error) {
        throw rejectionOf(error);
      }
    });

    app.post('/v1/backups/:id/complete', async (req) => {
      const v = await verify(req);
      const id = idOf(req);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let manifest: Manifest;
      try {
        manifest = parseManifest(body.toString('utf8'), `backup ${id} from ${v.node}`);
      } catch (error) {
        throw new PlatformRejection(400, 'bad-manifest', (error as Error).message);
      }
      if (manifest.id !== id || manifest.node.id !== v.node) {
        throw new PlatformRejection(
          400,
          'bad-manifest',
          `the manifest names backup ${manifest.id} of node ${manifest.node.id}; this request is for ${id} of ${v.node}`,
        );
      }
      const store = storeOf(v.node);
      if (await store.has(id)) {
        const stored = await store.manifest(id);
        if (stored.mac === manifest.mac) return { stored: true, duplicate: true };
        throw new PlatformRejection(
          409,
          'backup-exists',
          `backup ${id} of node ${v.node} is stored with another manifest`,
        );
      }
      const file = join(store.partial(id), BACKUP_FILES.archive);
      const size = await stat(file).then(
        (s) => s.size,
        () => 0,
      );
      if (size !== manifest.archive.bytes) {
        throw new PlatformRejection(
          409,
          'incomplete',
          `backup ${id}: the parent holds ${size} of ${manifest.archive.bytes} archive bytes. Send the rest first`,
          { size },
        );
      }
      const head = Buffer.alloc(ARCHIVE_MAGIC.length);
      const fh = await open(file, 'r+');
      try {
        await fh.read(head, 0, head.length, 0);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (!head.equals(ARCHIVE_MAGIC)) {
        throw new PlatformRejection(
          400,
          'bad-archive',
          `backup ${id}: the stored bytes are not a gongshu backup archive`,
        );
      }
      try {
        await store.commit(manifest);
      } catch (error) {
        throw rejectionOf(error);
      }
      await serial(() =>
        appendAudit(options.wh, options.node, {
          action: 'backup-stored',
          peer: v.node,
          batch: id,
          details: { bytes: manifest.archive.bytes, keyId: manifest.encryption.keyId },
        }),
      );
      options.logger?.info(`backup ${id} ← ${v.node}: stored (${manifest.archive.bytes} bytes, encrypted)`);
      return { stored: true, duplicate: false };
    });

    app.get('/v1/backups/:id/archive', async (req: FastifyRequest, reply: FastifyReply) => {
      const v = await verify(req);
      const id = idOf(req);
      const store = storeOf(v.node);
      if (!(await store.has(id))) {
        throw new PlatformRejection(404, 'no-backup', `node ${v.node} has no backup ${id} stored here`);
      }
      const file = join(store.path(id), BACKUP_FILES.archive);
      const { size } = await stat(file);
      const fh = await open(file, 'r');
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(size))
        .send(fh.createReadStream({ highWaterMark: 1024 * 1024 }));
    });

    app.post('/v1/backups/:id/delete', async (req) => {
      const v = await verify(req);
      const id = idOf(req);
      const store = storeOf(v.node);
      if (!(await store.has(id))) return { removed: false };
      const bytes =
        JSON.parse(await readFile(join(store.path(id), BACKUP_FILES.manifest), 'utf8')).archive?.bytes ??
        null;
      try {
        await store.remove(id);
      } catch (error) {
        throw rejectionOf(error);
      }
      await serial(() =>
        appendAudit(options.wh, options.node, {
          action: 'backup-removed',
          peer: v.node,
          batch: id,
          details: { bytes },
        }),
      );
      options.logger?.info(`backup ${id} of ${v.node}: removed (retention)`);
      return { removed: true };
    });
  };
}
