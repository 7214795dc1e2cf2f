/** How the CLI shows an error, and hints written `gongshu …` the way the user ran gongshu. */
import { errorReport, errorStack } from '../errors.ts';
import { rewriteHints } from '../invocation.ts';
import { processOutput } from '../output.ts';

/** The command names, for rewriting `gongshu <command>` in hints. */
let commandNames: string[] = [];

/** Sets the command names `asRun` rewrites (buildProgram, once every command is registered). */
export function setCommandNames(names: readonly string[]): void {
  commandNames = [...names];
}

/** Rewrites `gongshu <command>` in a text into the way the user ran gongshu. */
export function asRun(text: string): string {
  return rewriteHints(text, commandNames);
}

/** Prints an error: the human line on stderr and, with --json, `{ "error": … }` as one line on stdout. */
export function reportError(error: unknown, options: { json: boolean; debug: boolean }): number {
  const out = processOutput();
  const report = errorReport(error, asRun);
  out.note(`gongshu: ${report.message}`);
  if (options.debug || report.code === 'internal') out.note(errorStack(error));
  if (report.code === 'internal' && !options.debug)
    out.note('This is a bug in gongshu; rerun with --debug and report the output.');
  if (options.json) out.json({ error: report });
  return report.exitCode;
}
