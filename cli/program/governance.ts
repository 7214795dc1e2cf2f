/**
 * The governance records: objections, the usage log, one data one source, the yearly evaluation, destruction.
 * Each function registers one command; cli/program.ts calls them in help order.
 */
import type { Command } from 'commander';
import { lazy } from './action.ts';
import { governanceOptions } from './options.ts';

/** Registers `gongshu objection` (its action: cli/commands/objection.ts). */
export function objection(program: Command): void {
  governanceOptions(
    program
      .command('objection')
      .description('objections and corrections (第二十三条、第三十条): raise, resolve, list')
      .addArgument(program.createArgument('<action>', 'what to do').choices(['raise', 'resolve', 'list']))
      .argument('[id]', 'resolve: the objection')
      .option('--dataset <name>', 'raise: the dataset of the record; list: only this dataset')
      .option('--key <key>', "raise: the record's key (citizen ID, USCC or key value; shown masked)")
      .option('--column <list>', 'raise: the item(s) concerned, comma-separated')
      .option('--claim <text>', 'raise: what is wrong, or the value claimed')
      .option('--evidence <text>', 'raise: evidence offered')
      .option('--type <type>', 'raise: error (default), objection, infringement or leak (due the same day)')
      .option(
        '--outcome <outcome>',
        'resolve: corrected, confirmed, continued, withdrawn or suspended (withdrawn/suspended leave the open export)',
      )
      .option('--note <text>', 'resolve: what was verified and done (fed back to the submitter)')
      .option('--status <status>', 'list: only this status (open, corrected, …)')
      .option('--overdue', 'list: only open objections past their due date'),
  ).action(lazy(() => import('../commands/objection.ts')));
}

/** Registers `gongshu usage` (its action: cli/commands/usage.ts). */
export function usage(program: Command): void {
  governanceOptions(
    program
      .command('usage')
      .description('the log of data provided and obtained (第十五条): list, or record the effect of a use')
      .addArgument(program.createArgument('<action>', 'list or effect').choices(['list', 'effect']))
      .argument('[id]', 'effect: the usage entry')
      .option('--dataset <name>', 'list: only this dataset')
      .option(
        '--kind <kind>',
        'list: only this kind (ingest, export, sql-read, backflow-served, backflow-received, destruction)',
      )
      .option('--text <text>', 'effect: what the use achieved (使用效果)'),
  ).action(lazy(() => import('../commands/usage.ts')));
}

/** Registers `gongshu duplicates` (its action: cli/commands/duplicates.ts). */
export function duplicates(program: Command): void {
  governanceOptions(
    program
      .command('duplicates')
      .description(
        'one data, one source (一数一源, 第十三条): datasets collecting a data element whose authoritative source is another department, with overlapping keys and disagreements',
      ),
    { at: false },
  ).action(lazy(() => import('../commands/duplicates.ts')));
}

/** Registers `gongshu evaluate` (its action: cli/commands/evaluate.ts). */
export function evaluate(program: Command): void {
  governanceOptions(
    program
      .command('evaluate')
      .description(
        "the yearly evaluation per department (第三十九条): catalog, collection, quality, provided and used, requests, objections, repeated collection, article-44 failures; with the children's sent with their pushes",
      )
      .option('--year <year>', 'the year evaluated (default the current one, Asia/Shanghai)')
      .option('--out <file>', 'also write the evaluation as JSON to this file'),
  ).action(lazy(() => import('../commands/evaluate.ts')));
}

/** Registers `gongshu destroy` (its action: cli/commands/destroy.ts). */
export function destroy(program: Command): void {
  governanceOptions(
    program
      .command('destroy')
      .description("drop a dataset's tables on this node and record the destruction (销毁, 第十五条)")
      .argument('<dataset>', 'the dataset')
      .option('--method <text>', 'how, e.g. 删除数据表')
      .option('--reason <text>', 'why, e.g. 使用期满')
      .option('--from <schemas>', 'only these of main, backflow, received (default all)'),
  ).action(lazy(() => import('../commands/destroy.ts')));
}
