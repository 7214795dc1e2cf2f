import {
  catalogProblems,
  diffCatalog,
  listCatalogVersions,
  shanghaiTime,
} from '../../../governance/index.ts';
import { EXIT } from '../../errors.ts';
import { withGovernance } from '../../governance-context.ts';
import { formatTable } from '../../output.ts';
import type { CatalogAction } from './shared.ts';

/** `gongshu catalog diff [CODE]`: each entry in code against its latest and published versions. */
export function diff({ code, o, out }: CatalogAction): Promise<number> {
  return withGovernance(
    o,
    async (ctx) => {
      const diffs = await diffCatalog(ctx, code ? [code] : []);
      if (o.json) out.json(diffs);
      else
        for (const line of formatTable(
          diffs.map((d) => ({
            code: d.code,
            dataset: d.dataset,
            state: d.state,
            latest: d.latestVersion ? `${d.latestVersion} ${d.latestStatus}` : '',
            published: d.publishedVersion ?? '',
            changes: d.changes.join(', '),
          })),
        ))
          out.data(line);
      return EXIT.ok;
    },
    { readOnly: true },
  );
}

/** `gongshu catalog versions [CODE]`: the catalog versions, newest last. */
export function versions({ code, o, out }: CatalogAction): Promise<number> {
  return withGovernance(
    o,
    async (ctx) => {
      const versions = await listCatalogVersions(ctx.wh, code);
      const rows = versions.map((v) => ({
        code: v.code,
        version: v.version,
        dataset: v.dataset,
        status: v.status,
        trigger: v.triggerKind,
        dueDate: v.dueDate,
        changed: v.changedFields,
        registrar: v.registrar,
        reviewer: v.reviewer,
        submittedAt: shanghaiTime(new Date(v.submittedAt)),
        publishedAt: v.publishedAt ? shanghaiTime(new Date(v.publishedAt)) : null,
        hash: v.hash,
      }));
      if (o.json) out.json(rows);
      else
        for (const line of formatTable(
          rows.map(({ hash: _h, changed, ...r }) => ({ ...r, changed: changed.join(', ') })),
        ))
          out.data(line);
      return EXIT.ok;
    },
    { readOnly: true },
  );
}

/** `gongshu catalog problems`: updates and reviews due or overdue. */
export function problems({ o, out }: CatalogAction): Promise<number> {
  return withGovernance(
    o,
    async (ctx, _a, at) => {
      const problems = await catalogProblems(ctx, { at });
      if (o.json) out.json(problems);
      else if (problems.length === 0) out.note('catalog: nothing due');
      else
        for (const line of formatTable(
          problems.map((p) => ({ ...p, overdue: p.overdue ? '逾期 overdue' : 'due soon' })),
        ))
          out.data(line);
      return problems.some((p) => p.overdue) ? EXIT.failures : EXIT.ok;
    },
    { readOnly: true },
  );
}
