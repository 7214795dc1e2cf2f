/**
 * The open-data API on the node's service (第二十八条, GOVERNANCE B "read-only open API on serve, paged"):
 * - `GET /v1/open/resources?limit&offset`: the open catalog's live resources with their version and metadata;
 * - `GET /v1/open/resources/:code`: one of them (the code as is, URL-encoded, or in its folder form `1_02_001_0001`);
 * - `GET /v1/open/resources/:code/rows?limit&offset`: the rows of its live version, as exported (masked).
 * Open data is public: these answer unsigned requests (the server lists `/v1/open/` among its public reads).
 * An unsigned request sees only resources whose open type is unconditional (无条件开放); a signed request from a
 * known node also sees conditional ones (有条件开放: the node's signature stands for the API key the design
 * names), with only their unconditionally open items, as exported. Suspended, withdrawn and retired resources
 * are never listed. Pages: `limit` defaults to 20 (rows: 100) and may be at most 100 (rows: 1,000); `next` is the
 * offset of the next page, or null. Nothing here writes; reads go through the server's serial.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type NodeKeys, type NodeServerTools, PlatformRejection } from '../../platform/index.ts';
import { quoteLiteral } from '../../schemas/index.ts';
import type { GovernanceContext } from '../context.ts';
import { signAnswer } from '../http.ts';
import { openCatalog } from './open-catalog.ts';
import { resourceFolder } from './open-export.ts';
import { listResourceVersions, type ResourceVersion } from './resource-versions.ts';

/** The path prefix of the open API (the server's public reads). */
export const OPEN_API_PREFIX = '/v1/open/';
/** Page sizes of the open API: default and maximum, for resources and for rows. */
export const OPEN_API_PAGES = {
  resources: { default: 20, max: 100 },
  rows: { default: 100, max: 1000 },
} as const;

const READERS: Readonly<Record<string, (path: string) => string>> = {
  csv: (p) => `read_csv(${quoteLiteral(p)}, header = true, all_varchar = true)`,
  json: (p) => `read_json(${quoteLiteral(p)})`,
  parquet: (p) => `read_parquet(${quoteLiteral(p)})`,
};

/** `limit` and `offset` of a query, checked against the page maximum. */
function page(
  req: FastifyRequest,
  sizes: { default: number; max: number },
): { limit: number; offset: number } {
  const q = req.query as Record<string, string | undefined>;
  const int = (name: string, value: string | undefined, fallback: number, max: number) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > max) {
      throw new PlatformRejection(
        400,
        'bad-page',
        `${req.url.split('?')[0]}: ${name} must be a whole number from 0 to ${max}; got ${JSON.stringify(value.slice(0, 20))}`,
      );
    }
    return n;
  };
  const limit = int('limit', q.limit, sizes.default, sizes.max);
  return { limit: Math.max(1, limit), offset: int('offset', q.offset, 0, Number.MAX_SAFE_INTEGER) };
}

/** A live resource as listed. */
interface LiveResource {
  readonly code: string;
  readonly name: string;
  readonly provider: string;
  readonly openType: string;
  readonly version: number;
  readonly rows: number;
  readonly live: ResourceVersion;
}

/** The live resources a caller may see (signed callers also conditional ones), in code order. */
async function liveResources(ctx: GovernanceContext, signed: boolean): Promise<LiveResource[]> {
  const catalog = await openCatalog(ctx);
  const versions = await listResourceVersions(ctx.wh);
  return catalog
    .filter((r) => r.state === 'open' && r.liveVersion !== null)
    .filter((r) => signed || r.openType === 'unconditional')
    .flatMap((r) => {
      const live = versions.find((x) => x.code === r.code && x.status === 'live');
      return live
        ? [
            {
              code: r.code,
              name: r.name,
              provider: r.provider,
              openType: r.openType,
              version: live.version,
              rows: live.rows,
              live,
            },
          ]
        : [];
    });
}

function metadataOf(v: ResourceVersion): unknown {
  try {
    return JSON.parse(readFileSync(join(v.dir, 'metadata.json'), 'utf8'));
  } catch {
    return null; // the folder was moved or removed: the listing still names the version
  }
}

const listed = ({ live, ...r }: LiveResource) => ({ ...r, metadata: metadataOf(live) });

/** The routes, bound to a governance context and the node's keys (signed callers get signed answers). */
export function openDataRoutes(
  ctx: GovernanceContext,
  keys: NodeKeys | undefined,
): (app: FastifyInstance, tools: NodeServerTools) => void {
  return (app, tools) => {
    const answer = (reply: FastifyReply, nonce: string | null, value: unknown) => {
      const body = Buffer.from(JSON.stringify(value));
      if (nonce !== null && keys) reply.headers(signAnswer(keys, ctx.node.id, 200, nonce, body));
      return reply.status(200).header('content-type', 'application/json; charset=utf-8').send(body);
    };
    const find = async (req: FastifyRequest, signed: boolean): Promise<LiveResource> => {
      const wanted = (req.params as { code: string }).code;
      const all = await liveResources(ctx, signed);
      const r = all.find((x) => x.code === wanted || resourceFolder(x.code) === wanted);
      if (!r) {
        throw new PlatformRejection(
          404,
          'not-open',
          `${OPEN_API_PREFIX}resources/${wanted.slice(0, 40)}: no such open resource is live on node ${ctx.node.id} (GET ${OPEN_API_PREFIX}resources lists them)`,
        );
      }
      return r;
    };
    app.get(`${OPEN_API_PREFIX}resources`, async (req, reply) => {
      const sender = await tools.sender(req);
      const { limit, offset } = page(req, OPEN_API_PAGES.resources);
      const all = await tools.serial(() => liveResources(ctx, sender !== null));
      const resources = all.slice(offset, offset + limit).map(listed);
      const next = offset + limit < all.length ? offset + limit : null;
      return answer(reply, sender?.nonce ?? null, { total: all.length, limit, offset, next, resources });
    });
    app.get(`${OPEN_API_PREFIX}resources/:code`, async (req, reply) => {
      const sender = await tools.sender(req);
      const r = await tools.serial(() => find(req, sender !== null));
      return answer(reply, sender?.nonce ?? null, listed(r));
    });
    app.get(`${OPEN_API_PREFIX}resources/:code/rows`, async (req, reply) => {
      const sender = await tools.sender(req);
      const { limit, offset } = page(req, OPEN_API_PAGES.rows);
      const value = await tools.serial(async () => {
        const r = await find(req, sender !== null);
        const file = r.live.files[0];
        const path = file ? join(r.live.dir, file.name) : '';
        const reader = READERS[r.live.format];
        if (!file || !reader || !existsSync(path)) {
          throw new PlatformRejection(
            404,
            'files-missing',
            `${OPEN_API_PREFIX}resources/${r.code}/rows: the files of v${r.version} are not on node ${ctx.node.id} any more`,
          );
        }
        const rows = await ctx.wh.all(`SELECT * FROM ${reader(path)} LIMIT $1 OFFSET $2`, [limit, offset]);
        const next = offset + limit < r.rows ? offset + limit : null;
        return { code: r.code, version: r.version, total: r.rows, limit, offset, next, rows };
      });
      return answer(reply, sender?.nonce ?? null, value);
    });
  };
}
