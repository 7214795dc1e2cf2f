/**
 * Worker entry of the parallel encoding check (`checkInWorker`, connectors/csv/fast-path.ts): reads the whole file
 * after its byte-order mark through an `EncodingCheck` and posts the findings, while the main thread transcodes it.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { CsvEncoding } from './encoding.ts';
import { type CheckFindings, EncodingCheck } from './encoding-check.ts';

/** What the worker posts once: the findings, or why it could not check the file. */
export type CheckMessage = { ok: true; findings: CheckFindings } | { ok: false; message: string };

const { path, encoding, bomLength } = workerData as {
  path: string;
  encoding: CsvEncoding;
  bomLength: number;
};
const post = (m: CheckMessage) => parentPort!.postMessage(m);
try {
  const check = new EncodingCheck(encoding);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, start: bomLength }))
    check.push(chunk as Buffer);
  check.end();
  post({ ok: true, findings: check.findings() });
} catch (error) {
  post({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
