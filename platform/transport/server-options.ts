import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Warehouse } from '../../warehouse/index.ts';
import type { BackflowAuthorizer } from '../backflow/answer.ts';
import type { CatalogProject } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import type { NodeKeys } from './node-keys.ts';
import type { Serial } from './serial.ts';
import type { VerifiedRequest } from './signing.ts';

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
  /**
   * Path prefixes (e.g. `/v1/open/`) whose GET requests anyone may make without a signature: public reads such
   * as open data (第二十八条). A signed request to them is still checked; every other route stays signed-only.
   */
  readonly publicReads?: readonly string[];
}

/** What `extend` gets: the signature check (known child, fresh timestamp and nonce) and the warehouse serial. */
export interface NodeServerTools {
  readonly verify: (req: FastifyRequest) => Promise<VerifiedRequest>;
  /** The verified sender of a signed request, or null for an unsigned one (a public read). */
  readonly sender: (req: FastifyRequest) => Promise<VerifiedRequest | null>;
  readonly serial: Serial;
}
