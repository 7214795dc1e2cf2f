/**
 * The data commands: identifiers, pipeline runs, one-file ingest, SQL, the quarantine, the run list and the
 * demo. Each function registers one command; cli/program.ts calls them in help order.
 */
import { type Command, Option } from 'commander';
import { lazy } from './action.ts';

/** Registers `gongshu validate` (its action: cli/commands/validate.ts). */
export function validate(program: Command): void {
  program
    .command('validate')
    .description('validate identifiers: citizen-id (GB 11643), uscc (GB 32100) or division (GB/T 2260)')
    .addArgument(
      program.createArgument('<kind>', 'what the values are').choices(['citizen-id', 'uscc', 'division']),
    )
    .argument('<values...>', 'values to check (use - to read one per line from stdin)')
    .option('--json', 'one JSON object per input, in input order')
    .option('--divisions <file>', 'merge an official GB/T 2260 table (CSV) into the built-in one first')
    .action(lazy(() => import('../commands/validate.ts')));
}

/** Registers `gongshu run` (its action: cli/commands/run.ts). */
export function run(program: Command): void {
  program
    .command('run')
    .description("run a project's pipelines (all, or those named) into its warehouse")
    .argument('[pipelines...]', 'pipeline names; all when omitted')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'print the run summary as JSON')
    .action(lazy(() => import('../commands/run.ts')));
}

/** Registers `gongshu sql` (its action: cli/commands/sql.ts). */
export function sql(program: Command): void {
  program
    .command('sql')
    .description('run a SQL query against the warehouse (read-only)')
    .argument('<query>', 'the SQL query')
    .option('--project <dir>', 'project directory, to find its warehouse')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'one JSON object per row')
    .option('--write', 'open for writing (takes the writer lock)')
    .option('--purpose <text>', 'why the data is read (recorded in the usage log)')
    .option('--operator <name>', 'who reads (usage log); defaults to $GONGSHU_OPERATOR or the login name')
    .option('--department <name>', 'the department the reader acts for (usage log)')
    .action(lazy(() => import('../commands/sql.ts')));
}

/** Registers `gongshu ingest` (its action: cli/commands/ingest.ts). */
export function ingest(program: Command): void {
  program
    .command('ingest')
    .description('load one file into a dataset without a project (keeps the source column names)')
    .argument('<path>', 'a .csv/.txt/.tsv, .xlsx, .json/.ndjson or .arrow file')
    .requiredOption('--dataset <name>', 'the dataset (table) to load into')
    .option(
      '--key <kind:column>',
      'citizen-id:COLUMN or uscc:COLUMN; defaults to the key remembered for the dataset',
    )
    .addOption(
      new Option('--encoding <encoding>', 'CSV/JSON encoding (auto: detected)')
        .choices(['auto', 'utf-8', 'gb18030', 'gbk'])
        .default('auto'),
    )
    .option('--sheet <name>', 'Excel sheet (name or 1-based number); defaults to the first')
    .option('--header-row <n>', 'Excel header row (1-based); defaults to auto-detection')
    .addOption(
      new Option('--mode <mode>', 'write mode').choices(['append', 'replace', 'merge']).default('append'),
    )
    .option(
      '--project <dir>',
      'project directory, to load into its warehouse; defaults to the nearest one upward, if any',
    )
    .option(
      '--warehouse <file>',
      "DuckDB file; defaults to the project's warehouse, or .gongshu/warehouse.duckdb outside a project",
    )
    .option('--json', 'print the load summary as JSON (last line)')
    .action(lazy(() => import('../commands/ingest.ts')));
}

/** Registers `gongshu quarantine` (its action: cli/commands/quarantine.ts). */
export function quarantine(program: Command): void {
  program
    .command('quarantine')
    .description('list quarantined rows, or replay them after fixing the cause')
    .addArgument(program.createArgument('<action>', 'list or replay').choices(['list', 'replay']))
    .argument('[dataset]', 'the dataset (required for replay)')
    .option('--reason <prefix>', 'only reasons starting with this, e.g. key:division or type:')
    .option('--load <id>', 'only rows of this load')
    .option('--all', 'list replayed rows too')
    .option('--limit <n>', 'rows to list', '50')
    .option('--unmasked', 'show key values unmasked (they are masked by default)')
    .option('--project <dir>', 'project directory (its pipeline is used for replay)')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'one JSON object per row (list) or the replay summary (replay)')
    .action(lazy(() => import('../commands/quarantine.ts')));
}

/** Registers `gongshu runs` (its action: cli/commands/runs.ts). */
export function runs(program: Command): void {
  program
    .command('runs')
    .description('list recorded runs (pipelines, builds, schedules, backfills), newest first')
    .option('--kind <kind>', 'only runs of this kind: pipeline, build, schedule, backfill, …')
    .option('--limit <n>', 'runs to list', '50')
    .option('--project <dir>', 'project directory, to find its warehouse')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'one JSON object per run')
    .action(lazy(() => import('../commands/runs.ts')));
}

/** Registers `gongshu demo` (its action: cli/commands/demo.ts). */
export function demo(program: Command): void {
  program
    .command('demo')
    .description('generate the example region (Xinjiang) and run it end to end')
    .option('--people <n>', 'people to generate', '100000')
    .option('--seed <n>', 'generator seed', '20261129')
    .option('--json', 'print the run summary as JSON')
    .action(lazy(() => import('../commands/demo.ts')));
}
