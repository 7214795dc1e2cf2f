import type { FastifyInstance } from 'fastify';
import { PUSH_BATCHES_TABLE, PUSH_CHUNKS_TABLE } from '../../warehouse/index.ts';
import type { ServerContext } from './server-context.ts';

/** `GET /v1/health`: status, node and level; a signed check also gets the push counters and `options.health`. */
export function addHealthRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { node, wh } = ctx.options;
  app.get('/v1/health', async (req) => {
    const base = { status: 'ok', node: node.id, level: node.level };
    if (!ctx.admitted.has(req)) return base;
    return ctx.serial(async () => ({
      ...base,
      name: node.name,
      uptimeSeconds: Math.round((Date.now() - ctx.started) / 1000),
      chunksReceived: (await wh.value<number>(`SELECT count(*) FROM ${PUSH_CHUNKS_TABLE}`)) ?? 0,
      pushesPending:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'pending'`)) ?? 0,
      pushesDone:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'done'`)) ?? 0,
      deadLetters:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'dead'`)) ?? 0,
      ...ctx.options.health?.(),
    }));
  });
}
