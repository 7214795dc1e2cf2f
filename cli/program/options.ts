/** Options shared by several commands. */
import type { Command } from 'commander';

/** Options of the governance commands: who acts, as of when, where. */
export function governanceOptions(command: Command, options: { at?: boolean } = {}): Command {
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
