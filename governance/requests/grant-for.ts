/**
 * `grantFor`: the one check every output makes before data leaves under a grant (backflow, share export):
 * a grant of this dataset to this node, not revoked, not expired, covering the columns asked for.
 */
import { shanghaiDate } from '../clock.ts';
import type { GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import { type Grant, getGrant, listGrants } from './grant-store.ts';

/** What an output asks for. */
export interface GrantQuery {
  /** The node the data goes to. */
  readonly node: string;
  readonly dataset: string;
  /** Columns wanted; empty: whatever the grant covers. */
  readonly columns?: readonly string[] | undefined;
  /** A specific grant; otherwise the newest valid grant covering the columns. */
  readonly grantId?: string | undefined;
  readonly at: Date;
}

function usable(g: Grant, today: string): 'ok' | 'revoked' | 'expired' {
  if (g.revokedAt) return 'revoked';
  if (g.validUntil < today) return 'expired';
  return 'ok';
}

function refuse(g: Grant, state: 'revoked' | 'expired'): GovernanceError {
  return state === 'revoked'
    ? new GovernanceError(
        'forbidden',
        'grant-revoked',
        `grant ${g.id} (${g.dataset} → node ${g.granteeNode}) was revoked: ${g.revokedReason ?? 'no reason recorded'}. Fix: submit a new request`,
        { grant: g.id },
      )
    : new GovernanceError(
        'forbidden',
        'grant-expired',
        `grant ${g.id} (${g.dataset} → node ${g.granteeNode}) expired after ${g.validUntil}; nothing was served. Fix: submit a new request (gongshu request submit)`,
        { grant: g.id },
      );
}

/** The grant that allows an output, or a 403-style GovernanceError saying why none does. */
export async function grantFor(ctx: Pick<GovernanceContext, 'wh' | 'node'>, q: GrantQuery): Promise<Grant> {
  const today = shanghaiDate(q.at);
  const wanted = [...new Set(q.columns ?? [])];
  const covers = (g: Grant) => wanted.every((c) => g.columns.includes(c));
  if (q.grantId) {
    const g = await getGrant(ctx.wh, q.grantId);
    if (!g || g.granteeNode !== q.node || g.dataset !== q.dataset) {
      throw new GovernanceError(
        'forbidden',
        'no-grant',
        `grant ${q.grantId}: node ${ctx.node.id} holds no such grant of ${q.dataset} to node ${q.node}. Fix: use a grant id from gongshu request list`,
        { grant: q.grantId },
      );
    }
    const state = usable(g, today);
    if (state !== 'ok') throw refuse(g, state);
    if (!covers(g)) {
      const extra = wanted.filter((c) => !g.columns.includes(c));
      throw new GovernanceError(
        'forbidden',
        'columns-not-granted',
        `grant ${g.id} covers ${g.columns.join(', ')} of ${g.dataset}, not ${extra.join(', ')}. Fix: ask only for granted columns, or submit a request for the others`,
        { grant: g.id, columns: extra },
      );
    }
    return g;
  }
  const all = await listGrants(ctx.wh, { node: q.node, dataset: q.dataset });
  const valid = all.filter((g) => usable(g, today) === 'ok');
  const fit = valid.find(covers);
  if (fit) return fit;
  if (valid.length) {
    const extra = wanted.filter((c) => !valid[0]!.columns.includes(c));
    throw new GovernanceError(
      'forbidden',
      'columns-not-granted',
      `${q.dataset}: the grants of node ${q.node} do not cover ${extra.join(', ')} (grant ${valid[0]!.id} covers ${valid[0]!.columns.join(', ')}). Fix: ask only for granted columns, or submit a request for the others`,
      { dataset: q.dataset, columns: extra },
    );
  }
  if (all[0]) throw refuse(all[0], usable(all[0], today) as 'revoked' | 'expired');
  throw new GovernanceError(
    'forbidden',
    'no-grant',
    `${q.dataset}: node ${q.node} holds no grant for it on node ${ctx.node.id}, so nothing is served (第二十一条: data returns under an approved request). Fix: submit a request (gongshu request submit --parent --dataset ${q.dataset} …) and wait for the grant`,
    { dataset: q.dataset, node: q.node },
  );
}
