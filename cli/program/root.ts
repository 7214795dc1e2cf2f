/** The `gongshu` program itself: global options, output, usage errors and the end of `gongshu --help`. */
import { Command, Option } from 'commander';
import { CliError, EXIT, EXIT_MEANINGS, errorReport } from '../errors.ts';
import { invocation } from '../invocation.ts';
import { processOutput } from '../output.ts';
import { currentSession } from '../session.ts';
import { asRun } from './report-error.ts';

/** The `gongshu` command without its subcommands: the global options, where its output goes, usage errors. */
export function rootCommand(): Command {
  return (
    new Command('gongshu')
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
      })
  );
}

/** The end of `gongshu --help`: a few examples, where to find each command's, and the exit codes. */
export function rootHelpFooter(): string {
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
