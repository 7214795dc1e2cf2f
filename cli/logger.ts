import { type Logger, pino } from 'pino';
import { maskIdentifiersIn } from '../schemas/index.ts';
import { currentSession } from './session.ts';

/** Paths pino redacts from log objects: keys, tokens and identity numbers never reach the log. */
export const REDACT_PATHS = [
  '*.token',
  '*.password',
  '*.secret',
  '*.privateKey',
  '*.citizenId',
  '*.idNumber',
  'headers.authorization',
];

/** The CLI's logger: pino to stderr, pretty on a terminal, at the given level (default `info`). */
export function createLogger(level = 'info'): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: null,
    // Identity numbers inside messages (a value echoed by a parser or a database) are masked too.
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskIdentifiersIn(a) : a)),
        );
      },
    },
  };
  const session = currentSession();
  if (session) {
    // Inside the node service: the log lines go back to the CLI that sent the command.
    return pino(options, { write: (line: string) => session.out.note(line.trimEnd()) });
  }
  if (process.stderr.isTTY && !process.env.GONGSHU_LOG_JSON) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { destination: 2, colorize: !process.env.NO_COLOR, ignore: 'time' },
      },
    });
  }
  return pino(options, pino.destination(2));
}
