import type { KeyObject } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  FastifyBaseLogger,
  default as FastifyFactory,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import type { Warehouse } from '../../warehouse/index.ts';
import { PUSH_BATCHES_TABLE, PUSH_CHUNKS_TABLE } from '../../warehouse/index.ts';
import { anchorsOf } from '../audit/anchors.ts';
import { createRefusalAudit } from '../audit/refusals.ts';
import { type BackflowAuthorizer, serveBackflow } from '../backflow/answer.ts';
import { type CatalogProject, DATASET_NAME, datasetPolicies } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformRejection, redactText } from '../errors.ts';
import {
  type PushQuery,
  parsePushManifest,
  parsePushQuery,
  storeChunk,
  storeManifest,
} from '../push/receive.ts';
import { ANSWER_HEADERS, signAnswer } from './answers.ts';
import { type SpooledBody, spoolBody } from './body.ts';
import { KEY_FILES, loadKeys, type NodeKeys, parsePublicKey } from './node-keys.ts';
import { claimNonce } from './nonces.ts';
import { PARQUET } from './parquet-chunk.ts';
import { createSerial, type Serial } from './serial.ts';
import { SIGNATURE_HEADERS, sm3, type VerifiedRequest, verifyRequest } from './signing.ts';
import { createSlots } from './slots.ts';
import { peerCommonName, serverTls } from './tls.ts';

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
  /**
   * The node's key pair, which signs every answer; defaults to the pair in the node's keys folder (required when
   * the node has children; a standalone node without one answers unsigned).
   */
  readonly keys?: NodeKeys;
  /** Serialises warehouse work; pass the same one to in-process pushes. Defaults to a new one. */
  readonly serial?: Serial;
  /** Called (not awaited) when a child's batch completes: e.g. forward it upward. */
  readonly onBatchComplete?: (batch: CompletedBatch) => void;
  /** Extra fields for the signed health answer (e.g. whether an upward push is running). */
  readonly health?: () => Record<string, unknown>;
  /** Decides what backflow serves from the node's grants (columns, scope, output policy); without it, `platform.entitlements` do. */
  readonly authorizeBackflow?: BackflowAuthorizer;
  /** Adds routes of other layers (e.g. the store of children's backups), with the signature check and the serial. */
  readonly extend?: (app: FastifyInstance, tools: NodeServerTools) => void;
}

/** What `extend` gets: the signature check (known child, fresh timestamp and nonce) and the warehouse serial. */
export interface NodeServerTools {
  readonly verify: (req: FastifyRequest) => Promise<VerifiedRequest>;
  readonly serial: Serial;
}

/** What the request checks (before the body is read) left for the handler. */
interface Admitted {
  readonly verified: VerifiedRequest;
  readonly release: () => void;
  readonly push?: PushQuery;
  /** Files to delete when the answer is sent (the spooled body, a backflow answer). */
  readonly files: string[];
  /** The SM3 of the body as read (it must be the declared one). */
  bodyHash?: string;
}

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const EMPTY_SM3 = sm3(Buffer.alloc(0));

/**
 * The node's HTTP(S) service (fastify): `POST /v1/push/manifest?dataset&batch&chunks` (a batch's live set and
 * purpose, JSON, sent before its chunks), `POST /v1/push?dataset&batch&seq&chunks&head` (a signed Parquet chunk
 * from a child), `GET /v1/backflow/:dataset?columns=a,b&purpose=…` (a Parquet answer), `GET /v1/audit/anchors`
 * (the audit heads the asking child carried), `GET /v1/health`.
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
  const { node, wh, logger } = options;
  const serial = options.serial ?? createSerial();
  // A node in the hierarchy signs every answer; a standalone node (no children) may run without a key pair.
  const keys =
    options.keys ??
    (node.platform.children.length > 0 || existsSync(join(node.keysDir, KEY_FILES.private))
      ? loadKeys(node.keysDir)
      : undefined);
  const children = new Map<string, KeyObject>(
    node.platform.children.map((c) => [
      c.id,
      parsePublicKey(c.publicKey, `platform.children[${c.id}].publicKey`),
    ]),
  );
  const origins = new Map(node.platform.children.map((c) => [c.id, new Set([c.id, ...c.descendants])]));
  const slots = createSlots(node.platform.maxConcurrentPerChild);
  const admitted = new WeakMap<FastifyRequest, Admitted>();
  const transferDir =
    wh.path === ':memory:' ? mkdtempSync(join(tmpdir(), 'gongshu-transfer-')) : `${wh.path}.transfer`;
  // Bodies half received and answers half sent when the node last stopped (it holds the warehouse alone).
  rmSync(transferDir, { recursive: true, force: true });
  // A node that forwards keeps the chunk files it stores, to send them upward unchanged.
  const relayDir =
    node.platform.parent && node.platform.push.forward
      ? wh.path === ':memory:'
        ? mkdtempSync(join(tmpdir(), 'gongshu-relay-'))
        : `${wh.path}.relay`
      : undefined;
  const audit = createRefusalAudit({
    wh,
    node: node.id,
    serial,
    onError: (error) => logger.error({ err: error }, 'could not audit a refused request'),
  });
  const started = Date.now();
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
  app.removeAllContentTypeParsers();
  // Only admitted requests reach the parser (the checks run in onRequest): the body streams to disk, hashed.
  app.addContentTypeParser('*', (req, payload, done) => {
    const a = admitted.get(req);
    if (!a) {
      done(new PlatformRejection(401, 'unsigned', 'a request with a body must be signed'), undefined);
      return;
    }
    spoolBody(payload, {
      dir: transferDir,
      maxBytes: node.platform.maxBodyBytes,
      name: a.verified.node,
    }).then(
      (body) => {
        a.files.push(body.file);
        a.bodyHash = body.hash;
        // Routes other layers add (`extend`) get the body as bytes, as before (it is at most maxBodyBytes).
        const path = req.url.split('?')[0] ?? '';
        done(null, path.startsWith('/v1/push') ? body : readFileSync(body.file));
      },
      (error: Error) => done(error, undefined),
    );
  });

  app.addHook('onRequest', async (req) => {
    const pathname = req.url.split('?')[0] ?? '';
    if (pathname === '/v1/health' && !req.headers[SIGNATURE_HEADERS.signature]) return;
    const verified = verifyRequest({
      method: req.method,
      path: req.url,
      headers: req.headers,
      keyOf: (id) => children.get(id),
      maxSkewSeconds: node.platform.maxClockSkewSeconds,
    });
    if (node.platform.tls?.requireClientCertificate) {
      const cn = peerCommonName(req.raw.socket);
      if (cn !== verified.node) {
        throw new PlatformRejection(
          403,
          'certificate-mismatch',
          `node ${verified.node}: the TLS client certificate names ${cn ? JSON.stringify(cn.slice(0, 16)) : 'no node'}; a child must present its own node certificate (subject CN = its node id)`,
          { node: verified.node },
        );
      }
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > node.platform.maxBodyBytes) {
      throw new PlatformRejection(
        413,
        'too-large',
        `the body (${declared} bytes) is larger than this node accepts (${node.platform.maxBodyBytes} bytes, platform.maxBodyBytes); nothing was read or stored. Fix: lower platform.push.chunkBytes on the sender`,
        { node: verified.node },
      );
    }
    if (req.method === 'GET' && verified.bodyHash !== EMPTY_SM3) {
      throw new PlatformRejection(400, 'unexpected-body', `${req.method} requests carry no body`);
    }
    const push =
      pathname === '/v1/push' || pathname === '/v1/push/manifest' ? parsePushQuery(req.query) : undefined;
    if (pathname === '/v1/push' && push?.seq === undefined) {
      throw new PlatformRejection(
        400,
        'malformed-query',
        'push query: seq: a chunk needs its sequence number',
      );
    }
    const release = slots.take(verified.node);
    admitted.set(req, { verified, release, ...(push ? { push } : {}), files: [] });
    await serial(() => claimNonce(wh, verified.node, verified.nonce, node.platform.maxClockSkewSeconds));
  });

  const finish = (req: FastifyRequest) => {
    const a = admitted.get(req);
    if (!a) return;
    a.release();
    for (const f of a.files.splice(0)) rmSync(f, { force: true });
  };
  app.addHook('onResponse', async (req) => finish(req));
  app.addHook('onRequestAbort', async (req) => finish(req));

  // Every answer is signed: the request id (nonce), status and body hash.
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
      audit({
        status: rejection.status,
        code: rejection.code.replace(/^platform-/, ''),
        peer,
        method: req.method,
        path: req.url,
        message: rejection.message,
        dataset: admitted.get(req)?.push?.dataset,
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

  app.get('/v1/health', async (req) => {
    const base = { status: 'ok', node: node.id, level: node.level };
    if (!admitted.has(req)) return base;
    return serial(async () => ({
      ...base,
      name: node.name,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      chunksReceived: (await wh.value<number>(`SELECT count(*) FROM ${PUSH_CHUNKS_TABLE}`)) ?? 0,
      pushesPending:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'pending'`)) ?? 0,
      pushesDone:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'done'`)) ?? 0,
      deadLetters:
        (await wh.value<number>(`SELECT count(*) FROM ${PUSH_BATCHES_TABLE} WHERE status = 'dead'`)) ?? 0,
      ...options.health?.(),
    }));
  });

  app.post('/v1/push/manifest', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = admitted.get(req)!;
    const body = req.body as SpooledBody | undefined;
    const q = a.push!;
    if (!body || body.hash !== a.verified.bodyHash) {
      throw new PlatformRejection(
        400,
        'body-hash-mismatch',
        `node ${a.verified.node}: the body does not match its signed SM3 (${SIGNATURE_HEADERS.contentHash}); nothing was stored`,
        { node: a.verified.node },
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(body.file, 'utf8'));
    } catch {
      throw new PlatformRejection(400, 'malformed-manifest', 'the batch manifest is not JSON');
    }
    const result = await serial(async () =>
      storeManifest(wh, {
        self: node.id,
        sender: a.verified.node,
        origins: origins.get(a.verified.node) ?? new Set([a.verified.node]),
        policy: (await datasetPolicies(wh, options.project)).get(q.dataset),
        request: q,
        manifest: parsePushManifest(raw),
      }),
    );
    return reply.send({ manifest: true, batch: q.batch, chunks: q.chunks, duplicate: result.duplicate });
  });

  app.post('/v1/push', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = admitted.get(req)!;
    const body = req.body as SpooledBody | undefined;
    const q = { ...a.push!, seq: a.push!.seq! };
    if (!body || body.hash !== a.verified.bodyHash) {
      throw new PlatformRejection(
        400,
        'body-hash-mismatch',
        `node ${a.verified.node}: the body does not match its signed SM3 (${SIGNATURE_HEADERS.contentHash}); nothing was stored`,
        { node: a.verified.node },
      );
    }
    const result = await serial(async () =>
      storeChunk(wh, {
        self: node.id,
        sender: a.verified.node,
        origins: origins.get(a.verified.node) ?? new Set([a.verified.node]),
        policy: (await datasetPolicies(wh, options.project)).get(q.dataset),
        request: q,
        file: body.file,
        contentHash: body.hash,
        relay: relayDir,
      }),
    );
    logger.debug(
      { node: a.verified.node, dataset: q.dataset, batch: q.batch, seq: q.seq },
      `push ${q.dataset} ← ${a.verified.node} chunk ${q.seq + 1}/${q.chunks}: ${result.rows} rows${result.duplicate ? ' (duplicate, not stored again)' : ''}`,
    );
    if (result.complete) {
      logger.info(`push ${q.dataset} ← ${a.verified.node} batch ${q.batch} complete (${q.chunks} chunks)`);
      options.onBatchComplete?.({ sender: a.verified.node, dataset: q.dataset, batch: q.batch });
    }
    return reply.send({
      ack: true,
      batch: q.batch,
      seq: q.seq,
      rows: result.rows,
      duplicate: result.duplicate,
      complete: result.complete,
      outsideJurisdiction: result.outsideJurisdiction,
      anchor: result.anchor,
    });
  });

  app.get('/v1/backflow/:dataset', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = admitted.get(req)!;
    const { dataset } = req.params as { dataset: string };
    if (!DATASET_NAME.test(dataset)) {
      throw new PlatformRejection(
        404,
        'unknown-dataset',
        `no dataset ${JSON.stringify(dataset.slice(0, 40))}`,
      );
    }
    const query = req.query as { columns?: unknown; purpose?: unknown; grant?: unknown };
    const purpose = (typeof query.purpose === 'string' ? query.purpose : '').trim();
    const grant = (typeof query.grant === 'string' ? query.grant.trim().slice(0, 200) : '') || null;
    if (!purpose || purpose.length > 500) {
      throw new PlatformRejection(
        400,
        purpose ? 'purpose-too-long' : 'no-purpose',
        `backflow ${dataset}: state the purpose (use scenario) of the request in at most 500 characters, e.g. ?purpose=低保复核 (第十七条, 第二十一条)`,
      );
    }
    const columns = (typeof query.columns === 'string' ? query.columns : '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const served = await serial(async () =>
      serveBackflow(wh, {
        node,
        requester: a.verified.node,
        policy: (await datasetPolicies(wh, options.project)).get(dataset),
        dataset,
        columns,
        purpose,
        grant,
        dir: transferDir,
        authorize: options.authorizeBackflow,
      }),
    );
    a.files.push(served.file);
    logger.info(
      `backflow ${dataset} → ${a.verified.node}: ${served.rows} rows, columns ${served.columns.join(', ')}`,
    );
    return reply
      .header('content-type', PARQUET)
      .header(ANSWER_HEADERS.contentHash, served.contentHash)
      .send(createReadStream(served.file));
  });

  app.get('/v1/audit/anchors', async (req) => {
    const a = admitted.get(req)!;
    return { node: a.verified.node, anchors: await serial(() => anchorsOf(wh, a.verified.node)) };
  });

  options.extend?.(app, {
    serial,
    // Admitted in onRequest (signature over the declared body hash, nonce, clock, cap); the body as read
    // must be the one the signature covers.
    verify: async (req) => {
      const a = admitted.get(req);
      if (!a)
        throw new PlatformRejection(401, 'unsigned', `${req.method} ${req.url.split('?')[0]}: not signed`);
      if (a.bodyHash !== undefined && a.bodyHash !== a.verified.bodyHash) {
        throw new PlatformRejection(
          400,
          'body-hash-mismatch',
          `node ${a.verified.node}: the body does not match its signed SM3 (${SIGNATURE_HEADERS.contentHash}); nothing was stored`,
          { node: a.verified.node },
        );
      }
      return a.verified;
    },
  });
  return app;
}

/** Starts the service on the configured host and port; resolves to its base URL. */
export async function listen(app: FastifyInstance, node: NodeContext, port?: number): Promise<string> {
  return app.listen({ host: node.platform.listen.host, port: port ?? node.platform.listen.port });
}
