/**
 * Backflow (回流) under grants: the authorizer the node service gives the platform's backflow handler. It finds
 * the requester's valid grant of the dataset (`grantFor`), limits the answer to its columns and division scope,
 * applies the `backflow` output policy (masking and generalising in SQL, pseudonymising in JS), enforces the
 * grade gates, and logs the fulfilment as a usage entry whose audit entry carries the policy hash and key id.
 */
import type { BackflowAuthorizer } from '../../platform/index.ts';
import type { GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import { toRejection } from '../http.ts';
import { grantFor } from '../requests/grant-for.ts';
import { markFulfilled, publishedEntryOf } from '../requests/workflow.ts';
import { recordUsage } from '../usage/usage-log.ts';
import { columnExpression, pseudonymizers } from './apply-policy.ts';
import { outputPolicy } from './policy.ts';
import { pseudonymKey } from './pseudonym-keys.ts';

/** The operator recorded for what the node service does on its own. */
export const SERVICE_OPERATOR = 'gongshu-serve';

/** An authorizer that serves backflow only under grants. `now` defaults to the clock. */
export function backflowAuthorizer(
  ctx: GovernanceContext,
  options: { now?: () => Date } = {},
): BackflowAuthorizer {
  const now = options.now ?? (() => new Date());
  return async (ask) => {
    try {
      const at = now();
      const grant = await grantFor(ctx, {
        node: ask.requester,
        dataset: ask.dataset,
        columns: ask.columns,
        grantId: ask.grant ?? undefined,
        at,
      });
      const published = await publishedEntryOf(ctx, ask.dataset);
      if (published.entry.securityGrade === 'core' && !grant.coreApproved) {
        throw new GovernanceError(
          'forbidden',
          'core-needs-explicit-grant',
          `${ask.dataset} is core data (核心数据); grant ${grant.id} does not approve core data explicitly`,
        );
      }
      const policy = outputPolicy(published.entry, grant.columns, 'backflow');
      const key = policy.columns.some((c) => c.action === 'pseudonymize')
        ? pseudonymKey(ctx.config, 'backflow')
        : undefined;
      const columnSql: Record<string, (column: string) => string> = {};
      for (const c of policy.columns) {
        if (c.action === 'mask' || c.action === 'generalize')
          columnSql[c.column] = (col) => columnExpression(c, col);
      }
      const details = {
        grant: grant.id,
        request: grant.requestId,
        policyHash: policy.hash,
        keyId: key?.id ?? null,
      };
      return {
        columns: grant.columns,
        drop: policy.columns.filter((c) => c.action === 'drop').map((c) => c.column),
        divisionPrefix: grant.divisionScope,
        columnSql,
        columnJs: pseudonymizers(policy, key),
        details,
        served: async (result) => {
          await ctx.wh.transaction(async () => {
            await recordUsage(ctx, {
              kind: 'backflow-served',
              dataset: ask.dataset,
              actor: { operator: SERVICE_OPERATOR },
              department: grant.granteeDepartment,
              grantId: grant.id,
              requestId: grant.requestId,
              scenario: ask.purpose,
              intendedUse: grant.purpose,
              storage: `node ${ask.requester}: backflow.${ask.dataset}`,
              encryption: 'signed transfer (ed25519, SM3 content hash)',
              rows: result.rows,
              contentHash: result.contentHash,
              peer: ask.requester,
              details: {
                columns: result.columns,
                audience: 'backflow',
                provider: published.entry.provider.name,
              },
              auditDetails: { policyHash: policy.hash, keyId: key?.id ?? null },
              at,
            });
            await markFulfilled(ctx, grant.requestId, at);
          });
        },
      };
    } catch (error) {
      throw toRejection(error);
    }
  };
}
