import type { FastifyInstance } from 'fastify';
import { PlatformRejection, redactText } from '../errors.ts';
import type { ServerContext } from './server-context.ts';
import { SIGNATURE_HEADERS } from './signing.ts';

/**
 * Answers every refusal with a 4xx `{ error: { code, message, status } }`, logged and audited; any other error is
 * a 500 whose message (which may quote a value) is logged redacted, never sent.
 */
export function addErrorAnswers(app: FastifyInstance, ctx: ServerContext): void {
  const { node, logger } = ctx.options;
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    const rejection =
      error instanceof PlatformRejection
        ? error
        : (error.statusCode ?? 500) < 500
          ? new PlatformRejection(
              error.statusCode ?? 400,
              error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'too-large' : 'bad-request',
              error.message.slice(0, 300),
            )
          : undefined;
    // A refused request's body is not read: the connection is closed after the answer.
    if (!req.raw.complete) reply.header('connection', 'close');
    if (rejection) {
      const claimed = req.headers[SIGNATURE_HEADERS.node];
      const peer = typeof claimed === 'string' ? claimed : undefined;
      logger.warn(
        { node: peer && /^\d{6}$/.test(peer) ? peer : undefined, code: rejection.code },
        `refused ${req.method} ${(req.url.split('?')[0] ?? '').slice(0, 120)}: ${rejection.status} ${rejection.message}`,
      );
      ctx.audit({
        status: rejection.status,
        code: rejection.code.replace(/^platform-/, ''),
        peer,
        method: req.method,
        path: req.url,
        message: rejection.message,
        dataset: ctx.admitted.get(req)?.push?.dataset,
      });
      if (rejection.status === 429) reply.header('retry-after', '1');
      return reply.status(rejection.status).send(rejection.toJSON());
    }
    // The database's message may quote a value: it is logged redacted, never sent.
    logger.error(
      { code: error.code, error: redactText(String(error.message)).slice(0, 500) },
      `${req.method} ${(req.url.split('?')[0] ?? '').slice(0, 120)} failed`,
    );
    return reply.status(500).send({
      error: {
        code: 'internal',
        message: `node ${node.id} could not process the request; retry later`,
        status: 500,
      },
    });
  });
}

/** Answers an unknown endpoint with a 404 refusal. */
export function addNotFound(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send(
        new PlatformRejection(
          404,
          'not-found',
          `no such endpoint: ${req.method} ${(req.url.split('?')[0] ?? '').slice(0, 80)}`,
        ).toJSON(),
      ),
  );
}
