/**
 * What every governance action works with: the warehouse, the node it runs on, the project's pipelines (their
 * catalog entries and keys) and the governance configuration. Transitions are appended to the audit chain with
 * the wall-clock time; the time an action is taken "as of" (`--at`) travels in the entry's details.
 */
import {
  type AuditEntry,
  appendAudit,
  type CatalogProject,
  localTable,
  type NodeContext,
} from '../platform/index.ts';
import type { CatalogEntry } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { shanghaiTime } from './clock.ts';
import type { GovernanceConfig } from './config.ts';

/** The context of governance actions on one node. */
export interface GovernanceContext {
  readonly wh: Warehouse;
  readonly node: NodeContext;
  readonly project: CatalogProject;
  readonly config: GovernanceConfig;
}

/** Who acts: the operator (a person or service account) and their department. */
export interface Actor {
  readonly operator: string;
  readonly department?: string | undefined;
}

/** Appends a governance event to the node's audit chain (in the caller's transaction, if any). */
export async function auditEvent(
  ctx: Pick<GovernanceContext, 'wh' | 'node'>,
  action: string,
  entry: {
    at: Date;
    actor?: Actor | undefined;
    peer?: string | null;
    dataset?: string | null;
    columns?: readonly string[] | null;
    rows?: number | null;
    contentHash?: string | null;
    purpose?: string | null;
    details?: Readonly<Record<string, unknown>>;
  },
): Promise<AuditEntry> {
  return appendAudit(ctx.wh, ctx.node.id, {
    action,
    peer: entry.peer ?? null,
    dataset: entry.dataset ?? null,
    columns: entry.columns ?? null,
    rows: entry.rows ?? null,
    contentHash: entry.contentHash ?? null,
    purpose: entry.purpose ?? null,
    details: {
      asOf: shanghaiTime(entry.at),
      ...(entry.actor ? { operator: entry.actor.operator, department: entry.actor.department ?? null } : {}),
      ...entry.details,
    },
  });
}

/** A catalog entry defined in the project's code, with the dataset it describes. */
export interface CodeCatalogEntry {
  /** A pipeline's dataset (`hukou`), or a built table (`foundation.population`, `theme.x`, `topic.y`). */
  readonly dataset: string;
  readonly layer: 'dataset' | 'foundation' | 'theme' | 'topic';
  /** Where this node keeps its rows, as quoted SQL: `"main"."hukou"`, `"foundation"."population"`. */
  readonly table: string;
  readonly entry: CatalogEntry;
}

/**
 * The catalog entries defined in the project's code, by resource code: those of its pipelines' datasets, then
 * those of its foundations and theme/topic models (第八条: catalogued like datasets).
 */
export function codeCatalog(project: CatalogProject): Map<string, CodeCatalogEntry> {
  const out = new Map<string, CodeCatalogEntry>();
  const add = (dataset: string, layer: CodeCatalogEntry['layer'], entry: CatalogEntry | undefined) => {
    if (entry && !out.has(entry.code))
      out.set(entry.code, { dataset, layer, table: localTable(dataset).sql, entry });
  };
  for (const p of project.pipelines ?? []) add(p.dataset.name, 'dataset', p.dataset.catalog);
  for (const f of project.foundations ?? []) add(`foundation.${f.name}`, 'foundation', f.catalog);
  for (const m of project.models ?? []) {
    if (m.layer === 'theme' || m.layer === 'topic') add(`${m.layer}.${m.name}`, m.layer, m.catalog);
  }
  return out;
}

/** The datasets of the project without a catalog entry (第六条 requires one). */
export function uncataloguedDatasets(project: CatalogProject): string[] {
  return (project.pipelines ?? []).filter((p) => !p.dataset.catalog).map((p) => p.dataset.name);
}
