/** Runs a CLI command sent over the control socket inside the node service (see session.ts). */
import type { CommandRunner } from '../project/index.ts';
import { exitCodeOf } from './errors.ts';
import { jsonReplacer, type Output } from './output.ts';
import { buildProgram } from './program.ts';
import { type CommandSession, inSession } from './session.ts';

/** The `CommandRunner` `gongshu serve` gives its node service. */
export const runInService: CommandRunner = async (request, io, access) => {
  const out: Output = {
    tty: false,
    color: false,
    data: (line) => io.out(line),
    json: (value) => io.out(JSON.stringify(value, jsonReplacer)),
    note: (line) => io.err(line),
  };
  const session: CommandSession = { out, request, access, exitCode: undefined };
  return inSession(session, async () => {
    try {
      await buildProgram().parseAsync(['node', 'gongshu', ...request.argv]);
    } catch (error) {
      out.note(`gongshu: ${(error as Error).message}`);
      session.exitCode ??= exitCodeOf(error);
    }
    return session.exitCode ?? 0;
  });
};
