/**
 * The open-data catalog (第二十七条至第二十九条): the published catalog entries whose open type is not `none`,
 * with the columns each opens (items whose effective open type is `unconditional`; conditional items need an
 * approved open grant and are left out) and whether it can be exported now: entries graded core or important
 * are refused (第三十四条), and a resource whose latest objection withdrew or suspended it is out (第三十条).
 */
import {
  type CatalogEntry,
  OPEN_TYPE_LABELS,
  SECURITY_GRADE_LABELS,
  UPDATE_CYCLE_LABELS,
} from '../../schemas/index.ts';
import { publishedCatalogVersion } from '../catalog-lifecycle/versions.ts';
import { type CodeCatalogEntry, codeCatalog, type GovernanceContext } from '../context.ts';
import { suspendedDatasets } from '../objections/objection-store.ts';
import { listResourceVersions } from './resource-versions.ts';

/**
 * Whether an open resource can be exported: `retired` means `gongshu open offline CODE` took it offline as a
 * whole (it is exported again only when named with `--reopen`).
 */
export type OpenResourceState = 'open' | 'suspended' | 'refused' | 'unpublished' | 'no-columns' | 'retired';

/** One resource of the open catalog. */
export interface OpenResource {
  readonly code: string;
  /** The dataset (`enterprises`) or built table (`foundation.legal_entities`) it is made from. */
  readonly dataset: string;
  readonly layer: CodeCatalogEntry['layer'];
  /** Where this node keeps its rows (quoted SQL). */
  readonly table: string;
  readonly name: string;
  readonly provider: string;
  readonly openType: CatalogEntry['openType'];
  readonly openTypeLabel: string;
  readonly updateCycle: string;
  readonly catalogVersion: number | null;
  /** The items opened to everyone. */
  readonly columns: readonly string[];
  /** Conditional items left out (they need an approved open grant). */
  readonly conditionalColumns: readonly string[];
  readonly state: OpenResourceState;
  /** Why it is not `open`, in words. */
  readonly reason: string | null;
  /** The live version written by `open export`, if any. */
  readonly liveVersion: number | null;
  readonly versions: number;
}

/** The project's open catalog: every catalogued entry whose open type is not `none`, in code order. */
export async function openCatalog(ctx: Pick<GovernanceContext, 'wh' | 'project'>): Promise<OpenResource[]> {
  const suspended = await suspendedDatasets(ctx.wh);
  const versions = await listResourceVersions(ctx.wh);
  const out: OpenResource[] = [];
  for (const [code, { dataset, layer, table, entry: codeEntry }] of [...codeCatalog(ctx.project)].sort(
    ([a], [b]) => a.localeCompare(b),
  )) {
    const published = await publishedCatalogVersion(ctx.wh, code);
    const entry = published?.entry ?? codeEntry;
    if (entry.openType === 'none') continue;
    const columns = entry.fields.filter((f) => f.openType === 'unconditional').map((f) => f.name);
    const conditionalColumns = entry.fields.filter((f) => f.openType === 'conditional').map((f) => f.name);
    const mine = versions.filter((v) => v.code === code);
    let state: OpenResourceState = 'open';
    let reason: string | null = null;
    const retired = mine[0]?.status === 'retired' ? mine[0] : undefined;
    if (!published) {
      state = 'unpublished';
      reason = `catalog entry ${code} is not published (gongshu catalog submit|approve|publish ${code})`;
    } else if (entry.securityGrade === 'core' || entry.securityGrade === 'important') {
      state = 'refused';
      reason = `graded ${SECURITY_GRADE_LABELS[entry.securityGrade].zh}: not opened (第三十四条)`;
    } else if (suspended.has(dataset)) {
      state = 'suspended';
      reason = '中止开放 after an objection (第三十条); resolve it as corrected to reopen';
    } else if (!columns.length) {
      state = 'no-columns';
      reason = 'no item is open unconditionally';
    } else if (retired) {
      // Last: a retired resource is otherwise exportable, so `--reopen` can export it again.
      state = 'retired';
      reason = `taken offline on ${retired.removedAt?.slice(0, 10) ?? '?'} (gongshu open offline); to open it again: gongshu open export ${code} --reopen`;
    }
    out.push({
      code,
      dataset,
      layer,
      table,
      name: entry.name,
      provider: entry.provider.name,
      openType: entry.openType,
      openTypeLabel: OPEN_TYPE_LABELS[entry.openType].zh,
      updateCycle: UPDATE_CYCLE_LABELS[entry.updateCycle].zh,
      catalogVersion: published?.version ?? null,
      columns,
      conditionalColumns,
      state,
      reason,
      liveVersion: mine.find((v) => v.status === 'live')?.version ?? null,
      versions: mine.length,
    });
  }
  return out;
}
