import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ArgumentProblems } from './arguments.ts';
import { CliError, EXIT, EXIT_MEANINGS, errorReport } from './errors.ts';
import { forwardToService } from './forwarding.ts';
import { addHelpFooters, COMMAND_HELP } from './help.ts';
import { invocation, rewriteHints } from './invocation.ts';
import { processOutput } from './output.ts';
import { currentSession } from './session.ts';
import { isVersionRequest } from './version.ts';

/** Options every command accepts. */
export interface GlobalOptions {
  logLevel: string;
  debug?: boolean;
}

/** A lazily imported command module: the action, and the checks of its arguments that run before it. */
export interface CommandModule {
  /** Runs the command; returns its exit code. */
  default: (args: unknown[], command: Command) => Promise<number>;
  /** Adds every problem of the arguments and options to `problems` (no I/O beyond stat; nothing is opened). */
  checkArguments?: (args: unknown[], options: Record<string, unknown>, problems: ArgumentProblems) => void;
}

/** The command names, for rewriting `gongshu <command>` in hints. */
let commandNames: string[] = [];

/** Rewrites `gongshu <command>` in a text into the way the user ran gongshu. */
export function asRun(text: string): string {
  return rewriteHints(text, commandNames);
}

/** Whether the command line asks for JSON output (also when commander could not parse it). */
function wantsJson(command: Command | undefined, argv: readonly string[]): boolean {
  return command ? Boolean(command.opts().json) : argv.includes('--json');
}

/** Prints an error: the human line on stderr and, with --json, `{ "error": … }` as one line on stdout. */
export function reportError(error: unknown, options: { json: boolean; debug: boolean }): number {
  const out = processOutput();
  const report = errorReport(error, asRun);
  out.note(`gongshu: ${report.message}`);
  if (options.debug || report.code === 'internal') out.note(String((error as Error)?.stack ?? ''));
  if (report.code === 'internal' && !options.debug)
    out.note('This is a bug in gongshu; rerun with --debug and report the output.');
  if (options.json) out.json({ error: report });
  return report.exitCode;
}

/** Options naming files or folders: inside the node service they resolve from the CLI's working directory. */
const PATH_OPTIONS = ['project', 'warehouse', 'out', 'report'] as const;

/** Sets the exit code of the command: the process's, or its session's inside the node service. */
function setExitCode(code: number): void {
  const session = currentSession();
  if (session) session.exitCode = code;
  else process.exitCode = code;
}

/**
 * Inside the node service (a command sent over its control socket), path options resolve from the sending
 * CLI's working directory, and `--project` defaults to the project the CLI found.
 */
function resolveSessionPaths(command: Command): void {
  const session = currentSession();
  if (!session) return;
  const opts = command.opts<Record<string, unknown>>();
  for (const key of PATH_OPTIONS) {
    const v = opts[key];
    if (typeof v === 'string') command.setOptionValue(key, resolve(session.request.cwd, v));
  }
  if (command.options.some((o) => o.attributeName() === 'project') && opts.project === undefined)
    command.setOptionValue('project', session.request.project);
}

/** Problems commander found in a command's line (unknown options, missing arguments), by command. */
const syntaxProblems = new WeakMap<Command, { message: string; code: string }[]>();

/**
 * Makes a command collect its command-line problems instead of exiting at the first, so they are reported
 * together with the value checks: commander calls `error()` for each and, when it returns, goes on parsing.
 */
function collectSyntaxProblems(command: Command): void {
  const found: { message: string; code: string }[] = [];
  syntaxProblems.set(command, found);
  command.error = ((message: string, options?: { code?: string }) => {
    found.push({ message: message.replace(/^error: /, ''), code: options?.code ?? 'commander.error' });
  }) as Command['error'];
  // Choices are checked with the other values (see checkChoices), not one at a time while parsing.
  for (const o of command.options) if (o.argChoices && !o.variadic) o.argParser((v) => v);
  for (const a of command.registeredArguments) if (a.argChoices && !a.variadic) a.argParser((v) => v);
}

/** Adds a problem for each option or argument value outside its declared choices. */
function checkChoices(command: Command, args: readonly unknown[], problems: ArgumentProblems): void {
  for (const o of command.options) {
    if (o.argChoices)
      problems.choice(o.long ?? o.name(), command.getOptionValue(o.attributeName()), o.argChoices);
  }
  command.registeredArguments.forEach((a, i) => {
    if (a.argChoices) problems.choice(a.name().toUpperCase(), args[i], a.argChoices);
  });
}

/**
 * Wraps a lazily imported command module: every problem of the command line (commander's, the declared
 * choices, the module's `checkArguments`) is reported together before the action runs; errors become exit
 * codes and clear messages (and JSON with --json). A command on a project whose node service runs is sent to
 * the service (forwarding.ts) once its line checks out.
 */
function lazy(load: () => Promise<CommandModule>) {
  return async (...raw: unknown[]) => {
    const command = raw.at(-1) as Command;
    const args = raw.slice(0, -2); // commander passes (...args, options, command)
    const program = command.parent ?? command;
    const debug = Boolean(program.opts().debug);
    try {
      const problems = new ArgumentProblems();
      const example = COMMAND_HELP[command.name()]?.examples[0];
      // Hints are written `gongshu …`; reportError shows them the way the user ran gongshu.
      const seeHelp = `see gongshu ${command.name()} --help${example ? `, e.g. ${example}` : ''}`;
      const syntax = syntaxProblems.get(command) ?? [];
      const unknown = syntax.filter((p) => p.code === 'commander.unknownOption');
      if (unknown.length > 0) {
        // Commander stops reading options at an unknown one, so later "missing" problems would be false.
        for (const p of unknown)
          problems.addMessage(`${p.message} (the options after it were not read)`, seeHelp);
        problems.throwIfAny();
      }
      for (const p of syntax) problems.addMessage(p.message, seeHelp);
      checkChoices(command, args, problems);
      resolveSessionPaths(command);
      const module = await load();
      module.checkArguments?.(args, command.opts(), problems);
      problems.throwIfAny();
      if (!currentSession()) {
        const forwarded = await forwardToService(command, args);
        if (forwarded !== undefined) {
          setExitCode(forwarded);
          return;
        }
      }
      setExitCode(await module.default(args, command));
    } catch (error) {
      setExitCode(reportError(error, { json: wantsJson(command, []), debug }));
    }
  };
}

/** Options of the governance commands: who acts, as of when, where. */
function governanceOptions(command: Command, options: { at?: boolean } = {}): Command {
  command
    .option(
      '--operator <name>',
      'who acts (recorded in the audit); defaults to $GONGSHU_OPERATOR or the login name',
    )
    .option('--department <name>', 'the department the operator acts for')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'print the result as JSON (the last line of stdout)');
  if (options.at !== false) {
    command.option(
      '--at <time>',
      'act as of this ISO time or date (Asia/Shanghai unless an offset is given); defaults to now',
    );
  }
  return command;
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
    .option(
      '--progress',
      'show the progress of steps longer than 2 s on stderr even when it is not a terminal (a line every 5 s)',
    )
    .option(
      '-V, --version',
      'print the versions of gongshu, DuckDB and Node.js (as JSON with --version --json)',
    )
    .configureOutput({
      // One prefix for every error line: `gongshu: unknown command 'x'` as for the commands' own errors.
      outputError: (text, write) => write(`gongshu: ${text.replace(/^error: /, '')}`),
      // Through processOutput: inside the node service, to the CLI that sent the command.
      writeOut: (text) => processOutput().data(text.trimEnd()),
      writeErr: (text) => processOutput().note(text.trimEnd()),
    })
    .showHelpAfterError('(run with --help for usage)')
    // Usage errors exit 2 (commander's default is 1, which here means "ran and found failures"). Errors of a
    // subcommand's line are collected instead (collectSyntaxProblems); these are the program's own.
    .exitOverride((err) => {
      const exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      // Inside the node service a usage error ends the command, not the service.
      if (currentSession()) throw new CliError(err.message, exitCode);
      if (exitCode !== EXIT.ok && process.argv.includes('--json')) {
        const report =
          err.code === 'commander.help'
            ? { code: 'usage', message: 'no command given', fix: asRun('see gongshu --help'), exitCode }
            : errorReport(err, asRun);
        processOutput().json({ error: report });
      }
      process.exit(exitCode);
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
  ).action(lazy(() => import('./commands/catalog.ts')));

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
  ).action(lazy(() => import('./commands/request.ts')));

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
  ).action(lazy(() => import('./commands/share.ts')));

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
  ).action(lazy(() => import('./commands/open.ts')));

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
  ).action(lazy(() => import('./commands/objection.ts')));

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
  ).action(lazy(() => import('./commands/usage.ts')));

  governanceOptions(
    program
      .command('duplicates')
      .description(
        'one data, one source (一数一源, 第十三条): datasets collecting a data element whose authoritative source is another department, with overlapping keys and disagreements',
      ),
    { at: false },
  ).action(lazy(() => import('./commands/duplicates.ts')));

  governanceOptions(
    program
      .command('evaluate')
      .description(
        "the yearly evaluation per department (第三十九条): catalog, collection, quality, provided and used, requests, objections, repeated collection, article-44 failures; with the children's sent with their pushes",
      )
      .option('--year <year>', 'the year evaluated (default the current one, Asia/Shanghai)')
      .option('--out <file>', 'also write the evaluation as JSON to this file'),
  ).action(lazy(() => import('./commands/evaluate.ts')));

  governanceOptions(
    program
      .command('destroy')
      .description("drop a dataset's tables on this node and record the destruction (销毁, 第十五条)")
      .argument('<dataset>', 'the dataset')
      .option('--method <text>', 'how, e.g. 删除数据表')
      .option('--reason <text>', 'why, e.g. 使用期满')
      .option('--from <schemas>', 'only these of main, backflow, received (default all)'),
  ).action(lazy(() => import('./commands/destroy.ts')));

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
    .description(
      "create or show this node's ed25519 key pair (platform identity) and, with --tls, its self-signed TLS certificate",
    )
    .addArgument(program.createArgument('<action>', 'init or show').choices(['init', 'show']))
    .option('--project <dir>', 'project directory (its keys live in .gongshu/keys)')
    .option('--force', 'init: replace an existing key pair (and certificate)')
    .option(
      '--tls',
      'init: also make a self-signed TLS certificate (tls.crt, tls.key; needs the openssl command) for the other side to pin',
    )
    .option(
      '--host <names...>',
      'init --tls: host names and addresses the certificate is for (default localhost, 127.0.0.1, this host)',
    )
    .option('--json', 'print { node, publicKey } as JSON')
    .action(lazy(() => import('./commands/keys.ts')));

  program
    .command('push')
    .description(
      'push reportable datasets changed since the last acknowledged push to the parent node (上报); dead-letters lists batches the parent refused for good, retry BATCH sends one again, abandon BATCH gives it up',
    )
    .argument('[action]', 'dead-letters, retry or abandon; omitted: push')
    .argument('[batch]', 'retry/abandon: the dead letter (as push dead-letters lists it)')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project setting or .gongshu/warehouse.duckdb')
    .option('--dataset <names...>', 'only these datasets; default every reportable dataset')
    .option('--json', 'print the push summary (or one JSON object per dead letter) as JSON')
    .action(lazy(() => import('./commands/push.ts')));

  program
    .command('backflow')
    .description("ask the parent node for this node's rows of a dataset (回流), into backflow.<dataset>")
    .argument('<dataset>', 'the dataset')
    .option('--columns <list>', 'comma-separated catalog columns; default all this node is entitled to')
    .option('--purpose <text>', 'the use scenario of the request (required, recorded in the audit)')
    .option('--grant <id>', 'the grant (of a request to the parent) the rows are returned under')
    .option('--operator <name>', 'who asks (usage log); defaults to $GONGSHU_OPERATOR or the login name')
    .option('--department <name>', 'the department that will use the rows (usage log)')
    .option(
      '--project <dir>',
      'project directory (holding gongshu.config.ts); defaults to the nearest one upward',
    )
    .option('--warehouse <file>', 'DuckDB file; defaults to the project warehouse')
    .option('--json', 'print the result as JSON')
    .action(lazy(() => import('./commands/backflow.ts')));

  governanceOptions(
    program
      .command('audit')
      .description(
        'the hash-chained audit of transfers (push, backflow, refusals) and governance events: list, verify (across archive segments and the usage log; --against-parent also against the heads the parent recorded), archive --before DATE',
      )
      .addArgument(
        program.createArgument('<action>', 'list, verify or archive').choices(['list', 'verify', 'archive']),
      )
      .option('--dataset <name>', 'list: only this dataset')
      .option(
        '--action <action>',
        'list: only this action (push-sent, push-received, backflow-served, request-submitted, usage-export, …)',
      )
      .option('--limit <n>', 'list: newest entries to show', '50')
      .option(
        '--against-parent',
        'verify: also ask the parent (signed) for the audit heads this node carried with its pushes, which detects a rewritten chain',
      )
      .option('--before <date>', 'archive: archive the entries recorded before this date'),
    { at: false },
  ).action(lazy(() => import('./commands/audit.ts')));

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
    .action(lazy(() => import('./commands/backup.ts')));

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
    .action(lazy(() => import('./commands/unlock.ts')));

  commandNames = program.commands.map((c) => c.name());
  addHelpFooters(program);
  program.addHelpText('after', () => rootHelpFooter());
  for (const command of program.commands) collectSyntaxProblems(command);
  return program;
}

/** The end of `gongshu --help`: a few examples, where to find each command's, and the exit codes. */
function rootHelpFooter(): string {
  const g = invocation();
  return [
    '',
    'Examples:',
    `  $ ${g} demo`,
    `  $ ${g} validate citizen-id 11010519491231002X --json`,
    `  $ ${g} run --project examples/xinjiang`,
    '',
    `Each command's --help ends with its examples and exit codes, e.g. ${g} quality --help.`,
    'With --json, data goes to stdout as JSON, and an error as one line {"error":{"code","message","fix","exitCode"}}.',
    '',
    'Exit codes:',
    ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `  ${code.padEnd(2)}  ${meaning}`),
  ].join('\n');
}

/** Runs `gongshu` with a process argv (`[node, script, ...args]`); sets process.exitCode. */
export async function runCli(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  const args = argv.slice(2);
  if (isVersionRequest(args)) {
    try {
      const { printVersion } = await import('./version.ts');
      process.exitCode = await printVersion(processOutput(), { json: args.includes('--json') });
    } catch (error) {
      process.exitCode = reportError(error, {
        json: args.includes('--json'),
        debug: args.includes('--debug'),
      });
    }
    return;
  }
  await program.parseAsync([...argv]);
}
