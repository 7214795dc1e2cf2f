import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  approveCatalogVersion,
  CATALOG_EXPORT_FORMATS,
  type CatalogExportFormat,
  type CatalogReviewOutcome,
  type CatalogTriggerKind,
  catalogProblems,
  diffCatalog,
  listCatalogVersions,
  publishCatalogVersion,
  registerCatalogTrigger,
  renderCatalogExport,
  reviewCatalogEntry,
  shanghaiTime,
  submitCatalogVersion,
} from '../../governance/index.ts';
import { loadProject } from '../../project/index.ts';
import { type CatalogEntry, catalogToRows } from '../../schemas/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError, EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

interface CatalogOptions extends GovernanceOptions {
  trigger?: string;
  triggerDate?: string;
  reference?: string;
  note?: string;
  reject?: string;
  outcome?: string;
  next?: string;
  format?: string;
  out?: string;
  kind?: string;
  date?: string;
}

const TRIGGERS = ['law', 'duty', 'routine', 'review', 'initial'] as const;
const OUTCOMES = ['keep', 'promote', 'change'] as const;

/** `gongshu catalog`: the entries defined in the project (no action, or `list`). */
async function listEntries(o: CatalogOptions): Promise<number> {
  const out = processOutput();
  const { project } = await loadProject(o.project);
  const catalogued = project.pipelines.filter((p) => p.dataset.catalog);
  const entries = catalogued.map((p) => p.dataset.catalog as CatalogEntry);
  const uncatalogued = project.pipelines.filter((p) => !p.dataset.catalog).map((p) => p.dataset.name);
  if (o.json) {
    for (const entry of entries) out.json(entry);
  } else {
    const rows = catalogToRows(entries, { lang: 'zh' }).map((r, i) => ({
      code: r.code,
      dataset: r.dataset ?? catalogued[i]!.dataset.name,
      name: r.name,
      provider: r.provider,
      share: r.share_type,
      open: r.open_type,
      cycle: r.update_cycle,
      grade: r.security_grade,
      fields: r.fields,
      sensitive: r.sensitive_fields,
    }));
    for (const line of formatTable(rows)) out.data(line);
  }
  if (uncatalogued.length) {
    out.note(`not catalogued (第六条 requires a catalog entry for each dataset): ${uncatalogued.join(', ')}`);
  }
  return EXIT.ok;
}

/** Every problem of the catalog command line: dates, choices, the project folder and --at. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  const o = options as unknown as CatalogOptions;
  problems.date('--trigger-date', o.triggerDate, '2026-09-21');
  problems.date('--date', o.date, '2026-09-21');
  problems.date('--next', o.next, '2027-09-01');
  problems.choice('--trigger', o.trigger, TRIGGERS);
  problems.choice('--outcome', o.outcome, OUTCOMES);
  problems.choice('--kind', o.kind, ['law', 'duty']);
  problems.choice('--format', o.format, CATALOG_EXPORT_FORMATS);
  checkGovernanceArguments(options, problems);
}

/**
 * `gongshu catalog [list|diff|submit|approve|publish|review|trigger|versions|problems|export]`: the catalog
 * entries in code and their lifecycle (第十条、第十一条、第十九条).
 */
export default async function catalog(args: unknown[], command: Command): Promise<number> {
  const [action = 'list', code] = args as [string | undefined, string | undefined];
  const o = command.opts<CatalogOptions>();
  const out = processOutput();
  const needCode = () => {
    if (!code)
      throw new CliError(
        `catalog ${action}: name the entry by resource code or dataset, e.g. gongshu catalog ${action} hukou`,
      );
    return code;
  };
  switch (action) {
    case 'list':
      return listEntries(o);
    case 'diff':
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
    case 'submit': {
      const trigger = (o.trigger ?? 'routine') as CatalogTriggerKind;
      if (!(TRIGGERS as readonly string[]).includes(trigger))
        throw new CliError(
          `catalog submit: --trigger must be one of ${TRIGGERS.join(', ')}; got ${o.trigger}`,
        );
      return withGovernance(o, async (ctx, actor, at) => {
        const v = await submitCatalogVersion(ctx, {
          code: needCode(),
          trigger: { kind: trigger, date: o.triggerDate, reference: o.reference },
          actor,
          at,
          note: o.note,
        });
        const result = {
          code: v.code,
          version: v.version,
          status: v.status,
          changed: v.changedFields,
          dueDate: v.dueDate,
        };
        if (o.json) out.json(result);
        else
          out.data(
            `catalog ${v.code}: version ${v.version} submitted (${v.changedFields.join(', ')})${v.dueDate ? `; must be published by ${v.dueDate}` : ''}`,
          );
        return EXIT.ok;
      });
    }
    case 'approve':
      return withGovernance(o, async (ctx, actor, at) => {
        const v = await approveCatalogVersion(ctx, { code: needCode(), actor, at, reject: o.reject });
        if (o.json) out.json({ code: v.code, version: v.version, status: v.status });
        else out.data(`catalog ${v.code}: version ${v.version} ${v.status}`);
        return EXIT.ok;
      });
    case 'publish':
      return withGovernance(o, async (ctx, actor, at) => {
        const v = await publishCatalogVersion(ctx, { code: needCode(), actor, at });
        if (o.json)
          out.json({ code: v.code, version: v.version, status: v.status, dueDate: v.dueDate, late: v.late });
        else
          out.data(
            `catalog ${v.code}: version ${v.version} published${v.late ? ` (late: due ${v.dueDate})` : ''}`,
          );
        return EXIT.ok;
      });
    case 'review': {
      const outcome = (o.outcome ?? 'keep') as CatalogReviewOutcome;
      if (!(OUTCOMES as readonly string[]).includes(outcome))
        throw new CliError(
          `catalog review: --outcome must be one of ${OUTCOMES.join(', ')}; got ${o.outcome}`,
        );
      return withGovernance(o, async (ctx, actor, at) => {
        const r = await reviewCatalogEntry(ctx, {
          code: needCode(),
          outcome,
          next: o.next,
          note: o.note,
          actor,
          at,
        });
        if (o.json) out.json(r);
        else out.data(`catalog ${r.code}: reviewed (${r.outcome}); next review due ${r.nextDue}`);
        return EXIT.ok;
      });
    }
    case 'trigger': {
      if (o.kind !== 'law' && o.kind !== 'duty')
        throw new CliError(
          'catalog trigger: --kind law|duty is required (the change that obliges a catalog update, 第十一条)',
        );
      if (!o.date || !o.reference)
        throw new CliError('catalog trigger: --date YYYY-MM-DD and --reference TEXT are required');
      return withGovernance(o, async (ctx, actor, at) => {
        const t = await registerCatalogTrigger(ctx, {
          code: needCode(),
          kind: o.kind as 'law' | 'duty',
          date: o.date!,
          reference: o.reference!,
          actor,
          at,
        });
        if (o.json) out.json(t);
        else
          out.data(
            `catalog ${t.code}: ${t.kind} change of ${t.date} registered; a published version is due by ${t.dueDate}`,
          );
        return EXIT.ok;
      });
    }
    case 'versions':
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
    case 'problems':
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
    case 'export': {
      const format = (o.format ?? 'xlsx') as CatalogExportFormat;
      if (!(CATALOG_EXPORT_FORMATS as readonly string[]).includes(format)) {
        throw new CliError(
          `catalog export: --format must be one of ${CATALOG_EXPORT_FORMATS.join(', ')}; got ${o.format}`,
        );
      }
      if (format === 'xlsx' && !o.out)
        throw new CliError('catalog export --format xlsx: name the file with --out FILE.xlsx');
      return withGovernance(
        o,
        async (ctx) => {
          const published = (await listCatalogVersions(ctx.wh)).filter((v) => v.status === 'published');
          if (published.length === 0)
            out.note('catalog export: no published entries yet (gongshu catalog submit|approve|publish)');
          const bytes = await renderCatalogExport(published, format);
          if (o.out) {
            writeFileSync(o.out, bytes);
            if (o.json) out.json({ file: o.out, format, entries: published.length });
            else out.note(`catalog export: ${published.length} published entries → ${o.out}`);
          } else process.stdout.write(bytes);
          return EXIT.ok;
        },
        { readOnly: true },
      );
    }
    default:
      throw new CliError(
        `catalog: expected list, diff, submit, approve, publish, review, trigger, versions, problems or export; got ${action}`,
      );
  }
}
