import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PlatformRejection } from '../errors.ts';
import { nodeSummarySchema } from '../push/receive.ts';
import { storeSummaries } from '../push/summaries.ts';
import { admittedOf, bodyHashMismatch, type ServerContext } from './server-context.ts';

const summariesBody = z.object({ summaries: z.array(nodeSummarySchema).min(1).max(10) }).strict();

/**
 * `POST /v1/summaries`: a child's summaries (its yearly evaluation) sent on their own, when a push has no batch
 * to carry them in a manifest. Kept like those of a manifest (the latest per node, kind and period wins).
 */
export function addSummariesRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { wh } = ctx.options;
  app.post('/v1/summaries', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = admittedOf(ctx, req);
    if (a.bodyHash === undefined || a.bodyHash !== a.verified.bodyHash)
      throw bodyHashMismatch(a.verified.node);
    let raw: unknown;
    try {
      raw = JSON.parse((req.body as Buffer).toString('utf8'));
    } catch {
      throw new PlatformRejection(400, 'malformed-json', 'POST /v1/summaries: the body is not JSON');
    }
    const parsed = summariesBody.safeParse(raw);
    if (!parsed.success) {
      throw new PlatformRejection(
        400,
        'bad-summaries',
        `POST /v1/summaries: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
      );
    }
    await ctx.serial(() =>
      storeSummaries(wh, a.verified.node, `summaries-${a.verified.nonce}`, parsed.data.summaries),
    );
    return reply.send({ summaries: parsed.data.summaries.length });
  });
}
