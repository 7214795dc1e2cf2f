import { createRequire } from 'node:module';
import type { FastifyBaseLogger, default as FastifyFactory, FastifyInstance } from 'fastify';
import type { NodeContext } from '../config.ts';
import { addAnchorsRoute } from './route-anchors.ts';
import { addBackflowRoute } from './route-backflow.ts';
import { addHealthRoute } from './route-health.ts';
import { addPushChunkRoute, addPushManifestRoute } from './route-push.ts';
import { addSummariesRoute } from './route-summaries.ts';
import { addAdmission, addBodySpool, addRelease } from './server-admission.ts';
import { createServerContext } from './server-context.ts';
import { serverTools } from './server-extend.ts';
import type { NodeServerOptions } from './server-options.ts';
import { addErrorAnswers, addNotFound } from './server-refusals.ts';
import { addAnswerSigning } from './server-signing.ts';
import { serverTls } from './tls.ts';

export type { CompletedBatch, NodeServerOptions, NodeServerTools } from './server-options.ts';

/**
 * The node's HTTP(S) service (fastify): `POST /v1/push/manifest?dataset&batch&chunks` (a batch's live set and
 * purpose, JSON, sent before its chunks), `POST /v1/push?dataset&batch&seq&chunks&head` (a signed Parquet chunk
 * from a child), `GET /v1/backflow/:dataset?columns=a,b&purpose=…` (a Parquet answer), `GET /v1/audit/anchors`
 * (the audit heads the asking child carried), `POST /v1/summaries` (a child's summaries when no batch carries
 * them), `GET /v1/health`.
 * - Every request but an unsigned health check is admitted on its headers alone, before its body is read: a
 *   known child, a fresh timestamp, an unused nonce, a signature over the method, path, and declared body
 *   SM3, a body no larger than `maxBodyBytes`, at most `maxConcurrentPerChild` requests in flight per child,
 *   and with mutual TLS a certificate naming the same node. A refused request's body is never read.
 * - A body streams to disk under the size limit while it is hashed; it must match the declared hash.
 * - Every answer, refusals included, is signed by this node over the request id (its nonce), the status and
 *   the body's SM3 (`x-gongshu-signature`), so a child can tell it from one forged on the way.
 * - Every refusal is a 4xx with `{ error: { code, message, status } }`, nothing is stored for it, and it is
 *   recorded in the audit chain (bounded, long values cut).
 */
export function createNodeServer(options: NodeServerOptions): FastifyInstance {
  const { node, logger } = options;
  const ctx = createServerContext(options);
  const tls = serverTls(node);
  // Required here, not at the top: only a process that serves HTTP loads fastify.
  const Fastify = createRequire(import.meta.url)('fastify') as typeof FastifyFactory;
  const app = Fastify({
    // fastify's own per-request lines only at warn and above; the node logs its transfers itself.
    loggerInstance: logger.child(
      {},
      { level: logger.levelVal > 40 ? logger.level : 'warn' },
    ) as unknown as FastifyBaseLogger,
    ...(tls ? { https: tls } : {}),
  }) as unknown as FastifyInstance;
  addBodySpool(app, ctx);
  addAdmission(app, ctx);
  addRelease(app, ctx);
  addAnswerSigning(app, ctx);
  addErrorAnswers(app, ctx);
  addNotFound(app);
  addHealthRoute(app, ctx);
  addPushManifestRoute(app, ctx);
  addPushChunkRoute(app, ctx);
  addBackflowRoute(app, ctx);
  addAnchorsRoute(app, ctx);
  addSummariesRoute(app, ctx);
  options.extend?.(app, serverTools(ctx));
  return app;
}

/** Starts the service on the configured host and port; resolves to its base URL. */
export async function listen(app: FastifyInstance, node: NodeContext, port?: number): Promise<string> {
  return app.listen({ host: node.platform.listen.host, port: port ?? node.platform.listen.port });
}
