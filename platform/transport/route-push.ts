import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { datasetPolicies } from '../catalog-policy.ts';
import { PlatformRejection } from '../errors.ts';
import { parsePushManifest, storeChunk, storeManifest } from '../push/receive.ts';
import type { SpooledBody } from './body.ts';
import { admittedOf, bodyHashMismatch, type ServerContext } from './server-context.ts';

/** `POST /v1/push/manifest?dataset&batch&chunks`: a batch's live set and purpose (JSON), sent before its chunks. */
export function addPushManifestRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { node, wh, project } = ctx.options;
  app.post('/v1/push/manifest', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = admittedOf(ctx, req);
    const body = req.body as SpooledBody | undefined;
    const q = a.push!;
    if (!body || body.hash !== a.verified.bodyHash) throw bodyHashMismatch(a.verified.node);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(body.file, 'utf8'));
    } catch {
      throw new PlatformRejection(400, 'malformed-manifest', 'the batch manifest is not JSON');
    }
    const result = await ctx.serial(async () =>
      storeManifest(wh, {
        self: node.id,
        sender: a.verified.node,
        origins: ctx.origins.get(a.verified.node) ?? new Set([a.verified.node]),
        policy: (await datasetPolicies(wh, project)).get(q.dataset),
        request: q,
        manifest: parsePushManifest(raw),
      }),
    );
    return reply.send({ manifest: true, batch: q.batch, chunks: q.chunks, duplicate: result.duplicate });
  });
}

/** `POST /v1/push?dataset&batch&seq&chunks&head`: a signed Parquet chunk from a child, stored and acknowledged. */
export function addPushChunkRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { node, wh, project, logger } = ctx.options;
  app.post('/v1/push', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = admittedOf(ctx, req);
    const body = req.body as SpooledBody | undefined;
    const q = { ...a.push!, seq: a.push!.seq! };
    if (!body || body.hash !== a.verified.bodyHash) throw bodyHashMismatch(a.verified.node);
    const result = await ctx.serial(async () =>
      storeChunk(wh, {
        self: node.id,
        sender: a.verified.node,
        origins: ctx.origins.get(a.verified.node) ?? new Set([a.verified.node]),
        policy: (await datasetPolicies(wh, project)).get(q.dataset),
        request: q,
        file: body.file,
        contentHash: body.hash,
        relay: ctx.relayDir,
      }),
    );
    logger.debug(
      { node: a.verified.node, dataset: q.dataset, batch: q.batch, seq: q.seq },
      `push ${q.dataset} ← ${a.verified.node} chunk ${q.seq + 1}/${q.chunks}: ${result.rows} rows${result.duplicate ? ' (duplicate, not stored again)' : ''}`,
    );
    if (result.complete) {
      logger.info(`push ${q.dataset} ← ${a.verified.node} batch ${q.batch} complete (${q.chunks} chunks)`);
      ctx.options.onBatchComplete?.({ sender: a.verified.node, dataset: q.dataset, batch: q.batch });
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
}
