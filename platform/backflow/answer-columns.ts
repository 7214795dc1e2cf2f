import type { NodeLevel } from '../../schemas/index.ts';
import { type DatasetPolicy, shareableColumns } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformRejection } from '../errors.ts';
import type { BackflowAuthorization } from './answer-types.ts';

/** Refuses a dataset not in this node's catalog (404), or catalogued as not shared when no grants decide (403). */
export function servableCatalog(
  node: NodeContext,
  dataset: string,
  policy: DatasetPolicy | undefined,
  authorized: boolean,
): DatasetPolicy {
  if (!policy?.catalog) {
    throw new PlatformRejection(
      404,
      'unknown-dataset',
      `dataset ${dataset}: not in the catalog of node ${node.id}`,
      { dataset },
    );
  }
  if (policy.catalog.shareType === 'none' && !authorized) {
    throw new PlatformRejection(
      403,
      'not-shared',
      `dataset ${dataset}: catalogued as not shared (不予共享); nothing is returned`,
      { dataset },
    );
  }
  return policy;
}

/**
 * The columns a backflow answer holds: the requested ones (all entitled ones when none is named), each entitled
 * by the grant or the requester's level (else 403), the key first when entitlements decide, minus dropped ones.
 */
export function answerColumns(options: {
  readonly node: NodeContext;
  readonly dataset: string;
  readonly level: NodeLevel;
  readonly policy: DatasetPolicy;
  readonly auth: BackflowAuthorization | undefined;
  readonly requested: readonly string[];
}): string[] {
  const { node, dataset, level, policy, auth } = options;
  const entitlement = node.platform.entitlements[dataset];
  const entitled = new Set(auth?.columns ?? entitlement?.levels[level] ?? shareableColumns(policy.catalog!));
  if (policy.keyColumn && !auth) entitled.add(policy.keyColumn);
  const requested = options.requested.length > 0 ? [...new Set(options.requested)] : [...entitled];
  const refused = requested.filter((c) => !entitled.has(c));
  if (refused.length > 0) {
    throw new PlatformRejection(
      403,
      auth ? 'columns-not-granted' : 'not-entitled',
      `dataset ${dataset}: ${auth ? 'the grant does not cover' : `a ${level} node may not receive`} columns ${refused
        .slice(0, 10)
        .map((c) => JSON.stringify(c.slice(0, 40)))
        .join(', ')} (${auth ? 'granted' : 'entitled'}: ${[...entitled].join(', ')}). Fix: ${
        auth
          ? 'request only granted columns, or submit a request for the others'
          : `request only entitled columns, or have node ${node.id} extend platform.entitlements.${dataset}.levels.${level}`
      }`,
      { dataset },
    );
  }
  const dropped = new Set(auth?.drop ?? []);
  return (
    policy.keyColumn && !auth && !requested.includes(policy.keyColumn)
      ? [policy.keyColumn, ...requested]
      : requested
  ).filter((c) => !dropped.has(c));
}
