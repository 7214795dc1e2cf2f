import type { Command } from 'commander';
import { type EvaluationProject, oneSourceReport, oneSourceWarnings } from '../../governance/index.ts';
import type { ArgumentProblems } from '../arguments.ts';
import { EXIT } from '../errors.ts';
import { checkGovernanceArguments, type GovernanceOptions, withGovernance } from '../governance-context.ts';
import { formatTable, processOutput } from '../output.ts';

/** Every problem of the duplicates command line: the governance options. */
export function checkArguments(
  _args: unknown[],
  options: Record<string, unknown>,
  problems: ArgumentProblems,
) {
  checkGovernanceArguments(options, problems);
}

/**
 * `gongshu duplicates`: every catalogued dataset collecting a data element whose authoritative source is another
 * department's (一数一源, 第十三条), with overlap and disagreements; a warning per one without a legal basis.
 */
export default async function duplicates(_args: unknown[], command: Command): Promise<number> {
  const o = command.opts<GovernanceOptions>();
  const out = processOutput();
  return withGovernance(
    o,
    async (ctx) => {
      const report = await oneSourceReport(ctx.wh, ctx.project as EvaluationProject);
      for (const w of oneSourceWarnings(report)) out.note(`warning: ${w}`);
      if (o.json) out.json(report);
      else if (report.duplicates.length === 0) out.note('no data element is collected outside its source');
      else
        for (const line of formatTable(
          report.duplicates.map((d) => ({
            department: d.department,
            dataset: d.dataset,
            element: d.element,
            column: d.column,
            authoritative: d.authoritative.map((a) => `${a.dataset} (${a.department ?? '?'})`).join(', '),
            overlap: d.overlap ?? '—',
            disagreeing: d.disagreeing ?? '—',
            basis: d.basis ?? '',
          })),
        ))
          out.data(line);
      return EXIT.ok;
    },
    { readOnly: true },
  );
}
