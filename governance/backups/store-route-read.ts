import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PlatformRejection } from '../../platform/index.ts';
import { BACKUP_FILES } from './manifest.ts';
import { idOf, type StoreRouteContext } from './store-routes-context.ts';

/** `GET /v1/backups`: the child's complete backups (manifests), newest first. */
export function addListRoute(app: FastifyInstance, ctx: StoreRouteContext): void {
  app.get('/v1/backups', async (req) => {
    const v = await ctx.verify(req);
    const { manifests } = await ctx.storeOf(v.node).list();
    return { backups: manifests };
  });
}

/** `GET /v1/backups/:id/archive`: a stored archive, streamed. */
export function addArchiveDownloadRoute(app: FastifyInstance, ctx: StoreRouteContext): void {
  app.get('/v1/backups/:id/archive', async (req: FastifyRequest, reply: FastifyReply) => {
    const v = await ctx.verify(req);
    const id = idOf(req);
    const store = ctx.storeOf(v.node);
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
}
