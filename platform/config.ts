import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { NODE_LEVELS } from '../schemas/index.ts';
import { PlatformConfigError } from './errors.ts';

const NODE_ID = z
  .string()
  .regex(/^\d{6}$/)
  .meta({ description: 'the six-digit GB/T 2260 division code of a node, e.g. 650100' });
const PUBLIC_KEY = z.string().min(40).meta({
  description: 'an ed25519 public key as printed by `gongshu keys show` ("ed25519:<base64>") or SPKI PEM',
});
const COLUMN = z.string().min(1);

/** What a child of a given level may receive back (回流) from one dataset. */
export const entitlementSchema = z
  .object({
    levels: z.partialRecord(z.enum(NODE_LEVELS), z.array(COLUMN)).default({}).meta({
      description:
        'catalog columns each child level is entitled to, e.g. { county: ["id_number", "name", "division"] }; a level not listed gets the default (the key plus requested shareable fields)',
    }),
    divisionColumn: z.string().optional().meta({
      description:
        'column holding the six-digit division code the rows fall under; defaults to the key (citizen ID: characters 1-6; USCC: characters 3-8)',
    }),
  })
  .strict();

/**
 * The platform section of a project: where this node sits in the hierarchy (county → prefecture → region),
 * its parent, its children, and what each child may receive back.
 * @example platform: { listen: { port: 7461 }, parent: { id: '650000', url: 'https://…', publicKey: 'ed25519:…' },
 *   children: [{ id: '650102', publicKey: 'ed25519:…' }], entitlements: { hukou: { levels: { county: ['id_number'] } } } }
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
          })
          .strict(),
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
      })
      .strict()
      .default({
        chunkBytes: 48 * 1024 * 1024,
        attempts: 8,
        backoffMs: 200,
        timeoutMs: 120_000,
        forward: true,
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

/** Parses a project's `platform` section (absent → defaults) and resolves its paths against `dir`. */
export function nodeContext(project: PlatformProject, dir: string): NodeContext {
  const parsed = platformSchema.safeParse(project.platform ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `platform.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PlatformConfigError(
      `project ${project.name}: ${issues}. Fix: see platformSchema in platform/config.ts (e.g. platform: { parent: { id, url, publicKey } })`,
      { field: 'platform' },
    );
  }
  const platform = parsed.data;
  return {
    id: project.node.id,
    level: project.node.level,
    name: project.node.name,
    dir,
    keysDir: isAbsolute(platform.keysDir) ? platform.keysDir : join(dir, platform.keysDir),
    platform,
  };
}
