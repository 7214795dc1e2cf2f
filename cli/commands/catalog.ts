import type { Command } from 'commander';
import { CATALOG_EXPORT_FORMATS } from '../../governance/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { CliError } from '../errors.ts';
import { checkGovernanceArguments } from '../governance-context.ts';
import { processOutput } from '../output.ts';
import { exportCatalog } from './catalog/export.ts';
import { approve, publish, review, submit, trigger } from './catalog/lifecycle.ts';
import { listEntries } from './catalog/list.ts';
import { diff, problems, versions } from './catalog/read.ts';
import { type CatalogAction, type CatalogOptions, OUTCOMES, TRIGGERS } from './catalog/shared.ts';

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
  const a: CatalogAction = { action, code, o, out };
  switch (action) {
    case 'list':
      return listEntries(o);
    case 'diff':
      return diff(a);
    case 'submit':
      return submit(a);
    case 'approve':
      return approve(a);
    case 'publish':
      return publish(a);
    case 'review':
      return review(a);
    case 'trigger':
      return trigger(a);
    case 'versions':
      return versions(a);
    case 'problems':
      return problems(a);
    case 'export':
      return exportCatalog(a);
    default:
      throw new CliError(
        `catalog: expected list, diff, submit, approve, publish, review, trigger, versions, problems or export; got ${action}`,
      );
  }
}
