/**
 * Input checks shared by the benches: a bench must refuse inputs of the wrong size (a generator cut short
 * must not pass for the full data set), and must write its generated files so that a cut-short run leaves
 * nothing that looks finished.
 */
import { once } from 'node:events';
import { createReadStream, existsSync, renameSync, rmSync, type WriteStream } from 'node:fs';

/** Physical lines of a file (LF count, plus one for a last line without LF). */
export async function countLines(path: string): Promise<number> {
  let n = 0;
  let last = -1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++;
    if (bytes.length) last = bytes[bytes.length - 1]!;
  }
  return n + (last !== -1 && last !== 10 ? 1 : 0);
}

/**
 * Throws unless the file has `rows` data rows after `headerLines` header lines (the bench's generated files
 * have no line breaks inside fields).
 */
export async function requireRows(path: string, rows: number, headerLines = 1): Promise<void> {
  if (!existsSync(path)) throw new Error(`bench input ${path} is missing`);
  const lines = await countLines(path);
  if (lines !== rows + headerLines) {
    throw new Error(
      `bench input ${path} has ${lines - headerLines} data rows, expected ${rows}: refusing to measure it. ` +
        'Fix: delete it and run the bench again to regenerate it',
    );
  }
}

/** Throws when a measured case read a different number of rows than its input has. */
export function requireCount(what: string, got: number, expected: number): void {
  if (got !== expected) {
    throw new Error(`${what}: read ${got} rows, expected ${expected}: refusing the measure`);
  }
}

/**
 * Writes `chunk` and waits for `drain` if the stream asked for it. The listener is attached before any
 * other stream is awaited: a `drain` that fires while the caller waits on another stream is not missed
 * (the old generator waited on one stream, missed the other's drain and, with nothing left to keep the
 * event loop alive, Node exited with code 13 after 10,000 rows).
 */
export function write(stream: WriteStream, chunk: string | Uint8Array): Promise<void> {
  if (stream.write(chunk)) return Promise.resolve();
  return once(stream, 'drain').then(() => undefined);
}

/** Ends the stream and waits until its file is closed; rejects on a write error. */
export async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'close');
}

/** Moves a finished temporary file into place (a cut-short run leaves only `*.partial`). */
export function publish(partial: string, path: string): void {
  rmSync(path, { force: true });
  renameSync(partial, path);
}
