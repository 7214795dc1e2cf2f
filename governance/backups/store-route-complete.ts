import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { appendAudit, PlatformRejection } from '../../platform/index.ts';
import { ARCHIVE_MAGIC } from './archive.ts';
import { BACKUP_FILES, type Manifest, parseManifest } from './manifest.ts';
import { idOf, rejectionOf, type StoreRouteContext } from './store-routes-context.ts';

/** `POST /v1/backups/:id/complete`: the manifest; the archive must be complete, then the backup is listed. */
export function addCompleteRoute(app: FastifyInstance, ctx: StoreRouteContext): void {
  const { options } = ctx;
  app.post('/v1/backups/:id/complete', async (req) => {
    const v = await ctx.verify(req);
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
    const store = ctx.storeOf(v.node);
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
    await checkArchive(file, id, manifest);
    try {
      await store.commit(manifest);
    } catch (error) {
      throw rejectionOf(error);
    }
    await ctx.serial(() =>
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
}

/** Refuses a partial archive that is short of the manifest's size (409) or not a gongshu archive (400); syncs it. */
async function checkArchive(file: string, id: string, manifest: Manifest): Promise<void> {
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
}
