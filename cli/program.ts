import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { isGongshuError } from '../schemas/index.ts';
import { CliError, EXIT, exitCodeOf } from './errors.ts';
import { forwardToService } from './forwarding.ts';
import { processOutput } from './output.ts';
import { currentSession } from './session.ts';

/** Options every command accepts. */
export interface GlobalOptions {
  logLevel: string;
  debug?: boolean;
}

type Action = (args: unknown[], program: Command) => Promise<number>;

/** Options naming files or folders: inside the node service they resolve from the CLI's working directory. */
const PATH_OPTIONS = ['project', 'warehouse', 'out', 'report'] as const;

/** Sets the exit code of the command: the process's, or its session's inside the node service. */
function setExitCode(code: number): void {
  const session = currentSession();
  if (session) session.exitCode = code;
  else process.exitCode = code;
}

/**
 * Wraps a lazily imported command module so its errors become exit codes and clear messages. A command on a
 * project whose node service runs is sent to the service (forwarding.ts); inside the service, its path options
 * resolve from the sending CLI's working directory.
 */
function lazy(load: () => Promise<{ default: Action }>) {
  return async (...raw: unknown[]) => {
    const command = raw.at(-1) as Command;
    const program = command.parent ?? command;
    const debug = Boolean(program.opts().debug);
    const args = raw.slice(0, -2);
    try {
      const session = currentSession();
      if (session) {
        const opts = command.opts<Record<string, unknown>>();
        for (const key of PATH_OPTIONS) {
          const v = opts[key];
          if (typeof v === 'string') command.setOptionValue(key, resolve(session.request.cwd, v));
        }
        if ('project' in opts || command.options.some((o) => o.attributeName() === 'project')) {
          if (opts.project === undefined) command.setOptionValue('project', session.request.project);
        }
      } else {
        const forwarded = await forwardToService(command, args);
        if (forwarded !== undefined) {
          setExitCode(forwarded);
          return;
        }
      }
      const action = (await load()).default;
      setExitCode(await action(raw.slice(0, -1), command));
    } catch (error) {
      const out = processOutput();
      const known = isGongshuError(error);
      out.note(
        `gongshu: ${known ? (error as Error).message : `internal error: ${(error as Error)?.message ?? error}`}`,
      );
      if (debug || !known) out.note(String((error as Error)?.stack ?? ''));
      if (!known && !debug) out.note('This is a bug in gongshu; rerun with --debug and report the output.');
      setExitCode(exitCodeOf(error));
    }
  };
}

/** The `gongshu` command with all its subcommands (actions imported lazily when run). */
export function buildProgram(): Command {
  const program = new Command('gongshu')
    .description(
      'gongshu (公数): public-data pipelines, identifiers, quality and the platform hierarchy on DuckDB',
    )
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors exit 2 (commander's default is 1, which here means "ran and found failures").
    .configureOutput({
      writeOut: (s) => processOutput().data(s.trimEnd()),
      writeErr: (s) => processOutput().note(s.trimEnd()),
    })
    .exitOverride((err) => {
      // Inside the node service a usage error ends the command, not the service.
      if (currentSession()) throw new CliError(err.message, err.exitCode === 0 ? EXIT.ok : EXIT.usage);
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
    });

  program
    .command('validate')
    .description('validate identifiers: citizen-id (GB 11643), uscc (GB 32100) or division (GB/T 2260)')
    .addArgument(
      program.createArgument('<kind>', 'what the values are').choices(['citizen-id', 'uscc', 'division']),
    )
    .argument('<values...>', 'values to check (use - to read one per line from stdin)')
    .option('--json', 'one JSON object per input, in input order')
    .option('--divisions <file>', 'merge an official GB/T 2260 table (CSV) into the built-in one first')
    .action(lazy(() => import('./commands/validate.ts')));

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
    .action(lazy(() => import('./commands/run.ts')));

  program
    .command('catalog')
    .description("list the project's catalog entries (政务信息资源目录)")
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--json', 'one JSON object per entry')
    .action(lazy(() => import('./commands/catalog.ts')));

  program
    .command('sql')
    .description('run a SQL query against the warehouse (read-only)')
    .argument('<query>', 'the SQL query')
    .option('--project <dir>', 'project directory, to find its warehouse')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'one JSON object per row')
    .option('--write', 'open for writing (takes the writer lock)')
    .action(lazy(() => import('./commands/sql.ts')));

  program
    .command('ingest')
    .description('load one file into a dataset without a project (keeps the source column names)')
    .argument('<path>', 'a .csv/.txt/.tsv, .xlsx, .json/.ndjson or .arrow file')
    .requiredOption('--dataset <name>', 'the dataset (table) to load into')
    .option(
      '--key <kind:column>',
      'citizen-id:COLUMN or uscc:COLUMN; defaults to the key remembered for the dataset',
    )
    .option('--encoding <encoding>', 'CSV/JSON encoding: auto, utf-8, gb18030, gbk', 'auto')
    .option('--sheet <name>', 'Excel sheet (name or 1-based number); defaults to the first')
    .option('--header-row <n>', 'Excel header row (1-based); defaults to auto-detection')
    .addOption(
      new Option('--mode <mode>', 'write mode').choices(['append', 'replace', 'merge']).default('append'),
    )
    .option('--warehouse <file>', 'DuckDB file', '.gongshu/warehouse.duckdb')
    .option('--json', 'print the load summary as JSON (last line)')
    .action(lazy(() => import('./commands/ingest.ts')));

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
    .action(lazy(() => import('./commands/quarantine.ts')));

  program
    .command('quality')
    .description(
      'score datasets in five quality dimensions (完整性/有效性/及时性/一致性/准确性) and write the report',
    )
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--dataset <names...>', 'datasets to assess; all loaded datasets when omitted')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'print the report as JSON (the last line of stdout)')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a rule of this severity or above fails').choices([
        'error',
        'warn',
      ]),
    )
    .option('--as-of <date>', 'reference date of timeliness rules (YYYY-MM-DD); defaults to today')
    .option('--no-mask', 'show sample values unmasked (default: masked per the catalog)')
    .action(lazy(() => import('./commands/quality.ts')));

  program
    .command('report')
    .description('render the static quality dashboard (HTML, report.json, report.md, rules.csv), offline')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--out <dir>', 'output folder; defaults to <project>/out/report')
    .addOption(new Option('--lang <lang>', 'language of the pages').choices(['zh-CN', 'en']).default('zh-CN'))
    .option(
      '--report <file>',
      'the quality report JSON; defaults to the newest in <project>/.gongshu/reports',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'print what was written as JSON')
    .action(lazy(() => import('./commands/report.ts')));

  program
    .command('build')
    .description(
      'build foundation (基础库), theme (主题库) and topic (专题库) databases; names are built with their dependencies',
    )
    .argument(
      '[models...]',
      'foundations/models to build with everything upstream (e.g. topic.elderly_subsidy_2026); all when omitted',
    )
    .option('--select <selectors...>', 'build exactly these: x, +x (with upstream), x+ (with downstream)')
    .option('--full-refresh', 'rebuild foundations fully instead of incrementally')
    .option('--concurrency <n>', 'nodes in flight at once (SQL still runs one at a time)', '1')
    .option('--no-gates', 'build models even when their quality gate would block them')
    .option('--allow-blocked', 'exit 0 when a quality gate blocked a selected model (it stays blocked)')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--json', 'print the build summary as JSON')
    .action(lazy(() => import('./commands/build.ts')));

  program
    .command('runs')
    .description('list recorded runs (pipelines, builds, schedules, backfills), newest first')
    .option('--kind <kind>', 'only runs of this kind: pipeline, build, schedule, backfill, …')
    .option('--limit <n>', 'runs to list', '50')
    .option('--project <dir>', 'project directory, to find its warehouse')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'one JSON object per run')
    .action(lazy(() => import('./commands/runs.ts')));

  program
    .command('demo')
    .description('generate the example region (Xinjiang) and run it end to end')
    .option('--people <n>', 'people to generate', '100000')
    .option('--seed <n>', 'generator seed', '20261129')
    .option('--json', 'print the run summary as JSON')
    .action(lazy(() => import('./commands/demo.ts')));

  program
    .command('keys')
    .description("create or show this node's ed25519 key pair (platform identity)")
    .addArgument(program.createArgument('<action>', 'init or show').choices(['init', 'show']))
    .option('--project <dir>', 'project directory (its keys live in .gongshu/keys)')
    .option('--force', 'init: replace an existing key pair')
    .option('--json', 'print { node, publicKey } as JSON')
    .action(lazy(() => import('./commands/keys.ts')));

  program
    .command('push')
    .description(
      'push catalogued datasets changed since the last acknowledged push to the parent node (上报)',
    )
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--dataset <names...>', 'only these datasets; default every reportable dataset')
    .option('--json', 'print the push summary as JSON')
    .action(lazy(() => import('./commands/push.ts')));

  program
    .command('backflow')
    .description("ask the parent node for this node's rows of a dataset (回流), into backflow.<dataset>")
    .argument('<dataset>', 'the dataset')
    .option('--columns <list>', 'comma-separated catalog columns; default all this node is entitled to')
    .option('--purpose <text>', 'the use scenario of the request (required, recorded in the audit)')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/backflow.ts')));

  program
    .command('audit')
    .description('list or verify the hash-chained audit of transfers (push, backflow)')
    .addArgument(program.createArgument('<action>', 'list or verify').choices(['list', 'verify']))
    .option('--dataset <name>', 'list: only this dataset')
    .option('--action <action>', 'list: only this action (push-sent, push-received, backflow-served, …)')
    .option('--limit <n>', 'list: newest entries to show', '50')
    .option('--project <dir>', 'project directory, to find its warehouse')
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'one JSON object per entry (list) or the verification (verify)')
    .action(lazy(() => import('./commands/audit.ts')));

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
    .action(lazy(() => import('./commands/schedules.ts')));

  program
    .command('calendar')
    .description(
      'check the working-day calendar: known years, and whether next year is there (exit 1 when missing after 1 December)',
    )
    .addArgument(program.createArgument('<action>', 'check').choices(['check']))
    .option('--project <dir>', 'project directory (its calendar files); defaults to the nearest one upward')
    .option('--today <date>', 'the date to check for (YYYY-MM-DD); defaults to today in Asia/Shanghai')
    .option('--json', 'print { ok, missing, years, fix } as JSON')
    .action(lazy(() => import('./commands/calendar.ts')));

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
    .action(lazy(() => import('./commands/init.ts')));

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
    .action(lazy(() => import('./commands/serve.ts')));

  return program;
}

/** Runs the CLI on a command line (`process.argv`). */
export async function runCli(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
