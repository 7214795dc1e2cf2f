/**
 * The open-data section (开放与异议): the open catalog, the versions written and the objections, read by the
 * governance layer from its tables (read-only; keys masked).
 */
import { openDataSummary } from '../../governance/index.ts';
import type { CatalogProject } from '../../platform/index.ts';
import { OBJECTIONS_TABLE, RESOURCE_VERSIONS_TABLE } from '../../warehouse/index.ts';
import type { OpenDataSection } from '../model.ts';
import type { SectionReader } from './gather.ts';

/**
 * The built-in open-data reader, as of `at` (with the project's catalog in code when given). Not configured
 * when there is no open resource, version or objection.
 */
export function openDataReader(options: {
  at: Date;
  project?: CatalogProject;
}): SectionReader<OpenDataSection> {
  return async (wh) => {
    const s = await openDataSummary(wh, options);
    if (!s.resources.length && !s.versions.length && !s.objections.length) {
      return {
        status: 'not-configured',
        note: `no open catalog entry, open resource version or objection (${RESOURCE_VERSIONS_TABLE}, ${OBJECTIONS_TABLE})`,
      };
    }
    return {
      status: 'ok',
      data: {
        asOf: s.asOf,
        resources: s.resources.map((r) => ({
          code: r.code,
          dataset: r.dataset,
          name: r.name,
          provider: r.provider,
          openType: r.openType,
          updateCycle: r.updateCycle,
          columns: [...r.columns],
          state: r.state,
          reason: r.reason,
          liveVersion: r.liveVersion,
        })),
        versions: s.versions.map((v) => ({
          code: v.code,
          version: v.version,
          status: v.status,
          format: v.format,
          rows: v.rows,
          liveFrom: v.liveFrom,
          offlineAt: v.offlineAt,
          consumers: v.consumers.length,
        })),
        objections: s.objections.map((o) => ({
          id: o.id,
          dataset: o.dataset,
          provider: o.provider,
          type: o.type,
          key: o.key,
          columns: [...o.columns],
          status: o.status,
          raisedAt: o.raisedAt,
          dueAt: o.dueAt,
          overdue: o.overdue,
        })),
      },
    };
  };
}
