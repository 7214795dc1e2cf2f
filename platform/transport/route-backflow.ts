import { createReadStream, statSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serveBackflow } from '../backflow/answer.ts';
import { DATASET_NAME, datasetPolicies } from '../catalog-policy.ts';
import { PlatformRejection } from '../errors.ts';
import { ANSWER_HEADERS } from './answers.ts';
import { PARQUET } from './parquet-chunk.ts';
import { admittedOf, type ServerContext } from './server-context.ts';

/** `GET /v1/backflow/:dataset?columns=a,b&purpose=…&grant=…`: a Parquet answer, streamed from a file. */
export function addBackflowRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { node, wh, project, logger, authorizeBackflow } = ctx.options;
  app.get('/v1/backflow/:dataset', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = admittedOf(ctx, req);
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
    const served = await ctx.serial(async () =>
      serveBackflow(wh, {
        node,
        requester: a.verified.node,
        policy: (await datasetPolicies(wh, project)).get(dataset),
        dataset,
        columns,
        purpose,
        grant,
        dir: ctx.transferDir,
        authorize: authorizeBackflow,
      }),
    );
    a.files.push(served.file);
    logger.info(
      `backflow ${dataset} → ${a.verified.node}: ${served.rows} rows, columns ${served.columns.join(', ')}`,
    );
    return (
      reply
        .header('content-type', PARQUET)
        .header(ANSWER_HEADERS.contentHash, served.contentHash)
        // Its length, so the asking node can show how much of the answer has arrived.
        .header('content-length', String(statSync(served.file).size))
        .send(createReadStream(served.file))
    );
  });
}
