import type { FastifyInstance } from 'fastify';
import { ANSWER_HEADERS, signAnswer } from './answers.ts';
import { EMPTY_SM3, type ServerContext } from './server-context.ts';
import { SIGNATURE_HEADERS, sm3 } from './signing.ts';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

/** Signs every answer (onSend), refusals included: the request id (nonce), status and body hash. */
export function addAnswerSigning(app: FastifyInstance, ctx: ServerContext): void {
  const { node } = ctx.options;
  const { keys } = ctx;
  app.addHook('onSend', async (req, reply, payload) => {
    let bodyHash: string;
    if (payload === null || payload === undefined) bodyHash = EMPTY_SM3;
    else if (typeof payload === 'string' || Buffer.isBuffer(payload)) bodyHash = sm3(payload);
    else bodyHash = String(reply.getHeader(ANSWER_HEADERS.contentHash) ?? '');
    if (!keys) return payload;
    const nonce = req.headers[SIGNATURE_HEADERS.nonce];
    const requestId = typeof nonce === 'string' && NONCE.test(nonce) ? nonce : '';
    reply.headers(
      signAnswer({
        node: node.id,
        privateKey: keys.privateKey,
        requestId,
        status: reply.statusCode,
        bodyHash,
      }),
    );
    return payload;
  });
}
