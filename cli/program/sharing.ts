/**
 * The sharing commands: requests, fulfilment as files, open data. Each function registers one command;
 * cli/program.ts calls them in help order.
 */
import { type Command, Option } from 'commander';
import { lazy } from './action.ts';
import { governanceOptions } from './options.ts';

/** Registers `gongshu request` (its action: cli/commands/request.ts). */
export function request(program: Command): void {
  governanceOptions(
    program
      .command('request')
      .description('sharing requests (第十七条、第二十一条): submit, review, decide, withdraw, list, show')
      .addArgument(
        program
          .createArgument('<action>', 'what to do')
          .choices(['submit', 'review', 'decide', 'withdraw', 'list', 'show']),
      )
      .argument('[id]', 'the request (review, decide, withdraw, show)')
      .option('--dataset <name>', 'submit: the dataset asked for')
      .option('--columns <list>', 'submit: comma-separated catalog columns (minimum necessary)')
      .option('--purpose <text>', 'submit: the use scenario (应用场景)')
      .option(
        '--basis <text>',
        'submit: the legal basis of the request; decide --refuse: the legal basis of the refusal',
      )
      .option('--use <text>', 'submit: how the data will be used')
      .option('--commitment <text>', 'submit: the use commitment (使用承诺)')
      .option(
        '--emergency <kind>',
        'submit: an emergency kind (earthquake, flood, public-health, …): due within hours',
      )
      .option('--emergency-note <text>', 'submit: what the emergency is')
      .option(
        '--audience <audience>',
        'submit: department (default), authorised, or public (the open masking policy applies)',
      )
      .option(
        '--division <prefix>',
        "submit: limit rows to this division prefix (a child's own division by default)",
      )
      .option('--parent', 'submit/show: send to (read from) the parent node over the signed API')
      .option('--conform', 'review: the request conforms')
      .option('--reject', 'review: the request does not conform (with --reason)')
      .option('--reason <text>', 'review --reject / decide --refuse / withdraw: why')
      .option('--note <text>', 'review: a note')
      .option('--grant', 'decide: grant the request')
      .option('--refuse', 'decide: refuse it (with --reason and --basis)')
      .option('--grant-columns <list>', 'decide --grant: grant only these of the requested columns')
      .option('--valid-until <date>', 'decide --grant: last valid day (default sharing.grantValidDays)')
      .option('--allow-core', 'decide --grant: explicitly grant core data (核心数据)')
      .option('--overdue', 'list: only requests past their due time'),
  ).action(lazy(() => import('../commands/request.ts')));
}

/** Registers `gongshu share` (its action: cli/commands/share.ts). */
export function share(program: Command): void {
  governanceOptions(
    program
      .command('share')
      .description(
        'fulfil a granted request as files: share export REQUEST --out DIR --format csv|json|parquet',
      )
      .addArgument(program.createArgument('<action>', 'export').choices(['export']))
      .argument('<request>', 'the granted request')
      .option('--out <dir>', 'output folder (the files go to DIR/<request>/)')
      .addOption(
        new Option('--format <format>', 'file format').choices(['csv', 'json', 'parquet']).default('csv'),
      ),
  ).action(lazy(() => import('../commands/share.ts')));
}

/** Registers `gongshu open` (its action: cli/commands/open.ts). */
export function open(program: Command): void {
  governanceOptions(
    program
      .command('open')
      .description(
        'open data (第二十四条、第二十七条至第三十二条): open catalog, versioned export with provenance metadata, versions, taking versions offline',
      )
      .addArgument(
        program
          .createArgument('<action>', 'what to do')
          .choices(['catalog', 'export', 'versions', 'offline']),
      )
      .argument(
        '[codes...]',
        'export/versions: resource codes or dataset names (default: all open resources); offline: one code',
      )
      .option(
        '--out <dir>',
        'export: output folder (DIR/<folder>/v<n>/ and DIR/<folder>/latest; folder = the code with / as _)',
      )
      .addOption(
        new Option('--format <format>', 'export: file format')
          .choices(['csv', 'json', 'parquet'])
          .default('csv'),
      )
      .option('--reopen', 'export: export named resources that open offline retired')
      .option('--only-version <n>', 'offline: only this version (not the live one)')
      .option('--superseded', 'offline: every version that is not live (superseded or suspended)')
      .option('--reason <text>', 'offline: why (audit chain and consumer notice)'),
  ).action(lazy(() => import('../commands/open.ts')));
}
