/**
 * Objections on the node's signed service (GOVERNANCE C): `POST /v1/objections` (a child node, or the open-data
 * platform acting for the public, reports an error or objection against one record; 201 with `{ id, status,
 * dueAt }`). Answers are signed by this node; the warehouse work goes through the server's serial (the service's
 * job queue). The open-data reads are in open-data/http-routes.ts.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { NodeKeys, NodeServerTools } from '../../platform/index.ts';
import type { GovernanceContext } from '../context.ts';
import { parseSignedBody, sendSignedAnswer, toRejection } from '../http.ts';
import { maskedKey, OBJECTION_TYPES } from './objection-store.ts';
import { raiseObjection } from './workflow.ts';

/** The JSON body of `POST /v1/objections`. */
export const remoteObjectionSchema = z
  .object({
    dataset: z.string().min(1),
    key: z.string().min(1).max(64),
    columns: z.array(z.string().min(1)).min(1),
    claim: z.string().min(1).max(2000),
    evidence: z.string().max(4000).optional(),
    type: z.enum(OBJECTION_TYPES).optional(),
    channel: z.enum(['share', 'open']).optional(),
    department: z.string().min(1).max(200),
    operator: z.string().min(1).max(200),
  })
  .strict();

/** An objection as a node sends it. */
export type RemoteObjection = z.input<typeof remoteObjectionSchema>;

/** The routes, bound to a governance context, the node's keys (to sign answers) and a logger. */
export function objectionRoutes(
  ctx: GovernanceContext,
  keys: NodeKeys | undefined,
  logger?: Pick<Logger, 'info'>,
): (app: FastifyInstance, tools: NodeServerTools) => void {
  return (app, tools) => {
    const answer = (reply: FastifyReply, nonce: string, status: number, value: unknown) =>
      sendSignedAnswer(reply, keys, ctx.node.id, { status, nonce, value });
    app.post('/v1/objections', async (req, reply) => {
      const v = await tools.verify(req);
      const b = parseSignedBody(req.body, remoteObjectionSchema, 'POST /v1/objections');
      const r = await tools.serial(() =>
        raiseObjection(ctx, {
          dataset: b.dataset,
          key: b.key,
          columns: b.columns,
          claim: b.claim,
          evidence: b.evidence,
          type: b.type,
          channel: b.channel ?? 'share',
          actor: { operator: `${b.operator}@${v.node}`, department: b.department },
          at: new Date(),
        }).catch((e) => Promise.reject(toRejection(e))),
      );
      logger?.info(`objection ${r.id} ← ${v.node}: ${b.dataset} ${maskedKey(b.key)}, due ${r.dueDate}`);
      return answer(reply, v.nonce, 201, { id: r.id, status: r.status, dueAt: r.dueAt });
    });
  };
}
