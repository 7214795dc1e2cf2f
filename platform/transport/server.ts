import type { KeyObject } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import type { Warehouse } from '../../warehouse/index.ts';
import { PUSH_BATCHES_TABLE, PUSH_CHUNKS_TABLE } from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import { type BackflowAuthorizer, serveBackflow } from '../backflow/answer.ts';
import { type CatalogProject, datasetPolicies } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformRejection } from '../errors.ts';
import { type PushHeader, parsePushHeader, storeChunk } from '../push/receive.ts';
import { parsePublicKey } from './node-keys.ts';
import { claimNonce } from './nonces.ts';
import { createSerial, type Serial } from './serial.ts';
import { SIGNATURE_HEADERS, type VerifiedRequest, verifyRequest } from './signing.ts';
import { ARROW_STREAM, decodeChunk } from './wire.ts';

/** A batch from a child that just became complete. */
export interface CompletedBatch {
  readonly sender: string;
  readonly dataset: string;
  readonly batch: string;
}

/** Options of `createNodeServer`. */
export interface NodeServerOptions {
  readonly node: NodeContext;
  readonly project: CatalogProject;
  readonly wh: Warehouse;
  readonly logger: Logger;
  /** Serialises warehouse work; pass the same one to in-process pushes. Defaults to a new one. */
  readonly serial?: Serial;
  /** Called (not awaited) when a child's batch completes: e.g. forward it upward. */
  readonly onBatchComplete?: (batch: CompletedBatch) => void;
  /** Extra fields for the signed health answer (e.g. whether an upward push is running). */
  readonly health?: () => Record<string, unknown>;
  /** Decides what backflow serves from the node's grants; without it, `platform.entitlements` do. */
  readonly authorizeBackflow?: BackflowAuthorizer;
  /** Adds routes of other layers (e.g. the store of children's backups), with the signature check and the serial. */
  readonly extend?: (app: FastifyInstance, tools: NodeServerTools) => void;
}

/** What `extend` gets: the signature check (known child, fresh timestamp and nonce) and the warehouse serial. */
export interface NodeServerTools {
  readonly verify: (req: FastifyRequest) => Promise<VerifiedRequest>;
  readonly serial: Serial;
}

/**
 * The node's HTTP service (fastify): `POST /v1/push` (a signed Arrow IPC chunk from a child),
 * `GET /v1/backflow/:dataset?columns=a,b&purpose=…` (signed; Arrow IPC back), `GET /v1/health`.
 * Every refusal is a 4xx with `{ error: { code, message, status } }`, and nothing is stored for it.
 */
export function createNodeServer(options: NodeServerOptions): FastifyInstance {
  const { node, wh, logger } = options;
  const serial = options.serial ?? createSerial();
  const keys = new Map<string, KeyObject>(
    node.platform.children.map((c) => [
      c.id,
      parsePublicKey(c.publicKey, `platform.children[${c.id}].publicKey`),
    ]),
  );
  const started = Date.now();
  const app: FastifyInstance = Fastify({
    // fastify's own per-request lines only at warn and above; the node logs its transfers itself.
    loggerInstance: logger.child(
      {},
      { level: logger.levelVal > 40 ? logger.level : 'warn' },
    ) as unknown as FastifyBaseLogger,
    bodyLimit: node.platform.maxBodyBytes,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const verify = async (req: FastifyRequest): Promise<VerifiedRequest> => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const v = verifyRequest({
      method: req.method,
      path: req.url,
      headers: req.headers,
      body,
      keyOf: (id) => keys.get(id),
      maxSkewSeconds: node.platform.maxClockSkewSeconds,
    });
    await serial(() => claimNonce(wh, v.node, v.nonce, node.platform.maxClockSkewSeconds));
    return v;
  };

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (error instanceof PlatformRejection) {
      logger.warn(
        { node: req.headers[SIGNATURE_HEADERS.node], code: error.code },
        `refused ${req.method} ${req.url}: ${error.message}`,
      );
      return reply.status(error.status).send(error.toJSON());
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'too-large' : (error.code ?? 'bad-request');
      const message =
        code === 'too-large'
          ? `the body is larger than this node accepts (${node.platform.maxBodyBytes} bytes, platform.maxBodyBytes); nothing was stored. Fix: lower platform.push.chunkBytes on the sender`
          : error.message;
      logger.warn(`refused ${req.method} ${req.url}: ${status} ${message}`);
      return reply.status(status).send({ error: { code, message, status } });
    }
    logger.error({ err: error }, `${req.method} ${req.url} failed`);
    return reply.status(500).send({
      error: {
        code: 'internal',
        message: `node ${node.id} could not process the request; retry later`,
        status: 500,
      },
    });
  });

  app.get('/v1/health', async (req) => {
    const base = { status: 'ok', node: node.id, level: node.level };
    if (!req.headers[SIGNATURE_HEADERS.signature]) return base;
    await verify(req);
    return serial(async () => ({
      ...base,
      name: node.name,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      chunksReceived: (await wh.value<number>(`SELECT count(*) FROM ${PUSH_CHUNKS_TABLE}`)) ?? 0,
      pushesPending:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'pending'`)) ?? 0,
      pushesDone:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'done'`)) ?? 0,
      ...options.health?.(),
    }));
  });

  app.post('/v1/push', async (req: FastifyRequest, reply: FastifyReply) => {
    const v = await verify(req);
    const body = req.body as Buffer;
    const chunk = decodeChunk<PushHeader>(body, parsePushHeader);
    const h = chunk.header;
    const result = await serial(async () => {
      const policy = (await datasetPolicies(wh, options.project)).get(h.dataset);
      try {
        return await storeChunk(wh, {
          self: node.id,
          sender: v.node,
          policy,
          chunk,
          contentHash: v.bodyHash,
        });
      } catch (error) {
        if (error instanceof PlatformRejection && error.status === 403) {
          await appendAudit(wh, node.id, {
            action: 'rejected',
            peer: v.node,
            dataset: h.dataset,
            columns: chunk.columns.map((c) => c.name),
            rows: chunk.rows,
            contentHash: v.bodyHash,
            purpose: h.purpose,
            batch: h.batch,
            chunk: h.seq,
            details: { code: error.code },
          });
        }
        throw error;
      }
    });
    logger.debug(
      { node: v.node, dataset: h.dataset, batch: h.batch, seq: h.seq },
      `push ${h.dataset} ← ${v.node} chunk ${h.seq + 1}/${h.chunks}: ${result.rows} rows${result.duplicate ? ' (duplicate, not stored again)' : ''}`,
    );
    if (result.complete) {
      logger.info(`push ${h.dataset} ← ${v.node} batch ${h.batch} complete (${h.chunks} chunks)`);
      options.onBatchComplete?.({ sender: v.node, dataset: h.dataset, batch: h.batch });
    }
    return reply.send({
      ack: true,
      batch: h.batch,
      seq: h.seq,
      rows: result.rows,
      duplicate: result.duplicate,
      complete: result.complete,
    });
  });

  app.get('/v1/backflow/:dataset', async (req: FastifyRequest, reply: FastifyReply) => {
    const v = await verify(req);
    const { dataset } = req.params as { dataset: string };
    const query = req.query as { columns?: string; purpose?: string; grant?: string };
    const purpose = (query.purpose ?? '').trim();
    if (!purpose) {
      throw new PlatformRejection(
        400,
        'no-purpose',
        `backflow ${dataset}: state the purpose (use scenario) of the request, e.g. ?purpose=低保复核 (第十七条, 第二十一条)`,
      );
    }
    const columns = (query.columns ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const served = await serial(async () =>
      serveBackflow(wh, {
        node,
        requester: v.node,
        policy: (await datasetPolicies(wh, options.project)).get(dataset),
        dataset,
        columns,
        purpose,
        grant: query.grant?.trim() || null,
        authorize: options.authorizeBackflow,
      }),
    );
    logger.info(`backflow ${dataset} → ${v.node}: ${served.rows} rows, columns ${served.columns.join(', ')}`);
    return reply
      .header('content-type', ARROW_STREAM)
      .header('x-gongshu-content-sm3', served.contentHash)
      .send(served.body);
  });

  options.extend?.(app, { verify, serial });
  return app;
}

/** Starts the service on the configured host and port; resolves to its base URL. */
export async function listen(app: FastifyInstance, node: NodeContext, port?: number): Promise<string> {
  return app.listen({ host: node.platform.listen.host, port: port ?? node.platform.listen.port });
}
