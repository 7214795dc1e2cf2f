import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The source file (relative to the working directory) of the code that called the function which calls
 * `callerFile()`, so definition errors can name the file where the bad definition is written.
 */
export function callerFile(depth = 2): string | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  const frames = stack
    .map((line) => /\((.*?):\d+:\d+\)$/.exec(line)?.[1] ?? /at (.*?):\d+:\d+$/.exec(line)?.[1])
    .filter((f): f is string => f !== undefined && !f.startsWith('node:'));
  const frame = frames[depth];
  if (frame === undefined) return undefined;
  const path = frame.startsWith('file://') ? fileURLToPath(frame) : frame;
  return relative(process.cwd(), path) || path;
}
