import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../platform/index.ts';
import { BACKUP_FILES } from './manifest.ts';
import { idOf, rejectionOf, type StoreRouteContext } from './store-routes-context.ts';

/** `POST /v1/backups/:id/delete`: removes a backup (retention), recorded in the audit chain. */
export function addDeleteRoute(app: FastifyInstance, ctx: StoreRouteContext): void {
  const { options } = ctx;
  app.post('/v1/backups/:id/delete', async (req) => {
    const v = await ctx.verify(req);
    const id = idOf(req);
    const store = ctx.storeOf(v.node);
    if (!(await store.has(id))) return { removed: false };
    const bytes =
      JSON.parse(await readFile(join(store.path(id), BACKUP_FILES.manifest), 'utf8')).archive?.bytes ?? null;
    try {
      await store.remove(id);
    } catch (error) {
      throw rejectionOf(error);
    }
    await ctx.serial(() =>
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
}
