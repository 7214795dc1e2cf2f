import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PlatformRejection } from '../../platform/index.ts';
import { BACKUP_FILES } from './manifest.ts';
import { idOf, rejectionOf, type StoreRouteContext } from './store-routes-context.ts';

/** `POST /v1/backups/:id/archive?offset=N`: a piece of the archive (offset 0 starts over; a retry overwrites). */
export function addArchiveUploadRoute(app: FastifyInstance, ctx: StoreRouteContext): void {
  app.post('/v1/backups/:id/archive', async (req) => {
    const v = await ctx.verify(req);
    const id = idOf(req);
    const offset = Number((req.query as { offset?: string }).offset);
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new PlatformRejection(
        400,
        'bad-offset',
        `backup ${id}: ?offset= must be a byte offset (0 or more)`,
      );
    }
    const store = ctx.storeOf(v.node);
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
}
