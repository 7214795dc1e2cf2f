import { createReadStream, createWriteStream, statfsSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Worker } from 'node:worker_threads';
import { GongshuError, quoteLiteral, startWorker } from '../../schemas/index.ts';
import { sweepStaleTemp } from '../stale-temp.ts';
import type { SqlRelation } from '../types.ts';
import type { CheckMessage } from './check-worker.ts';
import { type CsvEncoding, createDecoder } from './encoding.ts';
import { EncodingCheck, gbLikeLineProblem, invalidBytesProblem, mixedLineProblem } from './encoding-check.ts';
import type { CsvOptions } from './options.ts';
import { recoverRows } from './recover.ts';

/** What the connector knows about the file when it offers the fast path. */
export interface FastPathInput {
  readonly options: CsvOptions;
  readonly encoding: CsvEncoding;
  readonly bomLength: number;
  readonly delimiter: string;
  /** The normalised header names (as the JS path names them). */
  readonly columns: readonly string[];
  /** `\n` characters inside the header's quoted fields. */
  readonly headerNewlines: number;
}

/** Temporary UTF-8 copies are named `<tmpdir>/gongshu-<pid>-<ms>-<file>.utf8.csv`. */
const TEMP_PREFIX = 'gongshu-';

/** A value no department file contains, used as DuckDB's NULL string so that empty fields stay ''. */
const NEVER_NULL = '\u0001\u0002gongshu-no-null\u0002\u0001';

/**
 * The DuckDB-native way to stage a CSV file: DuckDB's parallel reader parses it (a GB18030 file is first
 * transcoded to a temporary UTF-8 copy), and every row's `file:line` is derived from the rows before it
 * (their embedded line breaks). The loader verifies that the rows and embedded breaks account for every
 * physical line of the file and otherwise falls back to the JS parser, which also quarantines malformed
 * rows with their exact reasons. Declines (returns undefined) for files with lone CR line endings, an
 * explicit header list or a custom quote.
 */
export async function csvRelation(input: FastPathInput): Promise<SqlRelation | undefined> {
  const { options } = input;
  if (options.header !== true || options.quote !== '"') return undefined;
  const scan = await scanFile(options.path, input.encoding, input.bomLength);
  if (scan.loneCarriageReturn || scan.check.mixedLines.length > MAX_PROBLEM_LINES) {
    await scan.dispose();
    return undefined;
  }
  const summary = scan.check.summary(basename(options.path));
  const recovered = recoverRows(
    scan.check.lineTexts,
    { delimiter: input.delimiter, quote: '"' },
    input.columns.length,
  );
  const names = `[${input.columns.map(quoteLiteral).join(', ')}]`;
  const sql =
    `read_csv(${quoteLiteral(scan.utf8Path)}, header = true, skip = ${options.skipLines}, names = ${names}, ` +
    `all_varchar = true, delim = ${quoteLiteral(input.delimiter)}, quote = '"', escape = '"', strict_mode = true, ` +
    `null_padding = false, nullstr = ${quoteLiteral(NEVER_NULL)})`;
  return {
    sql,
    location: '',
    hidden: [],
    lines: {
      file: basename(options.path),
      firstDataLine: options.skipLines + 2 + input.headerNewlines,
      physicalLines: scan.physicalLines,
      ...(scan.check.mixedLines.length > 0
        ? {
            problemLines: {
              lines: scan.check.mixedLines,
              problem: input.encoding === 'utf-8' ? gbLikeLineProblem() : mixedLineProblem(input.encoding),
            },
          }
        : {}),
      ...(scan.replacement ? { replacementProblem: invalidBytesProblem(input.encoding) } : {}),
      ...(recovered.size > 0 ? { recovered } : {}),
    },
    notes: [
      ...(summary ? [summary] : []),
      ...(scan.utf8Path === options.path
        ? []
        : [
            input.encoding === 'utf-8'
              ? "copied to valid UTF-8 (invalid bytes as U+FFFD) for DuckDB's reader"
              : `transcoded ${input.encoding} → UTF-8 for DuckDB's reader`,
          ]),
      ...(scan.how ? [scan.how] : []),
    ],
    dispose: scan.dispose,
  };
}

/** Above this many lines of another encoding the JS parser reads the file (the list would be a large literal). */
const MAX_PROBLEM_LINES = 10_000;

interface Scan {
  readonly utf8Path: string;
  readonly physicalLines: number;
  readonly loneCarriageReturn: boolean;
  /** The whole file's encoding check. */
  readonly check: EncodingCheck;
  /** Whether the UTF-8 text DuckDB reads holds U+FFFD (invalid bytes, or the character itself). */
  readonly replacement: boolean;
  /** How a large GB18030/GBK file was checked, for the load's notes (`PARALLEL_CHECK_BYTES`). */
  readonly how?: string;
  dispose(): Promise<void>;
}

/**
 * Counts the file's physical lines (and lone CRs) and checks its bytes (the whole file); transcodes a non-UTF-8
 * file to a temporary UTF-8 copy, and copies a UTF-8 file with invalid bytes (which DuckDB's reader refuses)
 * with those bytes as U+FFFD, so that their rows are quarantined like the JS parser does.
 */
async function scanFile(path: string, encoding: CsvEncoding, bomLength: number): Promise<Scan> {
  await sweepStaleTemp(COPY_NAME);
  if (encoding !== 'utf-8' && (await stat(path)).size >= PARALLEL_CHECK_BYTES) {
    const worker = checkInWorker(path, encoding, bomLength);
    let first: Omit<Scan, 'check'>;
    try {
      first = await readFile(path, encoding, bomLength, undefined, true);
    } catch (error) {
      worker.stop();
      throw error;
    }
    let check = await worker.check;
    let how = 'the encoding checked in a worker thread while transcoding';
    if (!check) {
      // The worker could not run (or read the file): the check is a second pass here.
      check = new EncodingCheck(encoding);
      await readFile(path, encoding, bomLength, check, false);
      how = 'the encoding checked in a second pass (the worker thread could not run)';
    }
    return { ...first, check, replacement: first.replacement || check.hasReplacement, how };
  }
  const check = new EncodingCheck(encoding);
  const first = await readFile(path, encoding, bomLength, check, encoding !== 'utf-8');
  if (encoding === 'utf-8' && check.invalidUtf8) {
    const copy = await readFile(path, encoding, bomLength, undefined, true);
    return { ...first, utf8Path: copy.utf8Path, replacement: true, check, dispose: copy.dispose };
  }
  return { ...first, check, replacement: first.replacement || check.hasReplacement };
}

/**
 * A GB18030/GBK file at least this large is checked in a worker thread while this thread transcodes it: the check
 * (~0.1 s per million lines) then costs nothing, as the second core is idle until DuckDB reads the copy. Smaller
 * files are checked in the transcoding pass itself, which is cheaper than starting a thread (~30 ms compiled,
 * ~0.2 s from the TypeScript sources).
 */
export const PARALLEL_CHECK_BYTES = 64 * 2 ** 20;

/**
 * Runs an `EncodingCheck` over the whole file in a worker thread (connectors/csv/check-worker.ts). `check` resolves
 * to its result, or to undefined when the worker failed (the caller then checks the file itself).
 */
export function checkInWorker(
  path: string,
  encoding: CsvEncoding,
  bomLength: number,
): { readonly check: Promise<EncodingCheck | undefined>; stop(): void } {
  let worker: Worker;
  try {
    worker = startWorker(import.meta.url, 'check-worker', { workerData: { path, encoding, bomLength } });
  } catch {
    return { check: Promise.resolve(undefined), stop: () => {} };
  }
  const check = new Promise<EncodingCheck | undefined>((resolve) => {
    worker.once('message', (m: CheckMessage) => {
      resolve(m.ok ? EncodingCheck.from(encoding, m.findings) : undefined);
    });
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { check, stop: () => void worker.terminate() };
}

/** A temporary copy's name, with the pid of the process that wrote it. */
const COPY_NAME = new RegExp(`^${TEMP_PREFIX}(\\d+)-\\d+-.*\\.utf8\\.csv$`);

/** One pass over the file: line counts, the check (if given), and a UTF-8 copy (if asked). */
async function readFile(
  path: string,
  encoding: CsvEncoding,
  bomLength: number,
  check: EncodingCheck | undefined,
  transcode: boolean,
): Promise<Omit<Scan, 'check'>> {
  const tmp = transcode
    ? join(tmpdir(), `${TEMP_PREFIX}${process.pid}-${Date.now()}-${basename(path)}.utf8.csv`)
    : undefined;
  const out = tmp ? createWriteStream(tmp) : undefined;
  let failure: Error | undefined;
  out?.on('error', (error) => {
    failure ??= error;
  });
  /** Resolves when the stream drains or fails (a full disk must not leave the load waiting). */
  const drained = (w: NonNullable<typeof out>) =>
    new Promise<void>((resolve) => {
      const done = () => {
        w.off('drain', done);
        w.off('error', done);
        resolve();
      };
      w.once('drain', done);
      w.once('error', done);
    });
  const decoder = transcode ? createDecoder(encoding) : undefined;
  let replacement = false;
  let newlines = 0;
  let lone = false;
  let last = -1;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let bytes = chunk as Buffer;
    if (first && bomLength > 0) bytes = bytes.subarray(bomLength);
    first = false;
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) newlines++;
    for (let i = bytes.indexOf(13); i !== -1; i = bytes.indexOf(13, i + 1)) {
      const next = i + 1 < bytes.length ? bytes[i + 1] : undefined;
      if (next !== undefined && next !== 10) lone = true;
    }
    if (last === 13 && bytes[0] !== 10) lone = true;
    if (bytes.length) last = bytes[bytes.length - 1]!;
    check?.push(bytes);
    if (out && decoder) {
      const text = decoder.write(bytes);
      if (!replacement && text.includes('\uFFFD')) replacement = true;
      if (!out.write(text) && !failure) await drained(out);
      if (failure) break;
    }
  }
  check?.end();
  if (out && decoder && !failure) {
    const text = decoder.end();
    if (text.includes('\uFFFD')) replacement = true;
    out.end(text);
    await finished(out).catch((error: Error) => {
      failure ??= error;
    });
  }
  if (failure && tmp) {
    out?.destroy();
    await rm(tmp, { force: true });
    throw copyError(path, tmp, failure);
  }
  const physicalLines = newlines + (last !== -1 && last !== 10 ? 1 : 0);
  return {
    utf8Path: tmp ?? path,
    physicalLines,
    replacement,
    loneCarriageReturn: lone || last === 13,
    dispose: async () => {
      if (tmp) await rm(tmp, { force: true });
    },
  };
}

/** The temporary UTF-8 copy could not be written: a full disk says so, with the space left. */
function copyError(path: string, tmp: string, error: Error): GongshuError {
  const dir = dirname(tmp);
  if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
    let free = 'an unknown amount';
    try {
      const s = statfsSync(dir);
      free = `${((Number(s.bavail) * Number(s.bsize)) / 2 ** 20).toFixed(1)} MiB`;
    } catch {
      // say what we know
    }
    return new GongshuError(
      'disk-full',
      `${path}: the disk is full: the temporary UTF-8 copy for DuckDB's reader could not be written to ${dir} ` +
        `(${free} free; it needs about the file's size). Nothing was loaded. Fix: free space there, or point TMPDIR ` +
        "at a larger disk, or read the file with csv({ parser: 'js' }), which needs no copy",
      { details: { path, dir, free } },
    );
  }
  return new GongshuError(
    'temp-copy',
    `${path}: the temporary UTF-8 copy for DuckDB's reader could not be written to ${dir} (${error.message}). ` +
      "Fix: check TMPDIR, or read the file with csv({ parser: 'js' }), which needs no copy",
    { details: { path, dir }, cause: error },
  );
}
