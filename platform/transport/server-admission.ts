import { readFileSync, rmSync } from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PlatformRejection } from '../errors.ts';
import { parsePushQuery } from '../push/receive.ts';
import { spoolBody } from './body.ts';
import { claimNonce } from './nonces.ts';
import { EMPTY_SM3, PUBLIC_READER, type ServerContext } from './server-context.ts';
import { SIGNATURE_HEADERS, verifyRequest } from './signing.ts';
import { peerCommonName } from './tls.ts';

/**
 * Admits each request on its headers alone, before its body is read (onRequest): a known child, a fresh
 * timestamp, an unused nonce, a signature, a body under the limit, a free slot, a matching client certificate.
 * An unsigned health check, and an unsigned GET under one of `publicReads`, pass unadmitted (the public reads
 * together take at most `maxConcurrentPerChild` slots).
 */
export function addAdmission(app: FastifyInstance, ctx: ServerContext): void {
  const { node, wh } = ctx.options;
  app.addHook('onRequest', async (req) => {
    const pathname = req.url.split('?')[0] ?? '';
    const unsigned = !req.headers[SIGNATURE_HEADERS.signature];
    if (pathname === '/v1/health' && unsigned) return;
    // Public reads (open data): anyone may GET them unsigned; they carry no body and store nothing.
    const publicRead =
      (req.method === 'GET' || req.method === 'HEAD') &&
      (ctx.options.publicReads ?? []).some((prefix) => pathname.startsWith(prefix));
    if (publicRead && unsigned) {
      ctx.publicReads.set(req, ctx.slots.take(PUBLIC_READER));
      return;
    }
    const verified = verifyRequest({
      method: req.method,
      path: req.url,
      headers: req.headers,
      keyOf: (id) => ctx.children.get(id),
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
    const release = ctx.slots.take(verified.node);
    ctx.admitted.set(req, { verified, release, ...(push ? { push } : {}), files: [] });
    await ctx.serial(() => claimNonce(wh, verified.node, verified.nonce, node.platform.maxClockSkewSeconds));
  });
}

/** Streams an admitted request's body to disk while hashing it; an unadmitted body is refused unread. */
export function addBodySpool(app: FastifyInstance, ctx: ServerContext): void {
  const { node } = ctx.options;
  app.removeAllContentTypeParsers();
  // Only admitted requests reach the parser (the checks run in onRequest): the body streams to disk, hashed.
  app.addContentTypeParser('*', (req, payload, done) => {
    const a = ctx.admitted.get(req);
    if (!a) {
      done(new PlatformRejection(401, 'unsigned', 'a request with a body must be signed'), undefined);
      return;
    }
    spoolBody(payload, {
      dir: ctx.transferDir,
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
}

/** When a request is answered or aborted: frees its slot and deletes its files. */
export function addRelease(app: FastifyInstance, ctx: ServerContext): void {
  const finish = (req: FastifyRequest) => {
    ctx.publicReads.get(req)?.();
    const a = ctx.admitted.get(req);
    if (!a) return;
    a.release();
    for (const f of a.files.splice(0)) rmSync(f, { force: true });
  };
  app.addHook('onResponse', async (req) => finish(req));
  app.addHook('onRequestAbort', async (req) => finish(req));
}
