/**
 * The catalog command (政务信息资源目录): entries and their lifecycle. Each function registers one command;
 * cli/program.ts calls them in help order.
 */
import type { Command } from 'commander';
import { lazy } from './action.ts';
import { governanceOptions } from './options.ts';

/** Registers `gongshu catalog` (its action: cli/commands/catalog.ts). */
export function catalog(program: Command): void {
  governanceOptions(
    program
      .command('catalog')
      .description(
        "the project's catalog entries (政务信息资源目录) and their lifecycle: list, diff, submit, approve, publish, review, trigger, versions, problems, export",
      )
      .addArgument(
        program
          .createArgument('[action]', 'what to do (default list)')
          .choices([
            'list',
            'diff',
            'submit',
            'approve',
            'publish',
            'review',
            'trigger',
            'versions',
            'problems',
            'export',
          ]),
      )
      .argument('[code]', 'the entry: resource code or dataset name')
      .option(
        '--trigger <kind>',
        'submit: what started the change: law, duty, routine, review, initial (default routine)',
      )
      .option(
        '--trigger-date <date>',
        'submit: the date of the law or duty change (15 working days run from it)',
      )
      .option('--reference <text>', 'submit/trigger: the document of the change, e.g. 新政办发〔2026〕12号')
      .option('--kind <kind>', 'trigger: law or duty')
      .option('--date <date>', 'trigger: the date of the change')
      .option('--reject <reason>', 'approve: reject the submitted version instead, with this reason')
      .option('--outcome <outcome>', 'review: keep, promote or change (default keep)')
      .option('--next <date>', 'review: when the next review is due (default one year later)')
      .option('--note <text>', 'submit/review: a note')
      .option('--format <format>', 'export: xlsx, csv or json (default xlsx)')
      .option('--out <file>', 'export: the file to write (csv and json go to stdout without it)'),
  ).action(lazy(() => import('../commands/catalog.ts')));
}
