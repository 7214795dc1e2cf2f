/**
 * What the sharing side of governance adds to the node's HTTP server (issue #17): backflow answered from the
 * node's grants (their columns, division scope and the backflow masking policy; `sharing.backflow:
 * 'entitlements'` keeps the static `platform.entitlements` for closed test hierarchies), and the signed request
 * routes a child submits its sharing requests to (`POST /v1/requests`, `GET /v1/requests/:id`), and those of
 * objections (`POST /v1/objections`), and the public, paged open-data reads (`GET /v1/open/resources…`). Their
 * warehouse work goes through the server's serial, i.e. the service's job queue.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import {
  backflowAuthorizer,
  type GovernanceContext,
  governanceConfig,
  OPEN_API_PREFIX,
  objectionRoutes,
  openDataRoutes,
  requestRoutes,
} from '../../governance/index.ts';
import type { BackflowAuthorizer, NodeContext, NodeKeys, NodeServerTools } from '../../platform/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { LoadedProject } from '../load.ts';

/** The sharing hooks of the node server: the backflow authorizer (grants) and the request routes. */
export interface SharingHttp {
  /** Undefined with `sharing.backflow: 'entitlements'`. */
  readonly authorizeBackflow: BackflowAuthorizer | undefined;
  readonly routes: (app: FastifyInstance, tools: NodeServerTools) => void;
  /** Path prefixes anyone may read unsigned: the open-data API. */
  readonly publicReads: readonly string[];
}

/** The sharing hooks for the node `node` of `loaded`, on the service's warehouse; warns when grants are off. */
export function sharingHttp(options: {
  loaded: LoadedProject;
  node: NodeContext;
  wh: Warehouse;
  keys: NodeKeys | undefined;
  logger: Logger;
}): SharingHttp {
  const { loaded, node, wh, keys, logger } = options;
  const config = governanceConfig(loaded.project, loaded.dir);
  const ctx: GovernanceContext = { wh, node, project: loaded.project, config };
  if (config.sharing.backflow === 'entitlements') {
    logger.warn(
      'serve: sharing.backflow is "entitlements": backflow is served without grants or masking (platform.entitlements only)',
    );
  }
  return {
    authorizeBackflow: config.sharing.backflow === 'grants' ? backflowAuthorizer(ctx) : undefined,
    // Answers are signed with the node key; a standalone node without one refuses them (503, no-keys).
    routes: (app, tools) => {
      requestRoutes(ctx, keys, logger)(app, tools);
      // Objections (#18): POST /v1/objections, signed.
      objectionRoutes(ctx, keys, logger)(app, tools);
      // Open data (#18): GET /v1/open/resources[/:code[/rows]], public and paged.
      openDataRoutes(ctx, keys)(app, tools);
    },
    publicReads: [OPEN_API_PREFIX],
  };
}
