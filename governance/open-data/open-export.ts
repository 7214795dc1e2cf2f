/**
 * Open export (第二十四条、第二十八条、第三十一条、第三十二条, GOVERNANCE B): each exportable resource of the open
 * catalog (a dataset, or a catalogued foundation, theme or topic table) as machine-readable files —
 * `DIR/<folder>/v<n>/data.<csv|json|parquet>` and `metadata.json`, the folder being the code with `/` written `_`
 * (`1/02/001/0001` → `1_02_001_0001`) (source
 * department, acquisition date, update cycle, version, record count, columns with their masking, SM3 per file,
 * a citation line, terms) — through the open output policy (sensitive items masked, dropped or pseudonymised).
 *
 * Versions: a new version is written in a hidden temporary folder, renamed to `v<n>` when complete, and only then
 * `DIR/<code>/latest` (a relative symlink) is switched to it by renaming a new link over the old one, so a
 * reader (or a killed export) always finds `latest` on a complete version. Earlier versions stay on disk,
 * recorded as superseded (第二十四条: a replaced resource stays available until its successor is live).
 * The consumers recorded for the resource (the grantees of its dataset) are told through `notify`. Each export
 * is an entry of the usage log (kind `open-export`, 第十五条). Versions leave only by `gongshu open offline`.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { processRunning, quoteIdent, quoteLiteral, trustedSql } from '../../schemas/index.ts';
import { LOADS_TABLE, RUNS_TABLE } from '../../warehouse/index.ts';
import { type CatalogVersion, publishedCatalogVersion } from '../catalog-lifecycle/versions.ts';
import { shanghaiDate, shanghaiTime, stored } from '../clock.ts';
import type { Actor, GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import { materializeOutput } from '../outputs/apply-policy.ts';
import { type OutputPolicy, outputPolicy } from '../outputs/policy.ts';
import { type PseudonymKey, pseudonymKey } from '../outputs/pseudonym-keys.ts';
import { COPY_OPTIONS, fileSm3, SHARE_FORMATS, type ShareFormat } from '../outputs/share-export.ts';
import { listGrants } from '../requests/grant-store.ts';
import { recordUsage } from '../usage/usage-log.ts';
import { type OpenResource, openCatalog } from './open-catalog.ts';
import {
  lastVersionNumber,
  type ResourceConsumer,
  type ResourceFile,
  recordLiveVersion,
} from './resource-versions.ts';

/** File formats of an open export (machine-readable, 第三十一条). */
export const OPEN_FORMATS = SHARE_FORMATS;
/** An open export format. */
export type OpenFormat = ShareFormat;

/** The name of the pointer to the live version in `DIR/<code>/`. */
export const LATEST = 'latest';

/** What the export wrote for one resource. */
export interface OpenExportedResource {
  readonly code: string;
  readonly version: number;
  readonly dir: string;
  readonly files: readonly string[];
  readonly rows: number;
}

/** What an open export did. */
export interface OpenExportResult {
  readonly resources: OpenExportedResource[];
  /** Resources of the open catalog left out, and why (suspended, refused, unpublished). */
  readonly skipped: { code: string; state: string; reason: string | null }[];
  readonly notified: { code: string; version: number; consumers: readonly ResourceConsumer[] }[];
}

/** A notice that a new version of a resource is live, for the alert hooks. */
export interface ResourceNotice {
  readonly code: string;
  readonly name: string;
  readonly version: number;
  readonly previous: number | null;
  readonly consumers: readonly ResourceConsumer[];
  readonly dir: string;
}

/** The licence and terms of open data, written into every metadata file. */
export const OPEN_TERMS =
  '开放数据可免费获取和使用；利用开放数据形成的成果应注明数据来源和获取日期（《公共数据管理办法》第三十二条）；不得用于违法用途，不得尝试重新识别个人';

/** The highest `v<n>` folder under a resource folder (0 when none). */
function lastVersionOnDisk(codeDir: string): number {
  if (!existsSync(codeDir)) return 0;
  return Math.max(
    0,
    ...readdirSync(codeDir)
      .map((n) => /^v(\d+)$/.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number),
  );
}

/** Removes the temporary folders and links an export killed in `codeDir` left behind (its process is gone). */
function removeDeadLeftovers(codeDir: string): void {
  for (const n of readdirSync(codeDir)) {
    const pid = /^\.(?:v\d+|latest)\.tmp-(\d+)-\d+$/.exec(n)?.[1];
    if (pid && Number(pid) !== process.pid && !processRunning(Number(pid)))
      rmSync(join(codeDir, n), { recursive: true, force: true });
  }
}

/** Points `codeDir/latest` at `target` atomically: a new symlink renamed over the old one. */
export function switchLatest(codeDir: string, target: string): void {
  const tmp = join(codeDir, `.${LATEST}.tmp-${process.pid}-${Date.now()}`);
  symlinkSync(target, tmp, 'dir');
  renameSync(tmp, join(codeDir, LATEST));
}

/** Removes `codeDir/latest` (a suspended or withdrawn resource); the version folders stay for the record. */
export function removeLatest(codeDir: string): void {
  rmSync(join(codeDir, LATEST), { force: true });
}

/** Columns of `table` holding a valid 18-character citizen identity number in clear, anywhere in the text. */
async function clearIdColumns(
  ctx: GovernanceContext,
  table: string,
  columns: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const c of columns) {
    const col = `CAST(${quoteIdent(c)} AS VARCHAR)`;
    const n = await ctx.wh.value<number>(
      `SELECT count(*) FROM (SELECT unnest(regexp_extract_all(${col}, '\\d{17}[\\dXx]')) AS x FROM ${table} WHERE ${col} IS NOT NULL) WHERE gs_citizen_id_reason(x) IS NULL`,
    );
    if (Number(n ?? 0) > 0) found.push(c);
  }
  return found;
}

/**
 * The acquisition date of a resource: the Shanghai date of its dataset's newest committed load, or of its built
 * table's newest successful build (null if never loaded or built).
 */
async function acquisitionDate(ctx: GovernanceContext, r: OpenResource): Promise<string | null> {
  const at =
    r.layer === 'dataset'
      ? await ctx.wh.value<string>(
          `SELECT CAST(max(finished_at) AS VARCHAR) FROM ${LOADS_TABLE} WHERE dataset = $1 AND status = 'committed'`,
          [r.dataset],
        )
      : await ctx.wh.value<string>(
          `SELECT CAST(max(finished_at) AS VARCHAR) FROM ${RUNS_TABLE} WHERE kind = 'build' AND target = $1 AND status = 'succeeded'`,
          [r.dataset],
        );
  return at ? shanghaiDate(new Date(at)) : null;
}

/** The consumers recorded for a dataset: grantees of its unrevoked grants still valid on `at`. */
export async function consumersOf(
  ctx: GovernanceContext,
  dataset: string,
  at: Date,
): Promise<ResourceConsumer[]> {
  const today = shanghaiDate(at);
  const seen = new Map<string, ResourceConsumer>();
  for (const g of await listGrants(ctx.wh, { dataset })) {
    if (g.revokedAt || g.validUntil < today) continue;
    seen.set(`${g.granteeNode}\u0000${g.granteeDepartment}`, {
      node: g.granteeNode,
      department: g.granteeDepartment,
    });
  }
  return [...seen.values()];
}

/** The folder of a resource under the export folder: its code with `/` as `_` (codes never hold `_`). */
export function resourceFolder(code: string): string {
  if (!/^[0-9A-Z]+([./-][0-9A-Z]+)*$/.test(code)) {
    throw new GovernanceError(
      'invalid',
      'bad-code',
      `open export: resource code ${JSON.stringify(code)} cannot name a folder (expected digits and capitals joined by "/", "-" or ".")`,
    );
  }
  return code.replaceAll('/', '_');
}

/** The next version of a resource and its folders (the temporary one created, leftovers of killed runs removed). */
function prepareVersion(code: string, outDir: string, previous: number) {
  const codeDir = join(outDir, resourceFolder(code));
  mkdirSync(codeDir, { recursive: true });
  removeDeadLeftovers(codeDir);
  const version = Math.max(previous, lastVersionOnDisk(codeDir)) + 1;
  const name = `v${version}`;
  const tmpDir = join(codeDir, `.${name}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmpDir);
  return { codeDir, version, name, tmpDir, finalDir: join(codeDir, name) };
}

/** Writes the resource's rows through the open policy to `path`; refuses (writing nothing) a clear citizen ID. */
async function writeOpenData(
  ctx: GovernanceContext,
  r: OpenResource,
  output: { policy: OutputPolicy; key: PseudonymKey | undefined; path: string; format: OpenFormat },
): Promise<{ rows: number; columns: readonly string[] }> {
  if (!(await ctx.wh.hasTable(r.dataset))) {
    throw new GovernanceError(
      'not-found',
      'no-data',
      `open export ${r.code}: node ${ctx.node.id} holds no table for ${r.layer === 'dataset' ? 'dataset' : r.layer} ${r.dataset} (${r.layer === 'dataset' ? 'load it first: gongshu run' : 'build it first: gongshu build'})`,
    );
  }
  const out = await materializeOutput(ctx.wh, {
    name: `open_export_${Math.random().toString(36).slice(2, 10)}`,
    from: trustedSql(r.table),
    policy: output.policy,
    key: output.key,
  });
  try {
    const leaking = await clearIdColumns(ctx, out.table, out.columns);
    if (leaking.length) {
      throw new GovernanceError(
        'forbidden',
        'clear-identifier',
        `open export ${r.code}: column ${leaking.join(', ')} holds valid citizen identity numbers in clear; nothing was published (第二十六条). Fix: mark the item sensitive, or set outputs.open: "mask" or "drop" on it in the catalog entry`,
        { code: r.code, columns: leaking },
      );
    }
    await ctx.wh.run(
      `COPY (SELECT * FROM ${out.table}) TO ${quoteLiteral(output.path)} ${COPY_OPTIONS[output.format]}`,
    );
    return { rows: out.rows, columns: out.columns };
  } finally {
    await ctx.wh.run(`DROP TABLE IF EXISTS ${out.table}`);
  }
}

/** The provenance metadata of a version (第三十二条): source, acquisition date, columns, SM3 per file, citation. */
function versionMetadata(
  ctx: GovernanceContext,
  r: OpenResource,
  v: {
    pub: CatalogVersion;
    policy: OutputPolicy;
    key: PseudonymKey | undefined;
    version: number;
    format: OpenFormat;
    rows: number;
    files: readonly ResourceFile[];
    acquired: string | null;
    at: Date;
  },
) {
  const { entry } = v.pub;
  const fields = new Map(entry.fields.map((f) => [f.name, f]));
  return {
    code: r.code,
    name: entry.name,
    summary: entry.summary,
    provider: entry.provider,
    openType: entry.openType,
    openCondition: entry.openCondition ?? null,
    updateCycle: entry.updateCycle,
    updateCycleLabel: r.updateCycle,
    published: entry.publishedAt,
    modified: v.pub.publishedAt ? shanghaiTime(new Date(v.pub.publishedAt)) : null,
    catalogVersion: v.pub.version,
    version: v.version,
    sourceDataset: r.dataset,
    layer: r.layer,
    acquisitionDate: v.acquired,
    generatedAt: shanghaiTime(v.at),
    node: { id: ctx.node.id, name: ctx.node.name },
    format: v.format,
    records: v.rows,
    columns: v.policy.columns
      .filter((c) => c.action !== 'drop')
      .map((c) => ({
        name: c.column,
        title: fields.get(c.column)?.title ?? c.column,
        type: fields.get(c.column)?.type ?? 'string',
        masking: c.action === 'mask' ? (c.mask ?? 'full') : c.action === 'clear' ? 'none' : c.action,
      })),
    files: v.files,
    policyHash: v.policy.hash,
    keyId: v.key?.id ?? null,
    citation: `数据来源：${entry.provider.name}《${entry.name}》（资源代码 ${r.code}，第 ${v.version} 版），获取日期 ${v.acquired ?? shanghaiDate(v.at)}，经${ctx.node.name}公共数据开放平台开放`,
    terms: OPEN_TERMS,
  };
}

async function exportOne(
  ctx: GovernanceContext,
  r: OpenResource,
  input: { outDir: string; format: OpenFormat; actor: Actor; at: Date },
): Promise<{ exported: OpenExportedResource; notice: ResourceNotice }> {
  const pub = (await publishedCatalogVersion(ctx.wh, r.code))!;
  const policy = outputPolicy(pub.entry, r.columns, 'open');
  const key: PseudonymKey | undefined = policy.columns.some((c) => c.action === 'pseudonymize')
    ? pseudonymKey(ctx.config, 'open')
    : undefined;
  const previous = await lastVersionNumber(ctx.wh, r.code);
  const { codeDir, version, name, tmpDir, finalDir } = prepareVersion(r.code, input.outDir, previous);
  const file = `data.${input.format}`;
  try {
    const out = await writeOpenData(ctx, r, { policy, key, path: join(tmpDir, file), format: input.format });
    const files: ResourceFile[] = [
      { name: file, sm3: await fileSm3(join(tmpDir, file)), bytes: statSync(join(tmpDir, file)).size },
    ];
    const acquired = await acquisitionDate(ctx, r);
    const metadata = versionMetadata(ctx, r, {
      ...{ pub, policy, key, version, files, acquired },
      ...{ format: input.format, rows: out.rows, at: input.at },
    });
    writeFileSync(join(tmpDir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    renameSync(tmpDir, finalDir);
    // Only now, with the version complete, does `latest` move to it; the previous version stays on disk.
    switchLatest(codeDir, name);
    const consumers = await consumersOf(ctx, r.dataset, input.at);
    await ctx.wh.transaction(async () => {
      await recordLiveVersion(ctx.wh, {
        ...{ code: r.code, version, dataset: r.dataset, catalogVersion: pub.version, format: input.format },
        ...{ dir: finalDir, rows: out.rows, files, status: 'live', liveFrom: stored(input.at) },
        ...{ offlineAt: null, consumers, notifiedAt: consumers.length ? stored(input.at) : null },
      });
      // An open export is a use of the data (第十五条): logged like a share export, chained in the audit.
      await recordUsage(ctx, {
        kind: 'open-export',
        dataset: r.dataset,
        actor: input.actor,
        department: pub.entry.provider.name,
        scenario: '公共数据开放',
        storage: join(finalDir, file),
        encryption: 'none (open data, published without restriction)',
        rows: out.rows,
        contentHash: files[0]!.sm3,
        details: { code: r.code, version, format: input.format, columns: out.columns },
        auditDetails: { policyHash: policy.hash, keyId: key?.id ?? null },
        at: input.at,
      });
    });
    return {
      exported: { code: r.code, version, dir: finalDir, files: [join(finalDir, file)], rows: out.rows },
      notice: {
        ...{ code: r.code, name: pub.entry.name, version, previous: previous || null },
        ...{ consumers, dir: finalDir },
      },
    };
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

/**
 * Exports the named resources (codes or dataset names; all exportable ones when none are named) of the open
 * catalog. A named resource that is suspended, refused or unpublished is skipped with its reason, and so is a
 * retired one unless `reopen` is set; a name that is not in the open catalog is an error.
 */
export async function exportOpen(
  ctx: GovernanceContext,
  input: {
    codes: readonly string[];
    outDir: string;
    format: OpenFormat;
    actor: Actor;
    at: Date;
    /** Export named resources that `open offline` retired (第二十四条: opened again). */
    reopen?: boolean;
    notify?: (notice: ResourceNotice) => void;
  },
): Promise<OpenExportResult> {
  if (!OPEN_FORMATS.includes(input.format)) {
    throw new GovernanceError(
      'invalid',
      'bad-format',
      `open export: --format must be one of ${OPEN_FORMATS.join(', ')}; got ${JSON.stringify(input.format)}`,
    );
  }
  const catalog = await openCatalog(ctx);
  let chosen = catalog;
  if (input.codes.length) {
    chosen = input.codes.map((c) => {
      const r = catalog.find((x) => x.code === c || x.dataset === c);
      if (!r) {
        throw new GovernanceError(
          'not-found',
          'not-open',
          `open export: ${c} is not in the open catalog of node ${ctx.node.id} (open: ${catalog.map((x) => x.code).join(', ') || 'none'}). Fix: gongshu open catalog`,
        );
      }
      return r;
    });
  }
  const outDir = resolve(input.outDir);
  const result: OpenExportResult = { resources: [], skipped: [], notified: [] };
  for (const r of chosen) {
    const reopened = r.state === 'retired' && input.reopen === true && input.codes.length > 0;
    if (r.state !== 'open' && !reopened) {
      result.skipped.push({ code: r.code, state: r.state, reason: r.reason });
      continue;
    }
    const { exported, notice } = await exportOne(ctx, r, { ...input, outDir });
    result.resources.push(exported);
    if (notice.consumers.length) {
      input.notify?.(notice);
      result.notified.push({ code: notice.code, version: notice.version, consumers: notice.consumers });
    }
  }
  return result;
}
