/**
 * The sharing section (共享): requests, catalog problems and usage per department, read by the governance layer
 * from its tables (read-only).
 */
import { sharingSummary } from '../../governance/index.ts';
import type { CatalogProject } from '../../platform/index.ts';
import { CATALOG_VERSIONS_TABLE, SHARE_REQUESTS_TABLE, USAGE_TABLE } from '../../warehouse/index.ts';
import type { SharingSection } from '../model.ts';
import type { SectionReader } from './gather.ts';

/**
 * The built-in sharing reader: requests (waiting emergency ones first), catalog problems (with the project's
 * catalog in code when given) and usage per department, as of `at`. Not configured when all are empty.
 */
export function sharingReader(options: {
  at: Date;
  project?: CatalogProject;
}): SectionReader<SharingSection> {
  return async (wh) => {
    const s = await sharingSummary(wh, options);
    if (s.requests.length === 0 && s.catalog.length === 0 && s.usage.length === 0) {
      return {
        status: 'not-configured',
        note: `no sharing requests, catalog lifecycle or usage entries (${SHARE_REQUESTS_TABLE}, ${CATALOG_VERSIONS_TABLE}, ${USAGE_TABLE})`,
      };
    }
    return {
      status: 'ok',
      data: {
        asOf: s.asOf,
        requests: s.requests.map((r) => ({
          id: r.id,
          status: r.status,
          dataset: r.dataset,
          requesterNode: r.requesterNode,
          requesterDepartment: r.requesterDepartment,
          provider: r.provider,
          shareType: r.shareType,
          emergency: r.emergency,
          submittedAt: r.submittedAt,
          dueAt: r.dueAt,
          overdue: r.overdue,
          grantId: r.grantId,
        })),
        catalog: s.catalog.map((c) => ({ ...c })),
        usage: s.usage.map((u) => ({ ...u })),
      },
    };
  };
}
