/**
 * The operations commands: schedules, the calendar, a new project, backups, the node service, the writer
 * lock. Each function registers one command; cli/program.ts calls them in help order.
 */
import { type Command, Option } from 'commander';
import { lazy } from './action.ts';

/** Registers `gongshu schedules` (its action: cli/commands/schedules.ts). */
export function schedules(program: Command): void {
  program
    .command('schedules')
    .description("list the project's schedules with their next firing (Asia/Shanghai), or fire one now")
    .addArgument(program.createArgument('[action]', 'list (default) or run').choices(['list', 'run']))
    .argument('[name]', 'run: the schedule to fire')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'run: DuckDB file; defaults to the project warehouse')
    .option('--json', 'one JSON object per schedule (list) or the run (run)')
    .action(lazy(() => import('../commands/schedules.ts')));
}

/** Registers `gongshu calendar` (its action: cli/commands/calendar.ts). */
export function calendar(program: Command): void {
  program
    .command('calendar')
    .description(
      'check the working-day calendar: known years, and whether next year is there (exit 1 when missing after 1 December)',
    )
    .addArgument(program.createArgument('<action>', 'check').choices(['check']))
    .option('--project <dir>', 'project directory (its calendar files); defaults to the nearest one upward')
    .option('--today <date>', 'the date to check for (YYYY-MM-DD); defaults to today in Asia/Shanghai')
    .option('--json', 'print { ok, missing, years, fix } as JSON')
    .action(lazy(() => import('../commands/calendar.ts')));
}

/** Registers `gongshu init` (its action: cli/commands/init.ts). */
export function init(program: Command): void {
  program
    .command('init')
    .description(
      'create a working project in DIR (config, a GB18030 sample, catalog, foundation, model, schedule, rules)',
    )
    .argument('<dir>', 'the new project folder (must not exist or be empty)')
    .option('--node <code>', 'the six-digit GB/T 2260 code of the node', '650102')
    .addOption(
      new Option('--level <level>', 'the node level')
        .choices(['county', 'prefecture', 'region'])
        .default('county'),
    )
    .option('--name <name>', 'the node name; defaults to the division name of --node')
    .option('--json', 'print what was written as JSON')
    .action(lazy(() => import('../commands/init.ts')));
}

/** Registers `gongshu backup` (its action: cli/commands/backup.ts). */
export function backup(program: Command): void {
  program
    .command('backup')
    .description(
      'encrypted backups of the warehouse: create, list, verify (by restoring), restore, prune, status, keygen',
    )
    .addArgument(
      program
        .createArgument('<action>', 'what to do')
        .choices(['create', 'list', 'verify', 'restore', 'prune', 'status', 'keygen']),
    )
    .argument('[id]', 'the backup id (verify, restore), or the key file to create (keygen)')
    .option(
      '--to <targets...>',
      'create: destination names (default all); restore: the folder or .duckdb file',
    )
    .option('--from <names...>', 'list/verify/prune: only these destinations; restore: the one to read')
    .option('--force', 'restore: replace an existing warehouse (under its writer lock)')
    .option('--verify', 'create: verify the new backup by restoring it afterwards')
    .option('--no-prune', 'create: keep expired backups (no retention pass)')
    .option('--dry-run', 'prune: list what would be removed')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'machine-readable output (the last line is the result; list: one line per backup)')
    .action(lazy(() => import('../commands/backup.ts')));
}

/** Registers `gongshu serve` (its action: cli/commands/serve.ts). */
export function serve(program: Command): void {
  program
    .command('serve')
    .description(
      "run the node service: it holds the warehouse, runs the schedules, serves the platform HTTP API and takes the CLI's commands on its control socket (.gongshu/control.sock)",
    )
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--port <n>', 'port; defaults to platform.listen.port (0: any free port)')
    .option('--host <host>', 'address to listen on; defaults to platform.listen.host')
    .option('--no-schedules', 'do not run the project schedules')
    .option(
      '--shutdown-timeout <seconds>',
      "on SIGTERM, time the running job gets to finish before it is rolled back; defaults to the project's service.shutdownSeconds (30)",
    )
    .option('--json', 'print { listening: { url, … } } as JSON when ready')
    .action(lazy(() => import('../commands/serve.ts')));
}

/** Registers `gongshu unlock` (its action: cli/commands/unlock.ts). */
export function unlock(program: Command): void {
  program
    .command('unlock')
    .description('free the writer lock of a warehouse whose holder is gone (killed, or its machine down)')
    .option('--project <dir>', 'project directory, to find its warehouse; defaults to the nearest one upward')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option(
      '--force',
      'also free a lock held from another host (gongshu cannot see whether that process runs)',
    )
    .option('--json', 'print { lockFile, removed } as JSON')
    .action(lazy(() => import('../commands/unlock.ts')));
}
