import type { FastifyInstance } from 'fastify';
import { anchorsOf } from '../audit/anchors.ts';
import { admittedOf, type ServerContext } from './server-context.ts';

/** `GET /v1/audit/anchors`: the audit heads the asking child carried. */
export function addAnchorsRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { wh } = ctx.options;
  app.get('/v1/audit/anchors', async (req) => {
    const a = admittedOf(ctx, req);
    return { node: a.verified.node, anchors: await ctx.serial(() => anchorsOf(wh, a.verified.node)) };
  });
}
