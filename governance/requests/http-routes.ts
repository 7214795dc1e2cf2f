/**
 * Sharing requests on the node's signed service: `POST /v1/requests` (a child node submits a request to its
 * parent; the body is JSON, the request signed by the child) and `GET /v1/requests/:id` (the requesting node
 * reads its request's state). Answers are signed by this node (see governance/http.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  type NodeKeys,
  type NodeServerTools,
  PlatformRejection,
  SIGNATURE_HEADERS,
} from '../../platform/index.ts';
import type { GovernanceContext } from '../context.ts';
import { parseSignedBody, sendSignedAnswer, toRejection } from '../http.ts';
import { showRequest, submitRequest } from './workflow.ts';

/** The JSON body of `POST /v1/requests`. */
export const remoteRequestSchema = z
  .object({
    dataset: z.string().min(1),
    columns: z.array(z.string().min(1)).min(1),
    purpose: z.string().min(1).max(2000),
    basis: z.string().max(2000).optional(),
    use: z.string().max(2000).optional(),
    commitment: z.string().max(4000).optional(),
    emergency: z
      .object({ kind: z.string().min(1), note: z.string().max(2000).optional() })
      .strict()
      .optional(),
    audience: z.enum(['department', 'authorised', 'public']).optional(),
    division: z
      .string()
      .regex(/^\d{2,6}$/)
      .optional(),
    department: z.string().min(1).max(200),
    operator: z.string().min(1).max(200),
  })
  .strict();

/** A request as a child sends it. */
export type RemoteRequest = z.input<typeof remoteRequestSchema>;

/**
 * The routes, bound to a governance context, the node's keys (to sign answers) and a logger; pass the result to
 * `createNodeServer`'s `extend`.
 */
export function requestRoutes(
  ctx: GovernanceContext,
  keys: NodeKeys | undefined,
  logger?: Pick<Logger, 'info'>,
): (app: FastifyInstance, tools: NodeServerTools) => void {
  return (app, tools) => {
    const answer = (reply: FastifyReply, nonce: string, status: number, value: unknown) =>
      sendSignedAnswer(reply, keys, ctx.node.id, { status, nonce, value });
    app.post('/v1/requests', async (req, reply) => {
      const v = await tools.verify(req);
      const b = parseSignedBody(req.body, remoteRequestSchema, 'POST /v1/requests');
      const signature = req.headers[SIGNATURE_HEADERS.signature];
      const result = await tools.serial(() =>
        submitRequest(ctx, {
          dataset: b.dataset,
          columns: b.columns,
          purpose: b.purpose,
          basis: b.basis,
          use: b.use,
          commitment: b.commitment,
          commitmentSig: Array.isArray(signature) ? signature[0] : signature,
          emergency: b.emergency,
          audience: b.audience,
          divisionScope: b.division,
          requester: { node: v.node, department: b.department, operator: b.operator },
          at: new Date(),
        }).catch((e) => Promise.reject(toRejection(e))),
      );
      logger?.info(
        `request ${result.id} ← ${v.node}: ${b.dataset} (${result.shareType}), conformity due ${result.conformityDue}`,
      );
      return answer(reply, v.nonce, 201, result);
    });
    app.get('/v1/requests/:id', async (req, reply) => {
      const v = await tools.verify(req);
      const { id } = req.params as { id: string };
      const shown = await tools.serial(() =>
        showRequest(ctx, id, new Date()).catch((e) => Promise.reject(toRejection(e))),
      );
      if (shown.requesterNode !== v.node) {
        throw new PlatformRejection(404, 'unknown-request', `request ${id}: not found for node ${v.node}`);
      }
      const { request: _full, ...view } = shown;
      return answer(reply, v.nonce, 200, view);
    });
  };
}
