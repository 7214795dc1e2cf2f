import { divisionPrefix, levelOfCode } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { appendAudit } from '../audit/chain.ts';
import { type DatasetPolicy, jurisdictionOf } from '../catalog-policy.ts';
import type { NodeContext } from '../config.ts';
import { PlatformRejection } from '../errors.ts';
import { fileSm3 } from '../transport/client.ts';
import { answerColumns, servableCatalog } from './answer-columns.ts';
import { backflowFile, writeBackflowFile } from './answer-file.ts';
import { backflowSources } from './answer-sources.ts';
import type { BackflowAuthorizer, BackflowHeader, ServedBackflow } from './answer-types.ts';

export type {
  BackflowAsk,
  BackflowAuthorization,
  BackflowAuthorizer,
  BackflowHeader,
  ServedBackflow,
} from './answer-types.ts';

/**
 * Serves 回流 (第二十一条): rows of `dataset` under the requesting child's division by the dataset's declared
 * jurisdiction (from this node's own table and what it received from other children, excluding rows that came
 * from the requester itself), with only the requested columns the child's level is entitled to (configured per
 * dataset, default: the key plus the shareable catalog fields), written by DuckDB as a Parquet file in `dir`.
 * Columns not entitled are refused with 403, not silently dropped; a dataset without a declared jurisdiction
 * is refused with 409 (the key's digits say where an ID was issued, not where a person lives).
 */
export async function serveBackflow(
  wh: Warehouse,
  options: {
    node: NodeContext;
    requester: string;
    policy: DatasetPolicy | undefined;
    dataset: string;
    columns: readonly string[];
    purpose: string;
    dir: string;
    /** The grant the requester names, passed to `authorize`. */
    grant?: string | null;
    /** Grants decide what is served (columns, scope, masking); without it, `platform.entitlements` do. */
    authorize?: BackflowAuthorizer | undefined;
  },
): Promise<ServedBackflow> {
  const { node, requester, dataset } = options;
  const policy = servableCatalog(node, dataset, options.policy, options.authorize !== undefined);
  const child = node.platform.children.find((c) => c.id === requester);
  const level = child?.level ?? levelOfCode(requester);
  const entitlement = node.platform.entitlements[dataset];
  const auth = options.authorize
    ? await options.authorize({
        requester,
        level,
        dataset,
        columns: options.columns,
        purpose: options.purpose,
        grant: options.grant ?? null,
        policy,
      })
    : undefined;
  const columns = answerColumns({ node, dataset, level, policy, auth, requested: options.columns });
  const rule = jurisdictionOf(policy, entitlement?.divisionColumn);
  if (!rule) {
    throw new PlatformRejection(
      409,
      'no-jurisdiction',
      `dataset ${dataset}: node ${node.id}'s catalog declares no jurisdiction, so its rows cannot be limited to node ${requester}'s division. Fix: declare jurisdiction: { column: "<division code item>" } in the catalog entry (or { fromKey: true } where the key's digits are what the data means)`,
      { dataset },
    );
  }
  const ownPrefix = divisionPrefix(requester);
  // A grant may narrow the rows to a division inside the requester's own (never widen them).
  const prefix = auth?.divisionPrefix?.startsWith(ownPrefix) ? auth.divisionPrefix : ownPrefix;
  const sources = await backflowSources(wh, { node, requester, dataset, rule, prefix, columns });
  const header: BackflowHeader = {
    v: 2,
    dataset,
    from: node.id,
    to: requester,
    prefix,
    columns,
    purpose: options.purpose,
  };
  const file = backflowFile(options.dir);
  const rows = await writeBackflowFile(wh, { sources, columns, auth, file, header });
  const contentHash = await fileSm3(file);
  await appendAudit(wh, node.id, {
    action: 'backflow-served',
    peer: requester,
    dataset,
    columns,
    rows,
    contentHash,
    purpose: options.purpose,
    details: { prefix, level, jurisdiction: rule.declared, ...auth?.details },
  });
  await auth?.served?.({ rows, columns, contentHash });
  return { file, rows, columns, contentHash };
}
