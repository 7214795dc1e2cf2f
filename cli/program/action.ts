/**
 * The action of every command: its line checked as a whole, its module imported lazily, errors as exit codes.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ArgumentProblems } from '../arguments.ts';
import { forwardToService } from '../forwarding.ts';
import { COMMAND_HELP } from '../help.ts';
import { currentSession } from '../session.ts';
import { reportError } from './report-error.ts';

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

/** Whether the command line asks for JSON output (also when commander could not parse it). */
function wantsJson(command: Command | undefined, argv: readonly string[]): boolean {
  return command ? Boolean(command.opts().json) : argv.includes('--json');
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
export function collectSyntaxProblems(command: Command): void {
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
export function lazy(load: () => Promise<CommandModule>) {
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
