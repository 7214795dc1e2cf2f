import type { KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { createRefusalAudit } from '../audit/refusals.ts';
import { PlatformRejection } from '../errors.ts';
import type { PushQuery } from '../push/receive.ts';
import { KEY_FILES, loadKeys, type NodeKeys, parsePublicKey } from './node-keys.ts';
import { createSerial, type Serial } from './serial.ts';
import type { NodeServerOptions } from './server-options.ts';
import { SIGNATURE_HEADERS, sm3, type VerifiedRequest } from './signing.ts';
import { createSlots, type Slots } from './slots.ts';

/** What the request checks (before the body is read) left for the handler. */
export interface Admitted {
  readonly verified: VerifiedRequest;
  readonly release: () => void;
  readonly push?: PushQuery;
  /** Files to delete when the answer is sent (the spooled body, a backflow answer). */
  readonly files: string[];
  /** The SM3 of the body as read (it must be the declared one). */
  bodyHash?: string;
}

/** The SM3 of an empty body. */
export const EMPTY_SM3 = sm3(Buffer.alloc(0));

/** What the node server's hooks and routes share: the options, the children's keys, the slots, the folders. */
export interface ServerContext {
  readonly options: NodeServerOptions;
  readonly serial: Serial;
  /** Signs every answer; absent on a standalone node without a key pair. */
  readonly keys: NodeKeys | undefined;
  /** Each child's public key, by node id. */
  readonly children: ReadonlyMap<string, KeyObject>;
  /** The nodes each child may carry rows of: itself and its descendants. */
  readonly origins: ReadonlyMap<string, Set<string>>;
  readonly slots: Slots;
  readonly admitted: WeakMap<FastifyRequest, Admitted>;
  /** The slot of each unsigned public read in flight (all of them share the slots of `PUBLIC_READER`). */
  readonly publicReads: WeakMap<FastifyRequest, () => void>;
  /** Where bodies are spooled and answers written. */
  readonly transferDir: string;
  /** Where a forwarding node keeps the chunk files it stores. */
  readonly relayDir: string | undefined;
  /** Records a refusal in the audit chain. */
  readonly audit: ReturnType<typeof createRefusalAudit>;
  /** When the server was created (ms since the epoch). */
  readonly started: number;
}

/** Resolves the server's shared state from its options; clears the transfer folder left by the last run. */
export function createServerContext(options: NodeServerOptions): ServerContext {
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
  return {
    options,
    serial,
    keys,
    children,
    origins,
    slots,
    admitted,
    publicReads: new WeakMap(),
    transferDir,
    relayDir,
    audit,
    started,
  };
}

/** Whose slots unsigned public reads take: together at most `maxConcurrentPerChild` in flight. */
export const PUBLIC_READER = '(public)';

/** The admission of a request that reached a signed route (the onRequest hook admitted it). */
export function admittedOf(ctx: ServerContext, req: FastifyRequest): Admitted {
  return ctx.admitted.get(req)!;
}

/** Refuses a body whose SM3 as read is not the one the signature covers. */
export function bodyHashMismatch(node: string): PlatformRejection {
  return new PlatformRejection(
    400,
    'body-hash-mismatch',
    `node ${node}: the body does not match its signed SM3 (${SIGNATURE_HEADERS.contentHash}); nothing was stored`,
    { node },
  );
}
