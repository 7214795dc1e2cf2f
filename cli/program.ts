/**
 * The `gongshu` command line: the program (cli/program/root.ts) and its commands, registered by the modules of
 * cli/program/ (one function per command, its action imported lazily when run: cli/program/action.ts).
 */
import type { Command } from 'commander';
import { addHelpFooters } from './help.ts';
import { processOutput } from './output.ts';
import { collectSyntaxProblems } from './program/action.ts';
import * as catalog from './program/catalog.ts';
import * as data from './program/data.ts';
import * as governance from './program/governance.ts';
import * as hierarchy from './program/hierarchy.ts';
import * as operations from './program/operations.ts';
import * as quality from './program/quality.ts';
import { reportError, setCommandNames } from './program/report-error.ts';
import { rootCommand, rootHelpFooter } from './program/root.ts';
import * as sharing from './program/sharing.ts';
import { isVersionRequest } from './version.ts';

/** Every command, in the order `gongshu --help` lists them. */
const COMMANDS: readonly ((program: Command) => void)[] = [
  data.validate,
  data.run,
  catalog.catalog,
  sharing.request,
  sharing.share,
  sharing.open,
  governance.objection,
  governance.usage,
  governance.duplicates,
  governance.evaluate,
  governance.destroy,
  data.sql,
  data.ingest,
  data.quarantine,
  quality.quality,
  quality.report,
  quality.build,
  data.runs,
  data.demo,
  hierarchy.keys,
  hierarchy.push,
  hierarchy.backflow,
  hierarchy.audit,
  operations.schedules,
  operations.calendar,
  operations.init,
  operations.backup,
  operations.serve,
  operations.unlock,
];

/** The `gongshu` command with all its subcommands (actions imported lazily when run). */
export function buildProgram(): Command {
  const program = rootCommand();
  for (const register of COMMANDS) register(program);
  setCommandNames(program.commands.map((c) => c.name()));
  addHelpFooters(program);
  program.addHelpText('after', () => rootHelpFooter());
  for (const command of program.commands) collectSyntaxProblems(command);
  return program;
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
