/**
 * SM3 of files on a worker thread, so the per-file hashes of a backup are computed beside the encryption
 * (one core hashes while the other encrypts) instead of after it. The files do not change meanwhile: the caller
 * holds the warehouse's writer; the encryption loop still checks every file's size.
 */
import { Worker } from 'node:worker_threads';

// Plain CommonJS: an eval'd worker is not run through the TypeScript loader.
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
const out = [];
for (const file of workerData.files) {
  const fd = openSync(file, 'r');
  const hash = createHash('sm3');
  let at = 0;
  try {
    for (let n = readSync(fd, buf, 0, buf.length, at); n > 0; n = readSync(fd, buf, 0, buf.length, at)) {
      hash.update(buf.subarray(0, n));
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  out.push({ sm3: hash.digest('hex'), bytes: at });
}
parentPort.postMessage(out);
`;

/** The SM3 (hex) and length of each file, computed on a worker thread; `cancel()` stops it. */
export function hashFiles(files: readonly string[]): {
  result: Promise<{ sm3: string; bytes: number }[]>;
  cancel(): void;
} {
  const worker = new Worker(CODE, { eval: true, workerData: { files: [...files] } });
  const result = new Promise<{ sm3: string; bytes: number }[]>((resolve, reject) => {
    let done = false;
    worker.once('message', (result: { sm3: string; bytes: number }[]) => {
      done = true;
      resolve(result);
    });
    worker.once('error', (error) => {
      done = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the SM3 worker exited with code ${code}`));
    });
  });
  result.catch(() => undefined);
  return { result, cancel: () => void worker.terminate() };
}
