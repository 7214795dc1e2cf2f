/**
 * Share export (第二十二条: 以文件方式共享): a granted request fulfilled as a file — the grant's columns, limited to
 * its division scope, through the output policy of its audience (share, or open for a public audience) — written
 * as `DIR/<request>/data.<csv|json|parquet>` with `metadata.json`, into a temporary folder renamed into place
 * when complete. Each export is a usage entry (grant, scenario, storage, rows, SM3 of the file) whose audit entry
 * carries the policy hash and the pseudonymisation key id.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { datasetPolicies, jurisdictionOf } from '../../platform/index.ts';
import {
  quoteIdent,
  quoteLiteral,
  SECURITY_GRADE_LABELS,
  type Sql,
  sql,
  trustedSql,
} from '../../schemas/index.ts';
import type { CatalogVersion } from '../catalog-lifecycle/versions.ts';
import { shanghaiTime } from '../clock.ts';
import type { Actor, GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import { grantFor } from '../requests/grant-for.ts';
import type { Grant } from '../requests/grant-store.ts';
import { getShareRequest, type ShareRequest } from '../requests/request-store.ts';
import { markFulfilled, publishedEntryOf } from '../requests/workflow.ts';
import { recordUsage } from '../usage/usage-log.ts';
import { materializeOutput } from './apply-policy.ts';
import { audienceOfGrant, type OutputPolicy, outputPolicy } from './policy.ts';
import { type PseudonymKey, pseudonymKey } from './pseudonym-keys.ts';

/** File formats of a share export. */
export const SHARE_FORMATS = ['csv', 'json', 'parquet'] as const;
/** A share export format. */
export type ShareFormat = (typeof SHARE_FORMATS)[number];

/** What an export wrote. */
export interface ShareExportResult {
  readonly request: string;
  readonly grant: string;
  readonly dataset: string;
  readonly dir: string;
  readonly file: string;
  readonly format: ShareFormat;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly sm3: string;
  readonly policyHash: string;
  readonly keyId: string | null;
  readonly usageId: string;
}

/** The SM3 of a file, streamed. */
export async function fileSm3(path: string): Promise<string> {
  const h = createHash('sm3');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The COPY options writing each export format. */
export const COPY_OPTIONS: Readonly<Record<ShareFormat, string>> = {
  csv: '(FORMAT csv, HEADER true)',
  json: '(FORMAT json, ARRAY true)',
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
};

/** The rows of a dataset held on this node, limited to a division scope. */
export async function scopedSource(
  ctx: GovernanceContext,
  dataset: string,
  scope: string | null,
): Promise<{ from: Sql; where: Sql | undefined; params: Record<string, unknown> }> {
  const exists = await ctx.wh.value<number>(
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1`,
    [dataset],
  );
  if (!exists) {
    throw new GovernanceError(
      'not-found',
      'no-data',
      `dataset ${dataset}: node ${ctx.node.id} holds no table for it (load it first: gongshu run)`,
      { dataset },
    );
  }
  const from = sql`main.${quoteIdent(dataset)}`;
  if (!scope) return { from, where: undefined, params: {} };
  const policy = (await datasetPolicies(ctx.wh, ctx.project)).get(dataset);
  // The rows' jurisdiction as the catalog declares it (the key's digits only where it says fromKey).
  const division = policy
    ? jurisdictionOf(policy, ctx.node.platform.entitlements[dataset]?.divisionColumn)?.sql
    : undefined;
  if (!division) {
    throw new GovernanceError(
      'state',
      'no-division',
      `dataset ${dataset}: its catalog entry declares no jurisdiction, so rows cannot be limited to division ${scope}. Fix: declare jurisdiction: { column: "<division code item>" } (or { fromKey: true }) in the catalog entry`,
    );
  }
  return { from, where: trustedSql(`starts_with(${division}, $scope)`), params: { scope } };
}

/** The granted request `id` (refused when unknown or not granted). */
async function grantedRequest(
  ctx: GovernanceContext,
  id: string,
): Promise<ShareRequest & { grantId: string }> {
  const request = await getShareRequest(ctx.wh, id);
  if (!request) {
    throw new GovernanceError(
      'not-found',
      'unknown-request',
      `request ${id}: not found on node ${ctx.node.id}. Fix: gongshu request list`,
    );
  }
  if (!request.grantId || (request.status !== 'granted' && request.status !== 'fulfilled')) {
    throw new GovernanceError(
      'state',
      'not-granted',
      `request ${request.id}: it is ${request.status}; only a granted request can be exported. Nothing was written`,
      { request: request.id },
    );
  }
  return request as ShareRequest & { grantId: string };
}

/** What a share export's `metadata.json` says: request, grant, catalog version, audience, columns and terms. */
function shareMetadata(m: {
  request: ShareRequest;
  grant: Grant;
  published: CatalogVersion;
  policy: OutputPolicy;
  key: PseudonymKey | undefined;
  format: ShareFormat;
  file: string;
  rows: number;
  digest: string;
  at: Date;
}) {
  const { request, grant, published, policy } = m;
  const fields = new Map(published.entry.fields.map((f) => [f.name, f]));
  return {
    request: request.id,
    grant: grant.id,
    dataset: request.dataset,
    catalog: {
      code: published.code,
      version: published.version,
      name: published.entry.name,
      provider: published.entry.provider,
      securityGrade: published.entry.securityGrade,
    },
    requester: { node: request.requester.node, department: request.requester.department },
    purpose: grant.purpose,
    audience: policy.audience,
    divisionScope: grant.divisionScope,
    validUntil: grant.validUntil,
    generatedAt: shanghaiTime(m.at),
    format: m.format,
    file: m.file,
    rows: m.rows,
    sm3: m.digest,
    policyHash: policy.hash,
    keyId: m.key?.id ?? null,
    columns: policy.columns.map((c) => ({
      name: c.column,
      title: fields.get(c.column)?.title ?? c.column,
      type: fields.get(c.column)?.type ?? 'string',
      action: c.action,
      ...(c.mask ? { masking: c.mask } : {}),
      ...(c.generalize ? { generalize: c.generalize } : {}),
    })),
    terms:
      '仅限授权的应用场景使用；不得转提供第三方；使用完毕按规定销毁并登记（《公共数据管理办法》第十五条、第二十一条）',
  };
}

/** Writes the grant's rows through its policy into `dir/file`; returns the rows and columns written. */
async function writeShareData(
  ctx: GovernanceContext,
  m: { dataset: string; scope: string | null; policy: OutputPolicy; key: PseudonymKey | undefined },
  path: string,
  format: ShareFormat,
): Promise<{ rows: number; columns: readonly string[] }> {
  const source = await scopedSource(ctx, m.dataset, m.scope);
  const out = await materializeOutput(ctx.wh, {
    name: `share_export_${Math.random().toString(36).slice(2, 10)}`,
    from: source.from,
    where: source.where,
    params: source.params,
    policy: m.policy,
    key: m.key,
  });
  try {
    await ctx.wh.run(`COPY (SELECT * FROM ${out.table}) TO ${quoteLiteral(path)} ${COPY_OPTIONS[format]}`);
    return { rows: out.rows, columns: out.columns };
  } finally {
    await ctx.wh.run(`DROP TABLE IF EXISTS ${out.table}`);
  }
}

/** Exports the data a granted request was granted, as a file with metadata. */
export async function exportShare(
  ctx: GovernanceContext,
  input: { requestId: string; outDir: string; format: ShareFormat; actor: Actor; at: Date },
): Promise<ShareExportResult> {
  if (!SHARE_FORMATS.includes(input.format)) {
    throw new GovernanceError(
      'invalid',
      'bad-format',
      `share export: --format must be one of ${SHARE_FORMATS.join(', ')}; got ${JSON.stringify(input.format)}`,
    );
  }
  const request = await grantedRequest(ctx, input.requestId);
  const grant = await grantFor(ctx, {
    node: request.requester.node,
    dataset: request.dataset,
    grantId: request.grantId,
    at: input.at,
  });
  const published = await publishedEntryOf(ctx, request.dataset);
  const grade = published.entry.securityGrade;
  if (grade === 'core' && !grant.coreApproved) {
    throw new GovernanceError(
      'forbidden',
      'core-needs-explicit-grant',
      `request ${request.id}: ${request.dataset} is ${SECURITY_GRADE_LABELS.core.zh}; it leaves the node only under a grant that approves core data explicitly`,
    );
  }
  const policy = outputPolicy(published.entry, grant.columns, audienceOfGrant(grant.audience));
  const key: PseudonymKey | undefined = policy.columns.some((c) => c.action === 'pseudonymize')
    ? pseudonymKey(ctx.config, policy.audience)
    : undefined;
  const outDir = resolve(input.outDir);
  const finalDir = join(outDir, request.id);
  const tmpDir = join(outDir, `.${request.id}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmpDir, { recursive: true });
  const file = `data.${input.format}`;
  try {
    const out = await writeShareData(
      ctx,
      { dataset: request.dataset, scope: grant.divisionScope, policy, key },
      join(tmpDir, file),
      input.format,
    );
    const digest = await fileSm3(join(tmpDir, file));
    const metadata = shareMetadata({
      ...{ request, grant, published, policy, key, format: input.format, file },
      ...{ rows: out.rows, digest, at: input.at },
    });
    writeFileSync(join(tmpDir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    const old = existsSync(finalDir) ? `${finalDir}.old-${Date.now()}` : undefined;
    if (old) renameSync(finalDir, old);
    renameSync(tmpDir, finalDir);
    if (old) rmSync(old, { recursive: true, force: true });
    // The files are in place; if logging their use fails, they are removed again (no unlogged output).
    const usage = await ctx.wh
      .transaction(async () => {
        const u = await recordUsage(ctx, {
          kind: 'export',
          dataset: request.dataset,
          actor: input.actor,
          department: grant.granteeDepartment,
          grantId: grant.id,
          requestId: request.id,
          scenario: grant.purpose,
          intendedUse: request.intendedUse,
          storage: join(finalDir, file),
          encryption: 'none (file on the local disk; transfer it over an approved channel)',
          rows: out.rows,
          contentHash: digest,
          peer: request.requester.node === ctx.node.id ? null : request.requester.node,
          details: {
            format: input.format,
            audience: policy.audience,
            columns: out.columns,
            provider: published.entry.provider.name,
            requesterNode: request.requester.node,
          },
          auditDetails: { policyHash: policy.hash, keyId: key?.id ?? null },
          at: input.at,
        });
        await markFulfilled(ctx, request.id, input.at);
        return u;
      })
      .catch((error: unknown) => {
        rmSync(finalDir, { recursive: true, force: true });
        throw error;
      });
    return {
      ...{ request: request.id, grant: grant.id, dataset: request.dataset, dir: finalDir },
      ...{ file: join(finalDir, file), format: input.format, rows: out.rows, columns: out.columns },
      ...{ sm3: digest, policyHash: policy.hash, keyId: key?.id ?? null, usageId: usage.id },
    };
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
