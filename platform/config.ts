import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { divisionPrefix, NODE_LEVELS } from '../schemas/index.ts';
import { PlatformConfigError } from './errors.ts';

const NODE_ID = z
  .string()
  .regex(/^\d{6}$/)
  .meta({ description: 'the six-digit GB/T 2260 division code of a node, e.g. 650100' });
const PUBLIC_KEY = z.string().min(40).meta({
  description: 'an ed25519 public key as printed by `gongshu keys show` ("ed25519:<base64>") or SPKI PEM',
});
const COLUMN = z.string().min(1);
const FILE = z.string().min(1);

/** How a node trusts its parent's TLS certificate, and the certificate it presents for mutual TLS. */
const PARENT_TLS = z
  .object({
    ca: FILE.optional().meta({
      description:
        "PEM file of the CA (or the parent's own self-signed certificate: pinning) the parent's certificate must chain to; defaults to the system CAs",
    }),
    cert: FILE.optional().meta({
      description: "this node's certificate, presented when the parent asks for one",
    }),
    key: FILE.optional().meta({ description: 'the private key of cert' }),
  })
  .strict();

/** TLS of `gongshu serve`. */
const SERVE_TLS = z
  .object({
    cert: FILE.meta({
      description: "PEM file of this node's certificate (gongshu keys init --tls makes one)",
    }),
    key: FILE.meta({ description: 'PEM file of its private key (mode 600)' }),
    ca: FILE.optional().meta({
      description:
        "PEM file of the CAs (or the children's pinned certificates) a child's certificate must chain to",
    }),
    requireClientCertificate: z.boolean().default(false).meta({
      description:
        "mutual TLS: refuse a connection without a child certificate that chains to ca; its subject CN must be the child's node id. Defaults to false",
    }),
  })
  .strict();

/** What a child of a given level may receive back (回流) from one dataset. */
export const entitlementSchema = z
  .object({
    levels: z.partialRecord(z.enum(NODE_LEVELS), z.array(COLUMN)).default({}).meta({
      description:
        'catalog columns each child level is entitled to, e.g. { county: ["id_number", "name", "division"] }; a level not listed gets the default (the key plus requested shareable fields)',
    }),
    divisionColumn: z.string().optional().meta({
      description:
        "deprecated: declare the catalog entry's jurisdiction instead. A column holding the six-digit division code the rows fall under, used when the catalog declares none",
    }),
  })
  .strict();

/**
 * The platform section of a project: where this node sits in the hierarchy (county → prefecture → region),
 * its parent, its children, and what each child may receive back.
 * @example platform: { listen: { port: 7461 }, tls: { cert: '.gongshu/keys/tls.crt', key: '.gongshu/keys/tls.key' },
 *   parent: { id: '650000', url: 'https://…', publicKey: 'ed25519:…', tls: { ca: 'peers/650000.crt' } },
 *   children: [{ id: '650102', publicKey: 'ed25519:…', descendants: [] }],
 *   entitlements: { hukou: { levels: { county: ['id_number'] } } } }
 */
export const platformSchema = z
  .object({
    listen: z
      .object({
        host: z.string().default('127.0.0.1').meta({ description: 'defaults to 127.0.0.1 (loopback)' }),
        port: z.number().int().min(0).max(65535).default(7460).meta({ description: 'defaults to 7460' }),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 7460 }),
    keysDir: z.string().default('.gongshu/keys').meta({
      description: "the node's key pair folder, relative to the project; defaults to .gongshu/keys",
    }),
    parent: z
      .object({
        id: NODE_ID,
        url: z.url().meta({ description: "the parent node's base URL, e.g. http://10.1.2.3:7460" }),
        publicKey: PUBLIC_KEY,
        tls: PARENT_TLS.optional().meta({
          description: 'how to trust the parent over https (and the certificate to present for mutual TLS)',
        }),
      })
      .strict()
      .optional()
      .meta({ description: 'the platform this node reports to; absent at the top (region) node' }),
    children: z
      .array(
        z
          .object({
            id: NODE_ID,
            name: z.string().optional(),
            level: z.enum(NODE_LEVELS).optional().meta({ description: 'defaults to the level of the id' }),
            publicKey: PUBLIC_KEY,
            descendants: z.array(NODE_ID).default([]).meta({
              description:
                "the nodes below this child whose rows it forwards (e.g. a prefecture's counties); a pushed row's _origin_node must be the child or one of these. Defaults to none",
            }),
          })
          .strict()
          .superRefine((c, ctx) => {
            const prefix = divisionPrefix(c.id);
            for (const [i, d] of c.descendants.entries()) {
              if (d === c.id || !d.startsWith(prefix)) {
                ctx.addIssue({
                  code: 'custom',
                  path: ['descendants', i],
                  message: `${d} is not a division below ${c.id} (codes below it start with ${prefix} and differ from it)`,
                });
              }
            }
          }),
      )
      .default([])
      .meta({ description: 'the nodes that report to this one, with their public keys' }),
    entitlements: z
      .record(z.string(), entitlementSchema)
      .default({})
      .meta({ description: 'per dataset: which columns each child level may receive back (回流)' }),
    push: z
      .object({
        datasets: z
          .array(z.string())
          .optional()
          .meta({ description: 'datasets to push; defaults to every dataset catalogued as reportable' }),
        chunkBytes: z
          .number()
          .int()
          .min(1024)
          .default(48 * 1024 * 1024)
          .meta({
            description:
              "target size of one chunk (estimated from the row text; keep it below the parent's maxBodyBytes; a chunk holding more than a DuckDB row group of 122,880 rows is cut at whole row groups); defaults to 48 MiB",
          }),
        attempts: z
          .number()
          .int()
          .min(1)
          .default(8)
          .meta({ description: 'tries per chunk before the push fails (resumable); defaults to 8' }),
        backoffMs: z
          .number()
          .int()
          .min(1)
          .default(200)
          .meta({ description: 'first retry delay, doubled each try up to 10 s; defaults to 200 ms' }),
        timeoutMs: z.number().int().min(100).default(120_000).meta({ description: 'defaults to 120 s' }),
        forward: z.boolean().default(true).meta({
          description:
            '`gongshu serve` pushes upward on start and after each complete batch from a child; defaults to true',
        }),
        deadAfter: z.number().int().min(1).default(5).meta({
          description:
            'a batch the parent keeps failing with a (signed) 5xx answer goes to the dead letters after this many pushes; defaults to 5',
        }),
        forwardRetryMaxMs: z.number().int().min(1000).default(300_000).meta({
          description:
            '`gongshu serve` retries a failed upward push after 5 s, doubling up to this; defaults to 300 s',
        }),
      })
      .strict()
      .default({
        chunkBytes: 48 * 1024 * 1024,
        attempts: 8,
        backoffMs: 200,
        timeoutMs: 120_000,
        forward: true,
        deadAfter: 5,
        forwardRetryMaxMs: 300_000,
      }),
    tls: SERVE_TLS.optional().meta({
      description: '`gongshu serve` over https; absent: plain http (answers are signed either way)',
    }),
    maxConcurrentPerChild: z.number().int().min(1).default(2).meta({
      description: 'requests a child may have in flight at once; more are refused with 429. Defaults to 2',
    }),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024)
      .meta({ description: 'largest request body the node accepts; defaults to 64 MiB' }),
    maxClockSkewSeconds: z.number().int().min(1).default(300).meta({
      description: 'requests signed longer ago (or later) than this are refused; defaults to 300 s',
    }),
  })
  .strict();

/** The platform section as written in the project. */
export type PlatformSpec = z.input<typeof platformSchema>;
/** The parsed platform section. */
export type PlatformConfig = z.output<typeof platformSchema>;

/** A node of the hierarchy: its identity and parsed platform settings, with paths resolved. */
export interface NodeContext {
  readonly id: string;
  readonly level: (typeof NODE_LEVELS)[number];
  readonly name: string;
  readonly dir: string;
  readonly keysDir: string;
  readonly platform: PlatformConfig;
}

/** The project shape the platform reads (the `platform` field is optional until `defineProject` declares it). */
export interface PlatformProject {
  readonly name: string;
  readonly node: { readonly id: string; readonly level: (typeof NODE_LEVELS)[number]; readonly name: string };
  readonly platform?: unknown;
}

/** Parses a project's `platform` section (absent → defaults) and resolves its paths (keys, TLS files) against `dir`. */
export function nodeContext(project: PlatformProject, dir: string): NodeContext {
  const parsed = platformSchema.safeParse(project.platform ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `platform.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PlatformConfigError(
      `project ${project.name}: ${issues}. Fix: see platformSchema in platform/config.ts (e.g. platform: { parent: { id, url, publicKey } })`,
      { field: 'platform' },
    );
  }
  const data = parsed.data;
  const at = (f: string) => (isAbsolute(f) ? f : join(dir, f));
  const files = <T extends Record<string, unknown>>(o: T, keys: readonly string[]): T =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [k, keys.includes(k) && typeof v === 'string' ? at(v) : v]),
    ) as T;
  const platform: PlatformConfig = {
    ...data,
    ...(data.tls ? { tls: files(data.tls, ['cert', 'key', 'ca']) } : {}),
    ...(data.parent
      ? {
          parent: {
            ...data.parent,
            ...(data.parent.tls ? { tls: files(data.parent.tls, ['cert', 'key', 'ca']) } : {}),
          },
        }
      : {}),
  };
  return {
    id: project.node.id,
    level: project.node.level,
    name: project.node.name,
    dir,
    keysDir: at(platform.keysDir),
    platform,
  };
}
